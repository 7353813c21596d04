package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/credence-project/credence/api"
)

// env returns the environment variable or a default: flags fall back to these.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

// commonFlags are the flags every command that opens the database takes.
type commonFlags struct {
	db string
}

func newFlagSet(name string, stderr io.Writer, c *commonFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("credence "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.db, "db", env("CREDENCE_DB", "credence.db"), "SQLite path (or sqlite:PATH) or postgres:// URL (env CREDENCE_DB)")
	return fs
}

// serveConfig is everything "credence serve" is told, read once from flags and environment.
type serveConfig struct {
	commonFlags
	addr          string
	demo          bool
	noMigrate     bool
	adminEmail    string
	adminPassword string
	logFormat     string
	api           api.Config
}

func parseServe(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{api: api.DefaultConfig()}
	fs := newFlagSet("serve", stderr, &c.commonFlags)
	fs.StringVar(&c.addr, "addr", env("CREDENCE_ADDR", "127.0.0.1:8080"), "address to listen on (env CREDENCE_ADDR)")
	fs.BoolVar(&c.demo, "demo", envBool("CREDENCE_DEMO"), "load the demo outlets, articles and accounts when the database is empty (env CREDENCE_DEMO)")
	fs.BoolVar(&c.noMigrate, "no-migrate", envBool("CREDENCE_NO_MIGRATE"), "do not run migrations on start (env CREDENCE_NO_MIGRATE)")
	fs.StringVar(&c.adminEmail, "admin-email", env("CREDENCE_ADMIN_EMAIL", "admin@example.org"), "email of the admin created on first start (env CREDENCE_ADMIN_EMAIL)")
	fs.StringVar(&c.logFormat, "log-format", env("CREDENCE_LOG_FORMAT", "text"), "text or json (env CREDENCE_LOG_FORMAT)")
	fs.BoolVar(&c.api.SecureCookies, "secure-cookies", envBool("CREDENCE_SECURE_COOKIES"), "mark cookies Secure; on by itself for TLS requests (env CREDENCE_SECURE_COOKIES)")
	fs.DurationVar(&c.api.SessionTTL, "session-ttl", durationEnv("CREDENCE_SESSION_TTL", c.api.SessionTTL), "how long a sign-in lasts (env CREDENCE_SESSION_TTL)")
	fs.IntVar(&c.api.BcryptCost, "bcrypt-cost", intEnv("CREDENCE_BCRYPT_COST", c.api.BcryptCost), "password hashing cost (env CREDENCE_BCRYPT_COST)")
	fs.IntVar(&c.api.TextCacheBytes, "text-cache-bytes", intEnv("CREDENCE_TEXT_CACHE_BYTES", c.api.TextCacheBytes), "bytes of article text kept in memory for reads and annotation writes (env CREDENCE_TEXT_CACHE_BYTES)")
	fs.StringVar(&c.api.SuggestURL, "suggest-url", env("CREDENCE_SUGGEST_URL", ""), "an external suggestion service, beside the built-in rules (env CREDENCE_SUGGEST_URL)")
	fs.DurationVar(&c.api.SuggestTimeout, "suggest-timeout", durationEnv("CREDENCE_SUGGEST_TIMEOUT", c.api.SuggestTimeout), "how long to wait for it (env CREDENCE_SUGGEST_TIMEOUT)")
	proxies := fs.String("trusted-proxies", env("CREDENCE_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed (env CREDENCE_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
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
	if c.api.BcryptCost < 4 || c.api.BcryptCost > 31 {
		return nil, fmt.Errorf("--bcrypt-cost must be from 4 to 31")
	}
	return c, nil
}

func durationEnv(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func intEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
