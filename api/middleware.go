package api

import (
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/credence-project/credence/models"
)

// Keys of values the middleware puts on the gin context.
const (
	ctxRequestID = "request_id"
	ctxUser      = "user"
	ctxSession   = "session"
	ctxResource  = "resource"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// storeMetrics exports the store's write counters (SQLite's group commit).
func storeMetrics(reg *prometheus.Registry, store *models.Store) {
	for _, c := range []struct {
		name, help string
		get        func(models.WriteStats) int64
	}{
		{"credence_sqlite_write_transactions_total", "SQLite write transactions run by the group committer.", func(w models.WriteStats) int64 { return w.Transactions }},
		{"credence_sqlite_writes_total", "Callers' writes run in those transactions (writes per transaction is the mean batch).", func(w models.WriteStats) int64 { return w.Works }},
		{"credence_sqlite_wal_restarts_total", "Times the writer started the write-ahead log over.", func(w models.WriteStats) int64 { return w.LogRestarts }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help}, func() float64 { return float64(c.get(store.WriteStats())) }))
	}
	postgresMetrics(reg, store)
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "credence_storage_full", Help: "1 while the database refuses writes for want of space (the last write failed so, none has committed since)."},
		func() float64 {
			if full, _ := store.StorageFull(); full {
				return 1
			}
			return 0
		}))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "credence_storage_full_failures_total", Help: "Writes refused for want of space."},
		func() float64 { _, n := store.StorageFull(); return float64(n) }))
}

// postgresMetrics exports PostgreSQL's counters: the annotation creates' group commit
// (commit_pg.go) and the authentication cache (authcache.go). They read zero on SQLite.
func postgresMetrics(reg *prometheus.Registry, store *models.Store) {
	for _, c := range []struct {
		name, help string
		get        func(models.PGCreateStats) int64
	}{
		{"credence_postgres_create_batches_total", "PostgreSQL batches of annotation creates sent, each one round trip and one commit.", func(p models.PGCreateStats) int64 { return p.Batches }},
		{"credence_postgres_creates_total", "Annotation creates sent in those batches (creates per batch is the mean batch).", func(p models.PGCreateStats) int64 { return p.Creates }},
		{"credence_postgres_creates_retried_total", "Annotation creates run again alone after their batch was rolled back for another create's error.", func(p models.PGCreateStats) int64 { return p.Retried }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help}, func() float64 { return float64(c.get(store.PGCreateStats())) }))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "credence_postgres_create_workers", Help: "Workers sending batches of annotation creates (one per four pool connections, 1 to 8)."},
		func() float64 { return float64(store.PGCreateStats().Workers) }))
	for _, c := range []struct {
		name, help string
		get        func(models.AuthCacheStats) int64
	}{
		{"credence_auth_cache_hits_total", "Requests authenticated from the authentication cache (PostgreSQL).", func(a models.AuthCacheStats) int64 { return a.Hits }},
		{"credence_auth_cache_misses_total", "Requests the live authentication cache did not hold, authenticated by a query.", func(a models.AuthCacheStats) int64 { return a.Misses }},
		{"credence_auth_cache_invalidations_total", "Changes to users, sessions or tokens that dropped cached entries (notified or local).", func(a models.AuthCacheStats) int64 { return a.Invalidations }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help}, func() float64 { return float64(c.get(store.AuthCacheStats())) }))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "credence_auth_cache_live", Help: "1 while the authentication cache listens for changes and is used; 0 on SQLite or while its connection is lost."},
		func() float64 {
			if store.AuthCacheStats().Live {
				return 1
			}
			return 0
		}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "credence_auth_cache_entries", Help: "Tokens and sessions held by the authentication cache."},
		func() float64 { return float64(store.AuthCacheStats().Entries) }))
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "credence_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "credence_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives every request an id, logs it with slog, and counts it in the metrics.
func (s *Server) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newID()
		}
		c.Set(ctxRequestID, id)
		c.Header("X-Request-Id", id)
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		took := time.Since(start)
		status := c.Writer.Status()
		s.metrics.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
		s.metrics.duration.WithLabelValues(route, c.Request.Method).Observe(took.Seconds())
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"request_id", id, "method", c.Request.Method, "route", route, "status", status, "took_ms", took.Milliseconds()}
		if u := currentUser(c); u != nil {
			attrs = append(attrs, "user_id", u.ID)
		}
		s.log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// recoverer turns a panic into a logged 500 in the envelope, never a dropped connection.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if err, ok := r.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(r)
				}
				s.log.Error("panic", "request_id", c.GetString(ctxRequestID), "panic", r, "stack", string(debug.Stack()))
				fail(c, errf(CodeInternal, "internal error (request %s)", c.GetString(ctxRequestID)))
			}
		}()
		c.Next()
	}
}

// securityHeaders sets the headers that keep stored text inert and the pages unframed.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Next()
}

// limitBody caps the request body; reading past the cap fails with *http.MaxBytesError,
// which bind turns into 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			fail(c, errf(CodeTooLarge, "the request body is larger than %d bytes", n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// isUnavailable tells a database that cannot be reached from other failures. A pooled
// PostgreSQL connection cut while a query is on it fails with a bare io.ErrUnexpectedEOF
// (pgx cannot tell database/sql to retry once the query was sent). The only other source of
// it that reaches here is an upload whose client vanished mid-body, for which "try again"
// is the right advice too, and nobody is left to read it.
func isUnavailable(err error) bool {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &oe), errors.As(err, &ne):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "failed to connect") ||
		strings.Contains(msg, "the database system is shutting down") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "terminating connection")
}

// refuseNUL answers 400 to a NUL byte anywhere in the path or the query, for every route and
// both engines at once: PostgreSQL refuses NUL in text ("invalid byte sequence"), which would
// otherwise surface as a 500 from whichever query first used the value, while SQLite stores
// it. JSON bodies are checked by bind, uploads by the import.
func refuseNUL(c *gin.Context) {
	if strings.ContainsRune(c.Request.URL.Path, 0) || hasNULValue(c.Request.URL.Query()) {
		fail(c, errf(CodeBadRequest, "the path or query holds a NUL byte (%%00), which no value may contain"))
		return
	}
	c.Next()
}

func hasNULValue(q map[string][]string) bool {
	for k, vs := range q {
		if strings.ContainsRune(k, 0) {
			return true
		}
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return true
			}
		}
	}
	return false
}
