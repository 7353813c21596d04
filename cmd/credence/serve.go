package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/app"
	"github.com/credence-project/credence/models"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg.logFormat, stderr)
	slog.SetDefault(log)

	store, err := models.OpenWith(cfg.db, models.OpenOptions{Pool: cfg.dbPool})
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.noMigrate {
		if err := store.CheckMigrated(ctx); err != nil {
			return err
		}
	} else if err := store.Migrate(ctx); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The pool's use, for sizing --db-pool: go_sql_wait_count_total rising means requests wait
	// for a connection.
	if sqlDB, err := store.SQLDB(); err == nil {
		reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, store.Dialect()))
	}
	srv := api.New(cfg.api, store, log, reg)

	// The reprint index lives in the database, shared by every replica: start-up builds
	// nothing. The backfill stores the keys of articles that have none yet (a database from
	// before the shared index, a scan that failed), in the background; on an indexed database
	// it is one query.
	go func() {
		start := time.Now()
		if err := srv.App().Reprints.Sync(ctx); err != nil {
			log.Error("build the reprint index", "err", err)
			return
		}
		log.Info("reprint index backfill done", "took", time.Since(start).Round(time.Millisecond))
	}()
	if cfg.api.FeedInterval > 0 {
		go srv.App().Feeds.Run(ctx, cfg.api.FeedInterval)
	}
	// Replicas starting together on one PostgreSQL database take turns here: the second finds
	// the first's admin and demo data, instead of adding its own or failing on a duplicate.
	var signIn string
	if err := store.Exclusively(ctx, "first start", func() error {
		signIn, err = firstStart(ctx, srv.App(), cfg, stdout)
		return err
	}); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // imports stream large bodies
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "\ncredence is running at http://%s/  (database: %s)\n%s", ln.Addr(), store.Dialect(), signIn)
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Dialect())

	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	if cfg.metricsAddr != "" {
		ms, err := serveMetrics(cfg.metricsAddr, srv, log)
		if err != nil {
			return err
		}
		defer ms.Close()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop.
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// firstStart creates the first admin when there are no accounts (with the password from
// CREDENCE_ADMIN_PASSWORD, or a generated one printed once), and loads the demo data when
// asked and the database has no articles. It returns how to sign in, for the console.
func firstStart(ctx context.Context, svc *app.Services, cfg *serveConfig, stdout io.Writer) (string, error) {
	n, err := svc.Store.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	msg := "Sign in at /login with your account.\n"
	if n == 0 {
		pw := cfg.adminPassword
		shown := "the password in CREDENCE_ADMIN_PASSWORD"
		if pw == "" {
			pw = generatePassword()
			shown = pw + "   (shown only this once: keep it, or set CREDENCE_ADMIN_PASSWORD)"
		}
		if _, err := svc.Users.Add(ctx, 0, cfg.adminEmail, "Administrator", "admin", pw); err != nil {
			return "", fmt.Errorf("create the first admin: %w", err)
		}
		msg = fmt.Sprintf("Sign in at /login as %s with %s\n", cfg.adminEmail, shown)
	}
	if cfg.demo {
		extra, err := loadDemo(ctx, svc, stdout)
		if err != nil {
			return "", fmt.Errorf("demo data: %w", err)
		}
		msg += extra
	}
	return msg, nil
}

// serveMetrics serves /metrics alone, unguarded, on an address of its own.
func serveMetrics(addr string, srv *api.Server, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for metrics: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := ms.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	log.Info("metrics", "addr", ln.Addr().String())
	return ms, nil
}
