package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/models"
)

// StartupReport is what one replica's start costs at a corpus size (credence bench --startup).
type StartupReport struct {
	Engine   string `json:"engine"`
	Articles int    `json:"articles"`
	// Backfill is the one-time indexing of the seeded corpus into the shared reprint index,
	// done before the replica starts, as on a database migrated from before the index.
	Backfill time.Duration `json:"backfill_ns"`
	// Healthy is from starting the process to its first healthy /healthz; Ready to its first
	// answered reprint look-up (GET /api/v1/articles/{id}/reprints), the first request that
	// needs the reprint index.
	Healthy time.Duration `json:"healthy_ns"`
	Ready   time.Duration `json:"ready_ns"`
	// Lookup is the median latency of reprint look-ups once ready, over LookupCount articles.
	Lookup      time.Duration `json:"lookup_p50_ns"`
	LookupCount int           `json:"lookups"`
	// RSSBytes is the replica's resident memory after the look-ups, PeakRSSBytes its peak.
	RSSBytes     int64 `json:"rss_bytes"`
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// AnonBytes is the anonymous part of RSSBytes (RssAnon): the process's own memory. The rest
	// is mostly the executable's pages, which the kernel maps in larger pieces when the file is
	// freshly written (a new build), by up to 12 MiB more for the same program; they are shared
	// page cache, reclaimable.
	AnonBytes int64 `json:"anon_rss_bytes"`
	// Scores is, with --reviewed, what answering outlet scores costs the replica (which scores
	// and stores every article); SecondScores the same for a second replica started after it on
	// the same database (which reads the stored results).
	Scores       *ScoresMemory `json:"scores,omitempty"`
	SecondScores *ScoresMemory `json:"second_replica_scores,omitempty"`
}

// ScoresMemory is a replica's outlet scores over a reviewed corpus: the first request (which
// loads every reviewed article's result), repeats, and a request after a change, each with
// the process's resident memory (VmRSS) and peak (VmHWM) after it.
type ScoresMemory struct {
	First        time.Duration `json:"first_ns"`
	FirstRSS     int64         `json:"first_rss_bytes"`
	FirstPeak    int64         `json:"first_peak_rss_bytes"`
	FirstAnon    int64         `json:"first_anon_rss_bytes"` // RssAnon: see StartupReport.AnonBytes
	Repeats      int           `json:"repeats"`
	RepeatP50    time.Duration `json:"repeat_p50_ns"`
	RepeatRSS    int64         `json:"repeat_rss_bytes"`
	Changes      int           `json:"changes"`
	AfterChange  time.Duration `json:"after_change_p50_ns"` // p50 of the requests after each change
	ChangeRSS    int64         `json:"change_rss_bytes"`
	ChangePeak   int64         `json:"change_peak_rss_bytes"`
	ChangeAnon   int64         `json:"change_anon_rss_bytes"`
	ResponseSize int64         `json:"response_bytes"` // uncompressed JSON of one answer
	// Tables is, after the changes, the time of one request each for the reviewer table, the
	// corpus agreement and the outlet scores by month (each reads every result), and the
	// resident memory and peak after them.
	Tables     time.Duration `json:"tables_ns"`
	TablesRSS  int64         `json:"tables_rss_bytes"`
	TablesPeak int64         `json:"tables_peak_rss_bytes"`
	TablesAnon int64         `json:"tables_anon_rss_bytes"`
}

