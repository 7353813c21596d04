package api

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/credence-project/credence/app"
	"github.com/credence-project/credence/models"
)

// Config is what the HTTP layer needs to know; cmd/credence reads it from flags and
// environment variables in one place.
type Config struct {
	SessionTTL       time.Duration // how long a browser session lasts
	SecureCookies    bool          // set Secure on cookies (behind TLS)
	BcryptCost       int           // password hashing cost
	MaxBodyBytes     int64         // JSON request bodies
	MaxImportBytes   int64         // import request bodies
	LoginMaxFailures int           // failed sign-ins per account in LoginWindow before 429
	LoginMaxPerIP    int           // failed sign-ins per address in LoginWindow before 429
	LoginWindow      time.Duration
	// Unknown browsers (no device cookie of the account) get LoginFreeAttempts failures
	// without delay, then wait LoginThrottleStep × n² before their n-th attempt past those.
	LoginFreeAttempts int
	LoginThrottleStep time.Duration
	TrustedProxies    []string      // reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed; none by default
	SuggestURL        string        // an external suggestion service (annotate/suggest/PROTOCOL.md); "" for none
	SuggestTimeout    time.Duration // how long to wait for it
	TextCacheBytes    int           // article texts kept in memory, with their code point index
	FeedInterval      time.Duration // how often outlets' feeds are polled (jittered); 0: never in the background
	FeedAllowPrivate  bool          // let feed and page fetches reach loopback and private addresses (tests)
}

// DefaultConfig is the configuration of a production service.
func DefaultConfig() Config {
	return Config{
		SessionTTL:        14 * 24 * time.Hour,
		BcryptCost:        12,
		MaxBodyBytes:      16 << 20,
		MaxImportBytes:    256 << 20,
		LoginMaxFailures:  10,
		LoginMaxPerIP:     100,
		LoginWindow:       15 * time.Minute,
		LoginFreeAttempts: 3,
		LoginThrottleStep: time.Second,
		SuggestTimeout:    5 * time.Second,
		TextCacheBytes:    64 << 20,
		FeedInterval:      30 * time.Minute,
	}
}

// Server serves the public API, the browser pages and the operational endpoints. It keeps
// no per-user state in memory: sessions, tokens and rate-limit counters live in the store,
// so several servers can run against one PostgreSQL database.
type Server struct {
	cfg       Config
	store     *models.Store
	log       *slog.Logger
	metrics   *metrics
	engine    *gin.Engine
	handler   http.Handler // the engine behind response compression
	app       *app.Services
	texts     *textCache
	models    *modelCache      // the suggestion model in use
	suggested *suggestionCache // the built-in suggester's recent answers

	metricsHandler http.Handler // the Prometheus metrics, unguarded

	now     func() time.Time // the clock of sign-in limits (tests set their own)
	standIn struct {
		once sync.Once
		hash []byte // checked for unknown emails, at the accounts' bcrypt cost
	}
	passwordChecks atomic.Int64 // bcrypt comparisons made, for the tests of the limits
}

// New builds a server over a migrated store. reg receives the Prometheus metrics; pass nil
// for a private registry (tests).
func New(cfg Config, store *models.Store, log *slog.Logger, reg *prometheus.Registry) *Server {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, store: store, log: log, metrics: newMetrics(reg), models: &modelCache{}, now: time.Now}
	storeMetrics(reg, store)
	s.app = app.New(store, log, app.Options{BcryptCost: cfg.BcryptCost, FeedAllowPrivate: cfg.FeedAllowPrivate})
	s.texts = newTextCache(max(cfg.TextCacheBytes, 1<<20))
	s.suggested = newSuggestionCache(32 << 20)
	s.engine = s.routes(reg)
	s.handler = compressResponses(s.engine)
	return s
}

// App is the application layer this server answers with, for start-up (the reprint index,
// the first admin, the demo data) and tests.
func (s *Server) App() *app.Services { return s.app }

// Handler is the whole service as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// standInHash is made on the first sign-in, not at start: a command that builds a server
// and never signs anyone in does not pay for a hash at the production cost.
func (s *Server) standInHash() []byte {
	s.standIn.once.Do(func() { s.standIn.hash = standInHashAt(s.cfg.BcryptCost) })
	return s.standIn.hash
}
