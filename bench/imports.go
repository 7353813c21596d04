package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/models"
)

// ImportReport is what one NDJSON import costs (credence bench --import): the file of
// cfg.Scale.Articles synthetic articles goes through app/imports, the pipeline of
// `credence import` and POST /api/v1/articles/import, into a fresh database, reprint scan
// and shared index included.
type ImportReport struct {
	Engine   string `json:"engine"`
	Articles int    `json:"articles"`
	// Reprints counts the articles of the file that reprint passages of an earlier article,
	// and Found those that the import's reprint scan gave a proposed region crediting one.
	Reprints  int           `json:"reprints"`
	Found     int           `json:"reprints_found"`
	Created   int           `json:"created"`
	Errors    int           `json:"errors"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	PerSecond float64       `json:"articles_per_second"`
}

// reprintEvery makes every reprintEvery-th article of an import file reprint three paragraphs
// of a recent one, so the import's reprint scan finds, aligns and proposes as on a real feed.
const reprintEvery = 10

// WriteImportFile writes n synthetic articles of wordsPer words as NDJSON, each naming one of
// the outlets by domain; every reprintEvery-th (from the second ten on) carries three
// paragraphs of one of the 50 articles before it, under another outlet. It returns how many such reprints it wrote.
func WriteImportFile(w io.Writer, n, wordsPer int, outletDomains []string, seed uint64) (int, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x51ed27))
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	type earlier struct {
		text   string
		outlet int
	}
	recent := make([]earlier, 0, 50)
	reprinted := 0
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		text, outlet := words(r, wordsPer), r.IntN(len(outletDomains))
		if i >= reprintEvery && i%reprintEvery == reprintEvery-1 && len(recent) > 0 {
			src := recent[r.IntN(len(recent))]
			paras := strings.Split(src.text, "\n\n")
			if len(paras) > 4 && len(outletDomains) > 1 {
				k := r.IntN(len(paras) - 3)
				own := strings.Split(text, "\n\n")
				cut := min(len(own), 4)
				text = strings.Join(append(append(own[:cut:cut], paras[k:k+3]...), own[cut:]...), "\n\n")
				if outlet == src.outlet { // another outlet's text: a reprint to credit
					outlet = (outlet + 1) % len(outletDomains)
				}
				reprinted++
			}
		}
		if len(recent) < cap(recent) {
			recent = append(recent, earlier{text, outlet})
		} else {
			recent[i%cap(recent)] = earlier{text, outlet}
		}
		pub := base.Add(time.Duration(i) * time.Minute)
		if err := enc.Encode(map[string]any{
			"outlet": outletDomains[outlet], "title": fmt.Sprintf("Imported article %d", i),
			"url": fmt.Sprintf("https://import.bench.example/%d/%d", seed, i), "published_at": pub, "text": text,
		}); err != nil {
			return reprinted, err
		}
	}
	return reprinted, bw.Flush()
}

// Import measures an NDJSON import of cfg.Scale.Articles articles into cfg.DSN (a fresh
// temporary SQLite file if empty; a PostgreSQL database must be empty): outlets are made,
// the file is written to a temporary directory, then imported and timed.
func Import(ctx context.Context, cfg Config) (*ImportReport, error) {
	dir, err := os.MkdirTemp("", "credence-bench-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if cfg.DSN == "" {
		cfg.DSN = filepath.Join(dir, "bench.db")
	}
	store, err := models.Open(cfg.DSN)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	rep := &ImportReport{Engine: store.Dialect(), Articles: cfg.Scale.Articles}
	domains := make([]string, max(1, cfg.Scale.Outlets))
	for i := range domains {
		domains[i] = fmt.Sprintf("outlet%d.import.bench.example", i)
		if err := store.CreateOutlet(ctx, 0, &models.Outlet{Name: fmt.Sprintf("Import Outlet %d", i), Domains: []string{domains[i]}}); err != nil {
			return nil, err
		}
	}
	path := filepath.Join(dir, "articles.ndjson")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	rep.Reprints, err = WriteImportFile(f, cfg.Scale.Articles, cfg.Scale.WordsPer, domains, cfg.Seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	cfg.logf("import file: %d articles (%d reprinting an earlier one)", cfg.Scale.Articles, rep.Reprints)
	f, err = os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := imports.New(store, reprints.New(store, log))
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	res, err := svc.Import(ctx, f, imports.Options{Format: "ndjson"}, 0, func(items int, _ int64) {
		if items%5000 == 0 {
			cfg.logf("  %d articles in %s", items, time.Since(t0).Round(time.Millisecond))
		}
	})
	rep.Elapsed = time.Since(t0)
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	rep.Created, rep.Errors = res.Created, res.ErrorCount
	rep.PerSecond = float64(res.Created) / rep.Elapsed.Seconds()
	rep.Found, err = reprintsFound(ctx, store, res.IDs)
	return rep, err
}

// reprintsFound counts the articles among ids with a proposed region crediting another article.
func reprintsFound(ctx context.Context, store *models.Store, ids []int64) (int, error) {
	n := 0
	for i := 2*reprintEvery - 1; i < len(ids); i += reprintEvery {
		regs, err := store.ListRegions(ctx, ids[i], 0)
		if err != nil {
			return 0, err
		}
		for _, g := range regs {
			if g.OtherArticleID != nil {
				n++
				break
			}
		}
	}
	return n, nil
}

// Text renders the import report for people.
func (r *ImportReport) Text() string {
	return fmt.Sprintf("engine %s, NDJSON import of %d articles (%d reprinting an earlier one, %d of them found)\n"+
		"created %d, errors %d, in %s: %.1f articles/s\n",
		r.Engine, r.Articles, r.Reprints, r.Found, r.Created, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond)
}