// Startup seeds a corpus of cfg.Scale into cfg.DSN (a fresh temporary SQLite file if empty),
// backfills the shared reprint index once, then starts one replica (cfg.Binary serve) and
// measures how soon it is healthy and answers reprint look-ups, their latency and its memory.
func Startup(ctx context.Context, cfg Config) (*StartupReport, error) {
	if cfg.Binary == "" {
		return nil, errors.New("the start-up measurement runs the service as a subprocess (no --in-process)")
	}
	if cfg.DSN == "" {
		dir, err := os.MkdirTemp("", "credence-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
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
	rep := &StartupReport{Engine: store.Dialect(), Articles: cfg.Scale.Articles}
	t0 := time.Now()
	corpus, err := Build(ctx, store, cfg.Scale, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("build corpus: %w", err)
	}
	cfg.logf("corpus: %d articles in %s", cfg.Scale.Articles, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := reprints.New(store, slog.New(slog.NewTextHandler(io.Discard, nil))).Sync(ctx); err != nil {
		return nil, fmt.Errorf("backfill the reprint index: %w", err)
	}
	rep.Backfill = time.Since(t0)
	cfg.logf("reprint index backfilled in %s", rep.Backfill.Round(time.Millisecond))
	return rep, measureStart(ctx, cfg, corpus, rep)
}

// startReplica starts cfg.Binary serve on a free port, at started, and waits until it is
// healthy; stop ends it.
func startReplica(ctx context.Context, cfg Config) (base string, cmd *exec.Cmd, started time.Time, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, time.Time{}, nil, err
	}
	base = "http://" + ln.Addr().String()
	ln.Close()
	cmd = exec.Command(cfg.Binary, "serve", "--addr", strings.TrimPrefix(base, "http://"), "--db", cfg.DSN, "--no-migrate")
	cmd.Env = append(os.Environ(), "CREDENCE_ADMIN_PASSWORD=bench-admin-password", "CREDENCE_LOG_FORMAT=json")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", nil, time.Time{}, nil, err
	}
	stop = func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	if err := waitHealthy(ctx, base); err != nil {
		stop()
		return "", nil, time.Time{}, nil, err
	}
	return base, cmd, start, stop, nil
}

// slowClient is for outlet scores: the first request scores every article of a corpus no
// replica has scored yet, which takes minutes at 100,000 articles.
func slowClient() *http.Client {
	c := NewClient(1)
	c.Timeout = 30 * time.Minute
	return c
}

func measureStart(ctx context.Context, cfg Config, corpus *Corpus, rep *StartupReport) error {
	base, cmd, start, stop, err := startReplica(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Healthy = time.Since(start)
	if err := measureLookups(ctx, base, cmd, corpus, rep, start); err != nil {
		stop()
		return err
	}
	if !cfg.Scale.Reviewed {
		stop()
		return nil
	}
	rep.Scores, err = measureScores(ctx, cfg, slowClient(), base, corpus, cmd.Process.Pid, 0)
	stop()
	if err != nil {
		return err
	}
	// A second replica on the same database reads the results the first one stored, with
	// the statistics as the first replica's inserts left them (models.ScoreCorpus plans
	// without them: before it did, the load took 7 s a batch of 2,000 here until ANALYZE).
	base, cmd, _, stop, err = startReplica(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	rep.SecondScores, err = measureScores(ctx, cfg, slowClient(), base, corpus, cmd.Process.Pid, 1)
	return err
}

// measureLookups times the first and 50 further reprint look-ups and reads the memory after.
func measureLookups(ctx context.Context, base string, cmd *exec.Cmd, corpus *Corpus, rep *StartupReport, start time.Time) error {
	var err error
	client := NewClient(1)
	lookup := func(id int64) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/articles/%d/reprints", base, id), nil)
		req.Header.Set("Authorization", "Bearer "+corpus.ResearcherTokens[0])
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("reprint look-up of article %d: status %d", id, res.StatusCode)
		}
		return nil
	}
	if err := lookup(corpus.ArticleIDs[0]); err != nil {
		return err
	}
	rep.Ready = time.Since(start)
	var took []time.Duration
	for i := 0; i < len(corpus.ArticleIDs) && i < 50; i++ {
		t := time.Now()
		if err := lookup(corpus.ArticleIDs[(i*7919)%len(corpus.ArticleIDs)]); err != nil {
			return err
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	rep.Lookup, rep.LookupCount = took[len(took)/2], len(took)
	if rep.RSSBytes, err = procStatus(cmd.Process.Pid, "VmRSS:"); err != nil {
		return err
	}
	if rep.AnonBytes, err = procStatus(cmd.Process.Pid, "RssAnon:"); err != nil {
		return err
	}
	rep.PeakRSSBytes, err = PeakRSS(cmd.Process.Pid)
	return err
}

// measureScores asks the replica for the outlet scores: once cold, then repeatedly with no
// change, then after each of a few changes (a reviewer reopens a finished review, annotates
// and finishes again), reading its memory after each stage.
func measureScores(ctx context.Context, cfg Config, client *http.Client, base string, corpus *Corpus, pid, round int) (*ScoresMemory, error) {
	do := func(method, path, token string, body string, want int) (int64, time.Duration, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		t := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer res.Body.Close()
		n, _ := io.Copy(io.Discard, res.Body)
		if res.StatusCode != want {
			return 0, 0, fmt.Errorf("%s %s: status %d", method, path, res.StatusCode)
		}
		return n, time.Since(t), nil
	}
	researcher := corpus.ResearcherTokens[0]
	mem := func() (rss, peak, anon int64, err error) {
		if rss, err = procStatus(pid, "VmRSS:"); err != nil {
			return 0, 0, 0, err
		}
		if anon, err = procStatus(pid, "RssAnon:"); err != nil {
			return 0, 0, 0, err
		}
		peak, err = PeakRSS(pid)
		return rss, peak, anon, err
	}
	m := &ScoresMemory{}
	var err error
	if m.ResponseSize, m.First, err = do("GET", "/api/v1/scores/outlets", researcher, "", http.StatusOK); err != nil {
		return nil, err
	}
	if m.FirstRSS, m.FirstPeak, m.FirstAnon, err = mem(); err != nil {
		return nil, err
	}
	cfg.logf("first outlet scores in %s, resident %.1f MiB", m.First.Round(time.Millisecond), float64(m.FirstRSS)/(1<<20))
	var took []time.Duration
	for range 20 {
		_, t, err := do("GET", "/api/v1/scores/outlets", researcher, "", http.StatusOK)
		if err != nil {
			return nil, err
		}
		took = append(took, t)
	}
	slices.Sort(took)
	m.Repeats, m.RepeatP50 = len(took), took[len(took)/2]
	if m.RepeatRSS, _, _, err = mem(); err != nil {
		return nil, err
	}
	took = took[:0]
	for i := range 10 {
		k := (i*7919 + round*104729) % len(corpus.ArticleIDs)
		art := fmt.Sprintf("/api/v1/articles/%d", corpus.ArticleIDs[k])
		tok := corpus.ReviewerTokens[corpus.ReviewersOf[k][0]]
		n := corpus.ArticleLen[corpus.ArticleIDs[k]]
		body := fmt.Sprintf(`{"label":"opinion","start":%d,"end":%d}`, i%max(1, n-40), min(n, i%max(1, n-40)+30))
		if _, _, err := do("DELETE", art+"/complete", tok, "", http.StatusOK); err != nil {
			return nil, err
		}
		if _, _, err := do("POST", art+"/annotations", tok, body, http.StatusCreated); err != nil {
			return nil, err
		}
		if _, _, err := do("POST", art+"/complete", tok, "", http.StatusOK); err != nil {
			return nil, err
		}
		_, t, err := do("GET", "/api/v1/scores/outlets", researcher, "", http.StatusOK)
		if err != nil {
			return nil, err
		}
		took = append(took, t)
	}
	slices.Sort(took)
	m.Changes, m.AfterChange = len(took), took[len(took)/2]
	if m.ChangeRSS, m.ChangePeak, m.ChangeAnon, err = mem(); err != nil {
		return nil, err
	}
	for _, path := range []string{"/api/v1/scores/reviewers", "/api/v1/scores/agreement", "/api/v1/scores/outlets?by=month"} {
		_, t, err := do("GET", path, researcher, "", http.StatusOK)
		if err != nil {
			return nil, err
		}
		m.Tables += t
	}
	if m.TablesRSS, m.TablesPeak, m.TablesAnon, err = mem(); err != nil {
		return nil, err
	}
	return m, nil
}

// procStatus reads one kB figure of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

// Text renders the start-up report for people.
func (r *StartupReport) Text() string {
	return fmt.Sprintf("engine %s, %d articles\none-time reprint backfill: %s\nreplica healthy after %s, first reprint look-up answered after %s\n"+
		"reprint look-up p50 %s over %d\nreplica resident memory %.1f MiB (anonymous %.1f MiB, peak %.1f MiB)\n",
		r.Engine, r.Articles, r.Backfill.Round(time.Millisecond), r.Healthy.Round(time.Millisecond), r.Ready.Round(time.Millisecond),
		r.Lookup.Round(10*time.Microsecond), r.LookupCount, float64(r.RSSBytes)/(1<<20), float64(r.AnonBytes)/(1<<20), float64(r.PeakRSSBytes)/(1<<20)) + r.Scores.text("") + r.SecondScores.text("second replica: ")
}

func (m *ScoresMemory) text(prefix string) string {
	if m == nil {
		return ""
	}
	mib := func(b int64) float64 { return float64(b) / (1 << 20) }
	return prefix + fmt.Sprintf("first outlet scores (%d bytes of JSON) in %s: resident %.1f MiB (anonymous %.1f MiB, peak %.1f MiB)\n"+
		"%d repeats, p50 %s: resident %.1f MiB\n%d changes, scores after each p50 %s: resident %.1f MiB (anonymous %.1f MiB, peak %.1f MiB)\n"+
		"reviewer table, agreement and scores by month in %s: resident %.1f MiB (anonymous %.1f MiB, peak %.1f MiB)\n",
		m.ResponseSize, m.First.Round(time.Millisecond), mib(m.FirstRSS), mib(m.FirstAnon), mib(m.FirstPeak),
		m.Repeats, m.RepeatP50.Round(10*time.Microsecond), mib(m.RepeatRSS),
		m.Changes, m.AfterChange.Round(10*time.Microsecond), mib(m.ChangeRSS), mib(m.ChangeAnon), mib(m.ChangePeak),
		m.Tables.Round(time.Millisecond), mib(m.TablesRSS), mib(m.TablesAnon), mib(m.TablesPeak))
}
