package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzhttp"
)

// Options of one load run.
type Options struct {
	Targets     []string      // base URLs of the service's replicas, used round-robin
	Clients     int           // concurrent simulated reviewers
	Researchers int           // concurrent simulated researchers
	Duration    time.Duration // how long to drive the load
	Mix         string        // "realistic" (default), "create" (annotation creates only) or "read" (article reads only)
	Seed        uint64
}

// Load is the outcome of driving the service.
type Load struct {
	Elapsed time.Duration
	Ops     []OpStats
	Errors  int
	CPU     CPU // what the phase cost the service and the database (Run fills it)
}

// Op returns the stats of one operation by name.
func (l Load) Op(name string) OpStats {
	for _, o := range l.Ops {
		if o.Name == name {
			return o
		}
	}
	return OpStats{Name: name}
}

// NewClient is the HTTP client every measurement uses, so floors and service figures share it.
// Like a current browser it accepts zstd and gzip responses and decompresses them; it does so
// with klauspost/compress, whose decoders (like a browser's native ones) cost a fraction of
// the standard library's, so the harness takes less of the CPU it shares with the service.
func NewClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: gzhttp.Transport(&http.Transport{
		MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	})}
}

type driver struct {
	opt    Options
	corpus *Corpus
	client *http.Client
	next   atomic.Uint64
	recs   map[string]*Recorder
}

func (d *driver) target() string {
	return d.opt.Targets[int(d.next.Add(1))%len(d.opt.Targets)]
}

// call sends one request and decodes a JSON answer into out (if not nil). Any status other
// than want is an error: the harness counts every failed request.
func (d *driver) call(ctx context.Context, op, token, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.target()+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := d.client.Do(req)
	if err == nil {
		defer res.Body.Close()
		if res.StatusCode != want {
			b, _ := io.ReadAll(io.LimitReader(res.Body, 300))
			err = fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(string(b)))
		} else if out != nil {
			err = json.NewDecoder(res.Body).Decode(out)
		} else {
			_, err = io.Copy(io.Discard, res.Body)
		}
	}
	if ctx.Err() != nil && err != nil {
		return nil // the run ended mid-request: not the service's failure
	}
	d.recs[op].Observe(time.Since(start), err)
	return err
}

var opNames = []string{"queue", "article_read", "annotation_create", "annotation_edit", "annotation_delete", "scores_outlets", "export_page"}

// Drive runs simulated reviewers and researchers against the targets for the duration.
func Drive(ctx context.Context, corpus *Corpus, opt Options) Load {
	if opt.Clients <= 0 {
		opt.Clients = 32
	}
	d := &driver{opt: opt, corpus: corpus, client: NewClient(opt.Clients + opt.Researchers), recs: map[string]*Recorder{}}
	for _, n := range opNames {
		d.recs[n] = &Recorder{}
	}
	start := time.Now() // the phase's length: from here to the deadline, and past it for requests in flight
	ctx, cancel := context.WithTimeout(ctx, opt.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < opt.Clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d.reviewer(ctx, i)
		}(i)
	}
	for i := 0; i < opt.Researchers && len(corpus.ResearcherTokens) > 0; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d.researcher(ctx, i)
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	l := Load{Elapsed: elapsed}
	for _, n := range opNames {
		s := d.recs[n].Stats(n, elapsed)
		if s.Count+s.Errors > 0 {
			l.Ops = append(l.Ops, s)
			l.Errors += s.Errors
		}
	}
	return l
}

type created struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// reviewer loops over a realistic mix: open the queue now and then, read an article with its
// annotations, create annotations, edit and delete some of them.
func (d *driver) reviewer(ctx context.Context, i int) {
	r := rand.New(rand.NewPCG(d.opt.Seed+uint64(i), uint64(i)))
	tok := d.corpus.ReviewerTokens[i%len(d.corpus.ReviewerTokens)]
	for ctx.Err() == nil {
		id := d.corpus.ArticleIDs[r.IntN(len(d.corpus.ArticleIDs))]
		n := d.corpus.ArticleLen[id]
		start := r.IntN(max(1, n-30))
		body := map[string]any{"label": []string{"sourced_fact", "speculation", "opinion", "loaded_language"}[r.IntN(4)], "start": start, "end": min(n, start+3+r.IntN(25))}
		p := "/api/v1/articles/" + fmt.Sprint(id)
		switch d.opt.Mix {
		case "create":
			_ = d.call(ctx, "annotation_create", tok, "POST", p+"/annotations", body, 201, nil)
			continue
		case "read":
			d.readArticle(ctx, tok, p)
			continue
		}
		switch x := r.IntN(100); {
		case x < 5:
			_ = d.call(ctx, "queue", tok, "GET", "/api/v1/queue?limit=20", nil, 200, nil)
		case x < 45:
			d.readArticle(ctx, tok, p)
		default:
			var a created
			if d.call(ctx, "annotation_create", tok, "POST", p+"/annotations", body, 201, &a) != nil || a.ID == 0 {
				continue
			}
			switch y := r.IntN(100); {
			case y < 25:
				_ = d.call(ctx, "annotation_edit", tok, "PATCH", "/api/v1/annotations/"+fmt.Sprint(a.ID), map[string]any{"version": a.Version, "note": "checked"}, 200, nil)
			case y < 40:
				_ = d.call(ctx, "annotation_delete", tok, "DELETE", "/api/v1/annotations/"+fmt.Sprint(a.ID), nil, 204, nil)
			}
		}
	}
}

// readArticle opens an article as the workspace does: one request for its text, the
// reader's annotations and its regions.
func (d *driver) readArticle(ctx context.Context, tok, p string) {
	_ = d.call(ctx, "article_read", tok, "GET", p+"?include=annotations,regions", nil, 200, nil)
}

// researcher pulls outlet scores and pages of the annotation export.
func (d *driver) researcher(ctx context.Context, i int) {
	tok := d.corpus.ResearcherTokens[i%len(d.corpus.ResearcherTokens)]
	for k := 0; ctx.Err() == nil; k++ {
		if k%2 == 0 {
			_ = d.call(ctx, "scores_outlets", tok, "GET", "/api/v1/scores/outlets", nil, 200, nil)
		} else {
			o := d.corpus.OutletIDs[k%len(d.corpus.OutletIDs)]
			_ = d.call(ctx, "export_page", tok, "GET", fmt.Sprintf("/api/v1/exports/annotations?format=csv&outlet_id=%d", o), nil, 200, nil)
		}
	}
}

// PeakRSS reads a process's peak resident memory in bytes from /proc (Linux).
func PeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
