// Package imports is the one way articles come into the corpus in bulk: the command line
// (`credence import`), the demo data and the HTTP routes (POST /api/v1/articles/import and
// its preview) all call Service.Import, which reads every import format (newline-delimited
// JSON, a JSON array, a plain-text or an HTML file), reports errors per line without
// stopping, bounds its report, and calls back with its progress.
//
// Memory stays bounded whatever the size of the upload: NDJSON is read a line at a time and
// a JSON array an element at a time, each at most MaxLine bytes; a text or HTML file is one
// article and is read up to MaxLine bytes, the rest counted and discarded (a too_large error
// for the article), never held.
package imports

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// MaxLine is the most bytes one article of an import may take: a line of NDJSON, an element
// of a JSON array, or a whole text or HTML file. The longest text an article may hold
// (annotate.MaxTextLen code points) fits with room for its markup.
const MaxLine = 16 << 20

// MaxReportedLines bounds the errors (and preview items) an import report lists, so that a
// large upload of bad lines cannot grow the report, and the heap, without limit; the counts
// stay exact.
const MaxReportedLines = 1000

// Options say how to read an import and what to assume where the file is silent.
type Options struct {
	Format      string // ndjson, json, text, html; "" to detect from Filename, ContentType and the body
	Filename    string
	ContentType string
	Outlet      string // id, name, alias or domain for articles that name no outlet
	URL         string // for a text or HTML file: the article's URL (its domain may give the outlet)
	Title       string // for a text or HTML file: overrides the title found in it
	DryRun      bool   // preview: say what would happen, store nothing
}

// LineError is one article of an import that was not stored.
type LineError struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Title   string `json:"title,omitempty"` // the line's title, when it had one: which article failed
}

// LineDuplicate is one article an import skipped as already stored (or given twice): the
// report lists them, not only their count, so that an admin can see which ones.
type LineDuplicate struct {
	Line            int    `json:"line"`
	Title           string `json:"title,omitempty"`
	URL             string `json:"url,omitempty"`
	ExistingID      int64  `json:"existing_id,omitempty"`
	DuplicateOfLine int    `json:"duplicate_of_line,omitempty"`
}

// Result holds the counts of the public contract.
type Result struct {
	Created           int         `json:"created"`
	Updated           int         `json:"updated"` // stored articles (same URL) that got a new revision
	SkippedDuplicates int         `json:"skipped_duplicates"`
	Errors            []LineError `json:"errors"`
	IDs               []int64     `json:"ids"`
}

// ItemResult is what happened, or would happen, to one article of an import.
type ItemResult struct {
	Line            int    `json:"line"`
	Status          string `json:"status"` // created, updated (a new revision), duplicate, error
	Title           string `json:"title,omitempty"`
	URL             string `json:"url,omitempty"`
	OutletID        int64  `json:"outlet_id,omitempty"`
	Outlet          string `json:"outlet,omitempty"`
	ID              int64  `json:"id,omitempty"`          // the stored article (commit)
	ExistingID      int64  `json:"existing_id,omitempty"` // the stored article it duplicates or revises
	Revision        int    `json:"revision,omitempty"`    // updated: the article's new revision (commit)
	DuplicateOfLine int    `json:"duplicate_of_line,omitempty"`
	Code            string `json:"code,omitempty"`
	Message         string `json:"message,omitempty"`
	Field           string `json:"field,omitempty"`
	Element         int    `json:"-"` // the 1-based element of a JSON array, which its errors name
}

// Report is the result of an import or its preview: the counts of the contract (created,
// skipped_duplicates, errors), and for a preview each article's fate. Errors and Items hold
// at most MaxReportedLines entries; ErrorCount counts every error, and Truncated says that
// some were left out.
type Report struct {
	Result
	ErrorCount int          `json:"error_count"`
	Truncated  bool         `json:"truncated"`
	Format     string       `json:"format"`
	DryRun     bool         `json:"dry_run"`
	Items      []ItemResult `json:"items,omitempty"`
	// Duplicates lists the skipped duplicates (at most MaxReportedLines; SkippedDuplicates
	// counts them all).
	Duplicates []LineDuplicate `json:"duplicates,omitempty"`
}

