package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMalformedEnvironmentRefused: a malformed value in a setting's environment variable is
// refused at start, naming the variable and its flag, as the malformed flag would be, instead
// of falling back to the default in silence; well-formed values are used, and the command line
// overrides them.
func TestMalformedEnvironmentRefused(t *testing.T) {
	t.Setenv("CREDENCE_ADDR", "127.0.0.1:0") // well formed, beside each malformed one
	for _, tc := range []struct{ name, value, flag string }{
		{"CREDENCE_BCRYPT_COST", "twelve", "bcrypt-cost"},
		{"CREDENCE_TEXT_CACHE_BYTES", "64MB", "text-cache-bytes"},
		{"CREDENCE_SESSION_TTL", "forever", "session-ttl"},
		{"CREDENCE_SUGGEST_TIMEOUT", "5", "suggest-timeout"}, // a duration needs its unit
		{"CREDENCE_DEMO", "maybe", "demo"},
		{"CREDENCE_SECURE_COOKIES", "yes please", "secure-cookies"},
		{"CREDENCE_NO_MIGRATE", "2", "no-migrate"},
		{"CREDENCE_DB_POOL", "many", "db-pool"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			_, err := parseServe(nil, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), "--"+tc.flag) {
				t.Fatalf("%s=%q: err %v, want a refusal naming %s and --%s", tc.name, tc.value, err, tc.name, tc.flag)
			}
			// The flag's own check says the same of the same value on the command line.
			if _, err := parseServe([]string{"--" + tc.flag + "=" + tc.value}, io.Discard); err == nil {
				t.Fatalf("--%s=%q was accepted", tc.flag, tc.value)
			}
		})
	}
	t.Run("out of range", func(t *testing.T) {
		t.Setenv("CREDENCE_DB_POOL", "-3")
		if _, err := parseServe(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "db-pool") {
			t.Fatalf("CREDENCE_DB_POOL=-3: %v", err)
		}
		t.Setenv("CREDENCE_DB_POOL", "")
		t.Setenv("CREDENCE_BCRYPT_COST", "99")
		if _, err := parseServe(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "bcrypt-cost") {
			t.Fatalf("CREDENCE_BCRYPT_COST=99: %v", err)
		}
	})
	t.Run("well formed", func(t *testing.T) {
		t.Setenv("CREDENCE_BCRYPT_COST", "5")
		t.Setenv("CREDENCE_SESSION_TTL", "2h")
		t.Setenv("CREDENCE_DEMO", "true")
		t.Setenv("CREDENCE_DB_POOL", "12")
		c, err := parseServe(nil, io.Discard)
		if err != nil || c.api.BcryptCost != 5 || c.api.SessionTTL != 2*time.Hour || !c.demo || c.addr != "127.0.0.1:0" || c.dbPool != 12 {
			t.Fatalf("parsed %+v, %v", c, err)
		}
		if c, err := parseServe([]string{"--bcrypt-cost", "6", "--demo=false", "--db-pool", "4"}, io.Discard); err != nil || c.api.BcryptCost != 6 || c.demo || c.dbPool != 4 {
			t.Fatalf("the command line did not override the environment: %+v, %v", c, err)
		}
	})
	t.Run("the binary exits", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "never.db")
		t.Setenv("CREDENCE_BCRYPT_COST", "twelve")
		out, code := runCLI(t, "serve", "--db", db)
		if code == 0 || !strings.Contains(out, `CREDENCE_BCRYPT_COST="twelve"`) {
			t.Fatalf("credence serve with CREDENCE_BCRYPT_COST=twelve: exit %d: %s", code, out)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatal("the service opened its database before refusing its configuration")
		}
		t.Setenv("CREDENCE_BCRYPT_COST", "")
		t.Setenv("CREDENCE_PASSWORD", "a-good-password")
		t.Setenv("CREDENCE_DEMO", "")
		out, code = runCLI(t, "user", "add", "--db", db, "--email", "e@example.org", "--name", "E", "--role", "reviewer", "--bcrypt-cost", "x")
		if code == 0 || !strings.Contains(out, "bcrypt-cost") {
			t.Fatalf("user add with --bcrypt-cost x: exit %d: %s", code, out)
		}
	})
}
