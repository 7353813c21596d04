package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/models"
)

// Config of a whole harness run.
type Config struct {
	DSN        string // the database; "" for a fresh SQLite file in a temporary directory
	Scale      Scale
	Clients    int
	Researcher int
	Duration   time.Duration // of each phase
	Replicas   int           // service processes behind the harness's round-robin
	Binary     string        // run replicas as `Binary serve` subprocesses (measures their memory); "" in-process
	Seed       uint64
	Log        io.Writer       // progress lines; nil for none
	Skip       map[string]bool // load phases to leave out: "realistic", "create", "read"
	CPUProfile io.Writer       // if set, a CPU profile of the load phases (not the corpus or the floors)
}

// Report is the outcome of a harness run.
type Report struct {
	Engine       string    `json:"engine"`
	Scale        Scale     `json:"scale"`
	Clients      int       `json:"clients"`
	Replicas     int       `json:"replicas"`
	Realistic    Load      `json:"realistic"`
	CreateOnly   Load      `json:"create_only"`
	ReadOnly     Load      `json:"read_only"`
	InsertFloor  OpStats   `json:"insert_floor"`
	HandlerFloor OpStats   `json:"handler_floor"`
	PeakRSSBytes int64     `json:"server_peak_rss_bytes"`
	PeakNote     string    `json:"server_peak_note"`
	Ratios       Ratios    `json:"ratios"`
	Started      time.Time `json:"started"`
	GoVersion    string    `json:"go"`
	CPUs         int       `json:"cpus"`
}

// Ratios are the service's figures over the floors measured in the same run.
type Ratios struct {
	CreateOverRawInsert   float64 `json:"annotation_create_over_raw_insert"`
	ReadOverEmptyHandler  float64 `json:"article_read_over_empty_handler"`
	CreateOverEmptyHander float64 `json:"annotation_create_over_empty_handler"`
}

// Errors counts failed requests over every load phase.
func (r Report) Errors() int { return r.Realistic.Errors + r.CreateOnly.Errors + r.ReadOnly.Errors }

// logWAL reports the size of SQLite's write-ahead log between phases: readers slow down as
// it grows, and it grows when checkpoints cannot keep up.
func (c Config) logWAL() {
	if fi, err := os.Stat(c.DSN + "-wal"); err == nil {
		c.logf("SQLite write-ahead log: %.1f MiB", float64(fi.Size())/(1<<20))
	}
}

func (c Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// Run builds the corpus, starts the replicas, drives them and measures the floors.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
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
	rep := &Report{Engine: store.Dialect(), Scale: cfg.Scale, Clients: cfg.Clients, Replicas: cfg.Replicas, Started: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
	t0 := time.Now()
	corpus, err := Build(ctx, store, cfg.Scale, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("build corpus: %w", err)
	}
	cfg.logf("corpus: %d outlets, %d articles, %d annotations, %d reviewers in %s", cfg.Scale.Outlets, cfg.Scale.Articles, cfg.Scale.Annotations, cfg.Scale.Reviewers, time.Since(t0).Round(time.Millisecond))
	// The shared reprint index is filled before the service starts: a replica started on a
	// database without it backfills it in the background (serve.go), and that backfill would
	// otherwise run through the load phases and take the database's time from them.
	t0 = time.Now()
	if err := reprints.New(store, slog.New(slog.NewTextHandler(io.Discard, nil))).Sync(ctx); err != nil {
		return nil, fmt.Errorf("backfill the reprint index: %w", err)
	}
	cfg.logf("reprint index backfilled in %s", time.Since(t0).Round(time.Millisecond))

	targets, pids, stop, peak, err := startReplicas(ctx, cfg, store)
	if err != nil {
		return nil, err
	}
	defer stop()
	opt := Options{Targets: targets, Clients: cfg.Clients, Researchers: cfg.Researcher, Duration: cfg.Duration, Seed: cfg.Seed}
	meter := newCPUMeter(cfg.DSN, pids)
	drive := func(opt Options) Load { // with the CPU the phase cost the service and the database
		before := meter.sample()
		l := Drive(ctx, corpus, opt)
		l.CPU = meter.sample().since(before)
		return l
	}
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, err
		}
	}
	if !cfg.Skip["realistic"] {
		cfg.logf("realistic mix: %d reviewers and %d researchers for %s", cfg.Clients, cfg.Researcher, cfg.Duration)
		rep.Realistic = drive(opt)
	}
	opt.Researchers = 0
	cfg.logWAL()
	if !cfg.Skip["create"] {
		opt.Mix = "create"
		cfg.logf("annotation creates only: %d clients for %s", cfg.Clients, cfg.Duration)
		rep.CreateOnly = drive(opt)
	}
	cfg.logWAL()
	if !cfg.Skip["read"] {
		opt.Mix = "read"
		cfg.logf("article reads only: %d clients for %s", cfg.Clients, cfg.Duration)
		rep.ReadOnly = drive(opt)
	}
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	rep.PeakRSSBytes, rep.PeakNote = peak()

	cfg.logf("floors: raw inserts and an empty handler, %d clients for %s each", cfg.Clients, cfg.Duration)
	u, err := store.UserByEmail(ctx, "reviewer0@bench.example")
	if err != nil {
		return nil, err
	}
	if rep.InsertFloor, err = InsertFloor(ctx, store, corpus, u.ID, cfg.Clients, cfg.Duration); err != nil {
		return nil, err
	}
	rep.HandlerFloor = HandlerFloor(ctx, cfg.Clients, cfg.Duration)
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	create := rep.CreateOnly.Op("annotation_create").PerSecond
	rep.Ratios = Ratios{
		CreateOverRawInsert:   ratio(create, rep.InsertFloor.PerSecond),
		ReadOverEmptyHandler:  ratio(rep.ReadOnly.Op("article_read").PerSecond, rep.HandlerFloor.PerSecond),
		CreateOverEmptyHander: ratio(create, rep.HandlerFloor.PerSecond),
	}
	return rep, nil
}