// Progress is how far an import has got.
type Progress struct {
	Items int   `json:"items"`
	Bytes int64 `json:"bytes"`
	Total int64 `json:"total"` // the body's length, -1 when unknown
}

// Import reads articles in any import format and stores each valid one, or with DryRun only
// says what storing would do. Errors are per line and do not stop the others; duplicates of
// stored articles, or of earlier articles of the same file, are skipped, so importing a file
// twice changes nothing. progress, if not nil, is called after each article with the number
// of articles and of bytes read so far. An error returned (a read error, the store failing,
// the context ending) stops the import; what was stored before it stays, and rep says how much.
func (s *Service) Import(ctx context.Context, r io.Reader, opt Options, actor int64, progress func(items int, read int64)) (Report, error) {
	rep := Report{Result: Result{Errors: []LineError{}, IDs: []int64{}}, DryRun: opt.DryRun}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return rep, err
	}
	format, err := annotate.DetectImportFormat(opt.Format, opt.Filename, opt.ContentType, head)
	if err != nil {
		return rep, err
	}
	rep.Format = format
	items, readErr := readItems(format, br, opt)
	seen := newSeenArticles()
	n := 0
	b := &batch{s: s, actor: actor, outlets: map[outletKey]resolved{}}
	if !opt.DryRun {
		b.scans = newScans(ctx, s)
		defer b.scans.close() // the import ends once its batches are scanned
	}
	flush := func() error {
		if err := b.flush(ctx); err != nil {
			return err
		}
		for _, sl := range b.slots {
			rep.count(sl.res, opt.DryRun)
			n++
			if progress != nil {
				progress(n, cr.n)
			}
		}
		b.slots, b.bytes = b.slots[:0], 0
		return ctx.Err()
	}
	for it := range items {
		res, in, store, err := s.importItem(ctx, it, opt, seen)
		if err != nil {
			return rep, err
		}
		b.add(res, in, store)
		// A full batch is stored; so is what has arrived when the input has caught up with its
		// sender (nothing buffered, the last read short): a request body still arriving, say a
		// feed of articles written as they come, is stored as it arrives instead of waiting for
		// 200 lines or the end. A file reads in full buffers, so its batches stay full.
		if len(b.slots) >= batchArticles || b.bytes >= batchBytes || (br.Buffered() == 0 && cr.short) {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if err := readErr(); err != nil && !errors.Is(err, io.EOF) {
		return rep, err
	}
	return rep, nil
}

func (rep *Report) count(res ItemResult, keepItem bool) {
	switch res.Status {
	case "created":
		rep.Created++
		if res.ID != 0 {
			rep.IDs = append(rep.IDs, res.ID)
		}
	case "updated":
		rep.Updated++
	case "duplicate":
		rep.SkippedDuplicates++
		if len(rep.Duplicates) < MaxReportedLines {
			rep.Duplicates = append(rep.Duplicates, LineDuplicate{Line: res.Line, Title: res.Title, URL: res.URL, ExistingID: res.ExistingID, DuplicateOfLine: res.DuplicateOfLine})
		} else {
			rep.Truncated = true
		}
	case "error":
		rep.ErrorCount++
		if len(rep.Errors) < MaxReportedLines {
			rep.Errors = append(rep.Errors, LineError{Line: res.Line, Code: res.Code, Message: res.Message, Field: res.Field, Title: res.Title})
		} else {
			rep.Truncated = true
		}
	}
	if keepItem {
		if len(rep.Items) < MaxReportedLines {
			rep.Items = append(rep.Items, res)
		} else {
			rep.Truncated = true
		}
	}
}

// seenArticles remembers the articles of this import by URL and by outlet and text, so a
// preview reports the second copy in one file as the duplicate the commit will find. Keys
// are fixed-size digests, so the memory per article stays small whatever its URL.
type seenArticles struct {
	url  map[[16]byte]int // digest of the url → line
	text map[[16]byte]int // digest of outlet id and text hash → line
}

func newSeenArticles() *seenArticles {
	return &seenArticles{url: map[[16]byte]int{}, text: map[[16]byte]int{}}
}

func digest(s string) [16]byte {
	h := sha256.Sum256([]byte(s))
	return [16]byte(h[:16])
}

// importItem checks one article of an import and says what became of it, or, with store,
// that it is to be stored (by the batch it joins, see batch.go); a preview is answered here.
func (s *Service) importItem(ctx context.Context, it annotate.ImportItem, opt Options, seen *seenArticles) (ItemResult, annotate.ArticleInput, bool, error) {
	in := it.Input
	res, err := s.checkItem(ctx, it, &in, opt, seen)
	return res, in, err == nil && res.Status == "", err
}

// lineError turns an error of the domain into the line's error result; any other error
// stops the import.
func lineError(res ItemResult, err error) (ItemResult, error) {
	var de *annotate.Error
	if !errors.As(err, &de) {
		return res, fmt.Errorf("import line %d: %w", res.Line, err)
	}
	res.Status, res.Code, res.Message, res.Field = "error", de.Code, de.Message, de.Field
	// The elements of a one-line array share a line: the message says which element it was.
	if el := fmt.Sprintf("element %d of the array", res.Element); res.Element > 0 && !strings.HasPrefix(res.Message, el) {
		res.Message = el + ": " + res.Message
	}
	return res, nil
}

func (s *Service) checkItem(ctx context.Context, it annotate.ImportItem, inp *annotate.ArticleInput, opt Options, seen *seenArticles) (ItemResult, error) {
	res := ItemResult{Line: it.Line, Element: it.Element}
	lineErr := func(err error) (ItemResult, error) { return lineError(res, err) }
	in := inp
	res.Title, res.URL = in.Title, in.URL
	if it.Err != nil {
		return lineErr(it.Err)
	}
	if in.OutletID == 0 && in.Outlet == "" && opt.Outlet != "" {
		if id, err := strconv.ParseInt(opt.Outlet, 10, 64); err == nil && id > 0 {
			in.OutletID = id
		} else {
			in.Outlet = opt.Outlet
		}
	}
	if err := in.Normalise(); err != nil {
		return lineErr(err)
	}
	// PostgreSQL cannot store NUL in text; it is never part of an article, so say so per line.
	for _, f := range []struct{ name, value string }{{"title", in.Title}, {"text", in.Text}, {"author", in.Author}, {"url", in.URL}, {"outlet", in.Outlet}} {
		if strings.ContainsRune(f.value, 0) {
			return lineErr(annotate.Errorf(annotate.CodeInvalid, f.name, "%s contains a NUL character (\\u0000), which an article cannot hold", f.name))
		}
	}
	res.Title, res.URL = in.Title, in.URL
	if opt.DryRun {
		return s.preview(ctx, res, *in, seen, lineErr)
	}
	// A URL given twice in one import is stored once: the later copy is a duplicate, not a
	// revision, so importing the same file again changes nothing.
	urlKey := digest(in.URL)
	if in.URL != "" && seen.url[urlKey] > 0 {
		res.Status, res.DuplicateOfLine = "duplicate", seen.url[urlKey]
		return res, nil
	}
	if in.URL != "" {
		seen.url[urlKey] = res.Line
	}
	return res, nil // to be stored
}

// storeOne stores one checked article of an import on its own: a new revision of the stored
// article with its URL, or a new article.
func (s *Service) storeOne(ctx context.Context, actor int64, res ItemResult, in annotate.ArticleInput) (ItemResult, error) {
	a, err := s.CreateArticle(ctx, actor, in)
	if id, ok := isURLDuplicate(err); ok {
		a, err = s.Revise(ctx, actor, id, in)
		if err == nil {
			res.Status, res.ID, res.ExistingID, res.Revision, res.OutletID, res.Outlet = "updated", a.ID, a.ID, a.Revision, a.OutletID, a.OutletName
			return res, nil
		}
	}
	var dup *models.DuplicateArticleError
	switch {
	case errors.As(err, &dup):
		res.Status, res.ExistingID = "duplicate", dup.ExistingID
		return res, nil
	case err != nil:
		return lineError(res, err)
	}
	res.Status, res.ID, res.OutletID, res.Outlet = "created", a.ID, a.OutletID, a.OutletName
	return res, nil
}

// preview says what storing a normalised article would do, storing nothing.
func (s *Service) preview(ctx context.Context, res ItemResult, in annotate.ArticleInput, seen *seenArticles, lineErr func(error) (ItemResult, error)) (ItemResult, error) {
	outletID, err := s.ResolveOutlet(ctx, &in)
	if err != nil {
		return lineErr(err)
	}
	res.OutletID = outletID
	if o, err := s.store.Outlet(ctx, outletID); err == nil {
		res.Outlet = o.Name
	}
	sha := annotate.TextSHA256(in.Text)
	textKey := digest(strconv.FormatInt(outletID, 10) + ":" + sha)
	urlKey := digest(in.URL)
	dup, err := s.store.ArticleDuplicate(ctx, in.URL, outletID, sha)
	switch {
	case err != nil:
		return res, err
	case in.URL != "" && seen.url[urlKey] > 0:
		res.Status, res.DuplicateOfLine = "duplicate", seen.url[urlKey]
		res.Message = fmt.Sprintf("line %d of this import has the same url", res.DuplicateOfLine)
	case dup != nil && dup.Reason == "url" && s.revises(ctx, dup.ExistingID, outletID, sha):
		res.Status, res.ExistingID = "updated", dup.ExistingID
		res.Message = fmt.Sprintf("a new revision of article %d, whose text differs", dup.ExistingID)
	case dup != nil:
		res.Status, res.ExistingID = "duplicate", dup.ExistingID
		res.Message = dup.Error()
	case in.URL != "" && seen.url[urlKey] > 0:
		res.Status, res.DuplicateOfLine = "duplicate", seen.url[urlKey]
		res.Message = fmt.Sprintf("line %d of this import has the same url", res.DuplicateOfLine)
	case seen.text[textKey] > 0:
		res.Status, res.DuplicateOfLine = "duplicate", seen.text[textKey]
		res.Message = fmt.Sprintf("line %d of this import has the same outlet and text", res.DuplicateOfLine)
	default:
		res.Status = "created"
		if in.URL != "" {
			seen.url[urlKey] = res.Line
		}
		seen.text[textKey] = res.Line
	}
	if in.URL != "" && seen.url[urlKey] == 0 {
		seen.url[urlKey] = res.Line // a later copy of the URL is a duplicate, as the commit finds
	}
	return res, nil
}

// revises says whether an article with text hash sha would be a new revision of the stored
// article id: its text differs, and no other article of the outlet has that text.
func (s *Service) revises(ctx context.Context, id, outletID int64, sha string) bool {
	a, err := s.store.Article(ctx, id)
	if err != nil || a.TextSHA256 == sha {
		return false
	}
	other, err := s.store.ArticleDuplicate(ctx, "", outletID, sha)
	return err == nil && (other == nil || other.ExistingID == id)
}

// readItems chooses the reader of a format. The returned function gives the read error
// that ended the items early, if any, once they are consumed.
func readItems(format string, br *bufio.Reader, opt Options) (iter.Seq[annotate.ImportItem], func() error) {
	switch format {
	case annotate.FormatNDJSON:
		var readErr error
		return ndjsonItems(br, &readErr), func() error { return readErr }
	case annotate.FormatJSON:
		sticky := &stickyErrReader{r: br}
		return annotate.JSONArrayItems(sticky, MaxLine), func() error { return sticky.err }
	}
	var readErr error
	return func(yield func(annotate.ImportItem) bool) {
		in, err := singleArticle(format, br, opt)
		if err != nil && !isItemError(err) {
			readErr = err
			return
		}
		yield(annotate.ImportItem{Line: 1, Input: in, Err: err})
	}, func() error { return readErr }
}

func isItemError(err error) bool {
	var de *annotate.Error
	return errors.As(err, &de)
}
