package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strings"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/models"
)

// Every flag may also be given in the environment: the variable its usage names ("(env
// CREDENCE_X)"). parseFlags sets each flag from its variable before the command line, through
// the flag's own parser, so a malformed value (a word for a number, "maybe" for a bool) is
// refused at start with the same check as a malformed flag, instead of silently falling back
// to the default; the command line then overrides the environment.

var envName = regexp.MustCompile(`\benv (CREDENCE_[A-Z0-9_]+)\)`)

// parseFlags applies the environment, then parses args.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		m := envName.FindStringSubmatch(f.Usage)
		if m == nil || err != nil {
			return
		}
		if v, ok := os.LookupEnv(m[1]); ok && v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("environment %s=%q: invalid value for --%s: %w", m[1], v, f.Name, e)
			}
		}
	})
	if err != nil {
		return err
	}
	return fs.Parse(args)
}

// commonFlags are the flags every command that opens the database takes.
type commonFlags struct {
	db string
}

func newFlagSet(name string, stderr io.Writer, c *commonFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("credence "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.db, "db", "credence.db", "SQLite path (or sqlite:PATH) or postgres:// URL (env CREDENCE_DB)")
	return fs
}

// serveConfig is everything "credence serve" is told, read once from flags and environment.
type serveConfig struct {
	commonFlags
	addr          string
	metricsAddr   string
	demo          bool
	noMigrate     bool
	dbPool        int
	adminEmail    string
	adminPassword string
	logFormat     string
	api           api.Config
}

func parseServe(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{api: api.DefaultConfig()}
	fs := newFlagSet("serve", stderr, &c.commonFlags)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (env CREDENCE_ADDR)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve /metrics without sign-in on this address of its own, for a monitoring network; on --addr it needs an admin's API token (env CREDENCE_METRICS_ADDR)")
	fs.BoolVar(&c.demo, "demo", false, "load the demo outlets, articles and accounts when the database is empty (env CREDENCE_DEMO)")
	fs.BoolVar(&c.noMigrate, "no-migrate", false, "do not run migrations on start, and refuse to start on a database they have not reached: run `credence migrate` first (env CREDENCE_NO_MIGRATE)")
	fs.IntVar(&c.dbPool, "db-pool", 0, fmt.Sprintf("most connections this process opens to PostgreSQL (SQLite: readers beside the one writer); 0 for the default, %d on PostgreSQL and %d on SQLite; replicas × pool must fit PostgreSQL's max_connections (env CREDENCE_DB_POOL)", models.DefaultPostgresPool, models.DefaultSQLiteReaders))
	fs.StringVar(&c.adminEmail, "admin-email", "admin@example.org", "email of the admin created on first start (env CREDENCE_ADMIN_EMAIL)")
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json (env CREDENCE_LOG_FORMAT)")
	fs.BoolVar(&c.api.SecureCookies, "secure-cookies", false, "mark cookies Secure; on by itself for TLS requests (env CREDENCE_SECURE_COOKIES)")
	fs.DurationVar(&c.api.SessionTTL, "session-ttl", c.api.SessionTTL, "how long a sign-in lasts (env CREDENCE_SESSION_TTL)")
	fs.IntVar(&c.api.BcryptCost, "bcrypt-cost", c.api.BcryptCost, "password hashing cost (env CREDENCE_BCRYPT_COST)")
	fs.IntVar(&c.api.TextCacheBytes, "text-cache-bytes", c.api.TextCacheBytes, "bytes of article text kept in memory for reads and annotation writes (env CREDENCE_TEXT_CACHE_BYTES)")
	fs.StringVar(&c.api.SuggestURL, "suggest-url", "", "an external suggestion service, beside the built-in rules (env CREDENCE_SUGGEST_URL)")
	fs.DurationVar(&c.api.SuggestTimeout, "suggest-timeout", c.api.SuggestTimeout, "how long to wait for it (env CREDENCE_SUGGEST_TIMEOUT)")
	fs.DurationVar(&c.api.FeedInterval, "feed-interval", c.api.FeedInterval, "how often outlets' feeds are polled, jittered by up to a tenth; 0 polls only when an admin asks (env CREDENCE_FEED_INTERVAL)")
	fs.BoolVar(&c.api.FeedAllowPrivate, "feed-allow-private", false, "let feed and page fetches reach loopback and private addresses, which are refused by default (env CREDENCE_FEED_ALLOW_PRIVATE)")
	syncMode := fs.String("sqlite-synchronous", "full", "SQLite: full syncs every commit (survives a power cut); normal syncs at checkpoints, faster, may lose the last commits on a power cut (env CREDENCE_SQLITE_SYNCHRONOUS)")
	proxies := fs.String("trusted-proxies", "", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed (env CREDENCE_TRUSTED_PROXIES)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	db, err := models.SQLiteSynchronous(c.db, *syncMode)
	if err != nil {
		return nil, fmt.Errorf("--sqlite-synchronous: %w", err)
	}
	c.db = db
	for _, p := range strings.Split(*proxies, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither an IP address nor a CIDR", p)
			}
		}
		c.api.TrustedProxies = append(c.api.TrustedProxies, p)
	}
	c.adminPassword = os.Getenv("CREDENCE_ADMIN_PASSWORD")
	if c.logFormat != "text" && c.logFormat != "json" {
		return nil, fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)
	}
	if c.dbPool < 0 {
		return nil, fmt.Errorf("--db-pool must be at least 1 connection, or 0 for the default, not %d", c.dbPool)
	}
	if c.api.BcryptCost < 4 || c.api.BcryptCost > 31 {
		return nil, fmt.Errorf("--bcrypt-cost must be from 4 to 31")
	}
	return c, nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