// startReplicas starts the service, in this process or as subprocesses, and returns their
// base URLs, their process ids (none in-process), a stop function and a function that reads
// the replicas' peak memory.
func startReplicas(ctx context.Context, cfg Config, store *models.Store) ([]string, []int, func(), func() (int64, string), error) {
	var targets []string
	var stops []func()
	stopAll := func() {
		for _, s := range stops {
			s()
		}
	}
	if cfg.Binary == "" {
		var mu sync.Mutex
		var peak uint64
		done := make(chan struct{})
		go func() { // sample this process's memory: the service and the harness together
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				mu.Lock()
				peak = max(peak, ms.Sys-ms.HeapReleased)
				mu.Unlock()
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
		stops = append(stops, func() { close(done) })
		for i := 0; i < cfg.Replicas; i++ {
			acfg := api.DefaultConfig()
			acfg.BcryptCost = 4
			srv := api.New(acfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			if err := srv.App().Reprints.Sync(ctx); err != nil {
				stopAll()
				return nil, nil, nil, nil, err
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				stopAll()
				return nil, nil, nil, nil, err
			}
			hs := &http.Server{Handler: srv.Handler()}
			go hs.Serve(ln)
			stops = append(stops, func() { hs.Close() })
			targets = append(targets, "http://"+ln.Addr().String())
		}
		return targets, nil, stopAll, func() (int64, string) {
			mu.Lock()
			defer mu.Unlock()
			return int64(peak), "in-process: Go runtime memory of the harness and the service together"
		}, nil
	}
	var pids []int
	for i := 0; i < cfg.Replicas; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stopAll()
			return nil, nil, nil, nil, err
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(cfg.Binary, "serve", "--addr", addr, "--db", cfg.DSN, "--no-migrate")
		cmd.Env = append(os.Environ(), "CREDENCE_ADMIN_PASSWORD=bench-admin-password", "CREDENCE_LOG_FORMAT=json")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			stopAll()
			return nil, nil, nil, nil, err
		}
		pids = append(pids, cmd.Process.Pid)
		stops = append(stops, func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
		if err := waitHealthy(ctx, "http://"+addr); err != nil {
			stopAll()
			return nil, nil, nil, nil, err
		}
		targets = append(targets, "http://"+addr)
	}
	return targets, pids, stopAll, func() (int64, string) {
		var most int64
		for _, p := range pids {
			if v, err := PeakRSS(p); err == nil {
				most = max(most, v)
			}
		}
		return most, "peak resident memory (VmHWM) of the largest service process"
	}, nil
}

func waitHealthy(ctx context.Context, base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not become healthy", base)
}

// Text renders a report for people.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "engine %s, %d CPUs, %s; %d outlets, %d articles, %d annotations, %d reviewers; %d clients, %d replicas\n",
		r.Engine, r.CPUs, r.GoVersion, r.Scale.Outlets, r.Scale.Articles, r.Scale.Annotations, r.Scale.Reviewers, r.Clients, r.Replicas)
	for _, phase := range []struct {
		title string
		load  Load
	}{{"realistic mix", r.Realistic}, {"annotation creates only", r.CreateOnly}, {"article reads only (each one request: text, annotations, regions)", r.ReadOnly}} {
		if phase.load.Elapsed == 0 {
			continue // skipped
		}
		fmt.Fprintf(&b, "\n%s (%s):\n", phase.title, phase.load.Elapsed.Round(time.Millisecond))
		ops := 0
		for _, o := range phase.load.Ops {
			fmt.Fprintln(&b, "  "+o.String())
			ops += o.Count + o.Errors
		}
		if c := phase.load.CPU.String(ops); c != "" {
			fmt.Fprintln(&b, "  "+c)
		}
	}
	fmt.Fprintf(&b, "\nfloors:\n  %s\n  %s\n", r.InsertFloor, r.HandlerFloor)
	fmt.Fprintf(&b, "\nratios: create/raw-insert %.2f, article-read/empty-handler %.3f, create/empty-handler %.3f\n",
		r.Ratios.CreateOverRawInsert, r.Ratios.ReadOverEmptyHandler, r.Ratios.CreateOverEmptyHander)
	fmt.Fprintf(&b, "server peak memory: %.1f MiB (%s)\nerrors: %d\n", float64(r.PeakRSSBytes)/(1<<20), r.PeakNote, r.Errors())
	return b.String()
}

// JSON renders a report for tools.
func (r *Report) JSON() []byte {
	b, _ := json.MarshalIndent(r, "", "  ")
	return b
}
