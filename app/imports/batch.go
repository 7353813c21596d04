package imports

import (
	"context"
	"errors"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// An import stores its new articles in batches: batchArticles lines (or batchBytes of text)
// are checked against the stored articles in two queries, stored with their audit rows and
// reprint keys in one transaction (models.CreateArticles), and scanned for reprints together
// (reprints.ScanBatch). Each line's outcome is the one storing the lines one by one would
// give: a line whose URL is stored already (a revision) is stored on its own, in its turn; an
// article given twice in a batch is a duplicate of its first copy, as it would be of a stored one.
var batchArticles = 200 // a variable for the tests (SetBatchArticles)

// versionInInsert: a batch's new articles are stored at models.FirstScanVersion and their
// first scan does not bump them (ScanImported); false (SetVersionInInsert, for a test) stores
// them at 0 and has the scan bump them, as ScanBatch does.
var versionInInsert = true

const batchBytes = 8 << 20

type slot struct {
	res   ItemResult
	in    annotate.ArticleInput
	store bool
}

// outletKey is what an article names its outlet by, and resolved what that named.
type outletKey struct {
	id         int64
	name, host string
}

type resolved struct {
	id   int64
	name string
	err  error
}

// fresh is a new article of the batch, to be stored, and its slot.
type fresh struct {
	slot int
	a    *models.Article
}

type batch struct {
	s       *Service
	actor   int64
	slots   []slot
	bytes   int
	outlets map[outletKey]resolved // for the whole import
	scans   *scans                 // nil: each batch is scanned at once
}

func (b *batch) add(res ItemResult, in annotate.ArticleInput, store bool) {
	b.slots = append(b.slots, slot{res: res, in: in, store: store})
	if store {
		b.bytes += len(in.Text)
	}
}

// outlet resolves an article's outlet once per import and name.
func (b *batch) outlet(ctx context.Context, in *annotate.ArticleInput) (int64, string, error) {
	k := outletKey{id: in.OutletID, name: in.Outlet}
	if k.id == 0 && k.name == "" {
		k.host = in.URLHost()
	}
	r, ok := b.outlets[k]
	if !ok {
		r.id, r.err = b.s.ResolveOutlet(ctx, in)
		if r.err == nil {
			o, err := b.s.store.Outlet(ctx, r.id)
			if err != nil {
				return 0, "", err
			}
			r.name = o.Name
		}
		b.outlets[k] = r
	}
	return r.id, r.name, r.err
}

// flush stores the batch's articles and fills in each slot's result.
func (b *batch) flush(ctx context.Context) error {
	var news []fresh
	for i := range b.slots {
		sl := &b.slots[i]
		if !sl.store {
			continue
		}
		id, name, err := b.outlet(ctx, &sl.in)
		if err != nil {
			if sl.res, err = lineError(sl.res, err); err != nil {
				return err
			}
			sl.store = false
			continue
		}
		in := &sl.in
		sl.res.OutletID, sl.res.Outlet = id, name
		news = append(news, fresh{i, &models.Article{OutletID: id, OutletName: name, Title: in.Title, URL: in.URL, Author: in.Author,
			PublishedAt: in.PublishedAt, Text: in.Text, TextSHA256: annotate.TextSHA256(in.Text), TextLength: annotate.CodePoints(in.Text),
			CreatedAt: time.Now().UTC()}})
	}
	if len(news) == 0 {
		return nil
	}
	var urls []string
	var texts []models.TextKey
	for _, f := range news {
		if f.a.URL != "" {
			urls = append(urls, f.a.URL)
		}
		texts = append(texts, models.TextKey{OutletID: f.a.OutletID, TextSHA256: f.a.TextSHA256})
	}
	byURL, byText, err := b.s.store.StoredDuplicates(ctx, urls, texts)
	if err != nil {
		return err
	}
	first := map[models.TextKey]int{} // the slot of this batch that has an outlet's text first
	var run []fresh
	storeRun := func() error {
		err := b.storeRun(ctx, run, func(f fresh, a *models.Article) {
			b.slots[f.slot].res.Status, b.slots[f.slot].res.ID = "created", a.ID
		})
		run = run[:0]
		return err
	}
	for _, f := range news {
		sl := &b.slots[f.slot]
		tk := models.TextKey{OutletID: f.a.OutletID, TextSHA256: f.a.TextSHA256}
		switch {
		case f.a.URL != "" && byURL[f.a.URL] != 0: // a revision, stored in its turn
			if err := storeRun(); err != nil {
				return err
			}
			b.scans.wait()
			if sl.res, err = b.s.storeOne(ctx, b.actor, sl.res, sl.in); err != nil {
				return err
			}
		case byText[tk] != 0:
			sl.res.Status, sl.res.ExistingID = "duplicate", byText[tk]
		default:
			if _, ok := first[tk]; ok {
				sl.res.Status = "duplicate" // ExistingID once its first copy is stored
				continue
			}
			first[tk] = f.slot
			run = append(run, f)
		}
	}
	if err := storeRun(); err != nil {
		return err
	}
	for _, f := range news {
		sl := &b.slots[f.slot]
		tk := models.TextKey{OutletID: f.a.OutletID, TextSHA256: f.a.TextSHA256}
		if j, ok := first[tk]; ok && j != f.slot && sl.res.Status == "duplicate" && sl.res.ExistingID == 0 {
			sl.res.ExistingID = b.slots[j].res.ID
			if sl.res.ExistingID == 0 { // its first copy was not created after all
				sl.res.ExistingID = b.slots[j].res.ExistingID
			}
		}
	}
	return nil
}

// storeRun stores new articles together and scans them for reprints (or queues their scan,
// see scans). Should another writer
// have stored one of them meanwhile, each is stored on its own instead, which names the
// duplicate.
func (b *batch) storeRun(ctx context.Context, run []fresh, created func(fresh, *models.Article)) error {
	if len(run) == 0 {
		return nil
	}
	batch := make([]models.NewArticle, len(run))
	var keys [][]uint64
	if rp := b.s.reprints; rp != nil {
		texts := make([]string, len(run))
		for i, f := range run {
			texts[i] = f.a.Text
		}
		keys = rp.Keys(texts)
	}
	for i, f := range run {
		batch[i].Article = f.a
		if keys != nil {
			batch[i].Keys = keys[i]
			if versionInInsert {
				// The version the batch's scan (ScanImported) leaves it at, written now
				// instead of by an update of every new row after the scan.
				f.a.DataVersion = models.FirstScanVersion
			}
		}
	}
	seq, scans := 0, b.scans
	if keys == nil {
		scans = nil
	}
	var noted func([]int64)
	if scans != nil {
		seq = scans.next()
		noted = func(ids []int64) { scans.note(seq, ids) }
	}
	err := b.s.store.CreateArticlesNoting(ctx, b.actor, batch, keys != nil, noted)
	if err != nil && scans != nil {
		scans.forget(seq)
	}
	if errors.Is(err, models.ErrDuplicate) {
		b.scans.wait()
		for _, f := range run {
			sl := &b.slots[f.slot]
			if sl.res, err = b.s.storeOne(ctx, b.actor, sl.res, sl.in); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	arts := make([]models.Article, len(run))
	for i, f := range run {
		created(f, f.a)
		arts[i] = *f.a
	}
	switch {
	case scans != nil:
		scans.add(seq, arts, keys)
	case keys != nil:
		if err := b.s.scanImported(ctx, arts, keys, nil); err != nil {
			b.s.reprints.ScanFailed(arts, err)
		}
	}
	return nil
}

// scanImported scans a batch's new articles, stored by storeRun (see versionInInsert).
func (s *Service) scanImported(ctx context.Context, arts []models.Article, keys [][]uint64, hidden func() []int64) error {
	if versionInInsert {
		return s.reprints.ScanImported(ctx, arts, keys, hidden)
	}
	return s.reprints.ScanBatchHiding(ctx, arts, keys, hidden)
}
