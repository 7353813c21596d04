package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// signInStatus signs in as a browser would and returns the status and Retry-After.
func (b *browserAt) signIn(email, password string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+"/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	req.Header.Set("Content-Type", "application/json")
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Retry-After")
}

func newBrowserAt(t *testing.T, base string) *browserAt {
	b, _ := signInAt(t, base, "nobody@example.org", "not-the-password")
	return b
}

// TestSignInCheckAndCountIsAtomic: 30 simultaneous wrong sign-ins for one account may not
// all reach the password check while the failure count still says "under the limit": the
// check and the count are one atomic step, so at most the limit of them are checked.
func TestSignInCheckAndCountIsAtomic(t *testing.T) {
	cfg := hardConfig()
	cfg.LoginMaxFailures = 10
	e := newHardEnv(t, cfg, nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	before := e.srv.passwordChecks.Load()
	var wg sync.WaitGroup
	statuses := make([]int, 30)
	start := make(chan struct{})
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", strings.NewReader(`{"email":"admin@example.org","password":"wrong-password"}`))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	checked := e.srv.passwordChecks.Load() - before
	if checked > int64(cfg.LoginMaxFailures) || checked == 0 {
		t.Fatalf("%d of 30 simultaneous wrong sign-ins reached the password check, want 1 to %d (statuses %v)", checked, cfg.LoginMaxFailures, statuses)
	}
	for _, st := range statuses {
		if st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
			t.Fatalf("statuses %v: want only 401 and 429", statuses)
		}
	}
}

// TestSignInStandInHashHasTheAccountCost: a sign-in for an unknown email is checked against a
// stand-in hash of the same bcrypt cost as real accounts', so it costs as much time as a
// wrong password (the cost is what sets bcrypt's time; the test compares costs, not clocks).
func TestSignInStandInHashHasTheAccountCost(t *testing.T) {
	for _, cost := range []int{4, 6} {
		cfg := hardConfig()
		cfg.BcryptCost = cost
		e := newHardEnv(t, cfg, nil)
		real, err := bcrypt.Cost([]byte(e.admin.PasswordHash))
		if err != nil {
			t.Fatal(err)
		}
		standIn, err := bcrypt.Cost(e.srv.standInHash())
		if err != nil {
			t.Fatal(err)
		}
		if standIn != real {
			t.Errorf("configured cost %d: the stand-in hash for unknown emails has cost %d, real accounts %d", cost, standIn, real)
		}
	}
}

// TestSignInDeviceCookieSurvivesOthersGuesses follows OWASP's "Slow down online guessing
// attacks with device cookies": someone else's wrong guesses lock the account for unknown
// browsers (and an address's limit locks out unknown browsers behind it), but a browser that
// signed in to the account before keeps signing in.
func TestSignInDeviceCookieSurvivesOthersGuesses(t *testing.T) {
	cfg := hardConfig()
	cfg.LoginMaxFailures = 3
	cfg.LoginMaxPerIP = 6
	cfg.LoginThrottleStep = 0
	e := newHardEnv(t, cfg, nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	laptop, st := signInAt(t, ts.URL, "admin@example.org", "admin-password")
	if st != 200 {
		t.Fatalf("first sign-in: %d", st)
	}
	attacker := newBrowserAt(t, ts.URL)
	for i := 0; i < 5; i++ {
		attacker.signIn("admin@example.org", "guess-"+strconv.Itoa(i))
	}
	if st, _ := attacker.signIn("admin@example.org", "admin-password"); st != http.StatusTooManyRequests {
		t.Errorf("an unknown browser after the account's limit of failures: %d, want 429", st)
	}
	if st, _ := newBrowserAt(t, ts.URL).signIn("admin@example.org", "admin-password"); st != http.StatusTooManyRequests {
		t.Errorf("another unknown browser after the account's limit of failures: %d, want 429", st)
	}
	if st, _ := laptop.signIn("admin@example.org", "admin-password"); st != 200 {
		t.Fatalf("the browser that signed in before, after others' guesses: %d, want 200", st)
	}
	// Its own wrong guesses are limited too, on its own counter.
	for i := 0; i < cfg.LoginMaxFailures; i++ {
		if st, _ := laptop.signIn("admin@example.org", "typo-"+strconv.Itoa(i)); st != http.StatusUnauthorized {
			t.Fatalf("the known browser's own wrong password %d: %d, want 401", i, st)
		}
	}
	if st, _ := laptop.signIn("admin@example.org", "admin-password"); st != http.StatusTooManyRequests {
		t.Errorf("the known browser after its own limit of failures: %d, want 429", st)
	}

	// The address's limit: all these come from 127.0.0.1 and have exhausted it by now, with
	// guesses at other accounts.
	if _, err := e.srv.App().Users.Add(t.Context(), e.admin.ID, "rev@example.org", "Rev", "reviewer", "rev-password"); err != nil {
		t.Fatal(err)
	}
	revLaptop, st := signInAt(t, ts.URL, "rev@example.org", "rev-password")
	if st != 200 {
		t.Fatalf("reviewer's first sign-in: %d", st)
	}
	for i := 0; i < 2*cfg.LoginMaxPerIP; i++ {
		newBrowserAt(t, ts.URL).signIn(fmt.Sprintf("guess%d@example.org", i), "wrong")
	}
	if st, _ := newBrowserAt(t, ts.URL).signIn("rev@example.org", "rev-password"); st != http.StatusTooManyRequests {
		t.Errorf("an unknown browser behind an address over its limit: %d, want 429", st)
	}
	if st, _ := revLaptop.signIn("rev@example.org", "rev-password"); st != 200 {
		t.Errorf("a known browser behind an address over its limit: %d, want 200", st)
	}
}

// TestSignInThrottlesUnknownBrowsersProgressively: after a few free failures, an unknown
// browser waits before each further attempt, and each wait is longer than the last. The
// service's clock is the test's, so the test does not sleep.
func TestSignInThrottlesUnknownBrowsersProgressively(t *testing.T) {
	cfg := hardConfig()
	cfg.LoginMaxFailures = 10
	cfg.LoginFreeAttempts = 2
	cfg.LoginThrottleStep = time.Second
	e := newHardEnv(t, cfg, nil)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	e.srv.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	b := newBrowserAt(t, ts.URL)
	for i := 0; i < cfg.LoginFreeAttempts; i++ {
		if st, _ := b.signIn("admin@example.org", "wrong"); st != http.StatusUnauthorized {
			t.Fatalf("free attempt %d: %d", i, st)
		}
	}
	last := 0
	for round := 0; round < 3; round++ {
		if st, _ := b.signIn("admin@example.org", "wrong"); st != http.StatusUnauthorized {
			t.Fatalf("round %d: the attempt after the wait: %d, want 401", round, st)
		}
		checks := e.srv.passwordChecks.Load()
		st, after := b.signIn("admin@example.org", "admin-password")
		wait, _ := strconv.Atoi(after)
		if st != http.StatusTooManyRequests || wait <= last {
			t.Fatalf("round %d: an attempt at once: %d with Retry-After %q, want 429 waiting more than %ds", round, st, after, last)
		}
		if e.srv.passwordChecks.Load() != checks {
			t.Fatalf("round %d: a throttled attempt reached the password check", round)
		}
		last = wait
		advance(time.Duration(wait) * time.Second)
	}
	if st, _ := b.signIn("admin@example.org", "admin-password"); st != 200 {
		t.Fatalf("the right password after the wait: %d", st)
	}
}

// TestCredentialResponsesAreNotCached: the answers that carry the CSRF token say no-store.
func TestCredentialResponsesAreNotCached(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	jar := newBrowserAt(t, ts.URL)
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/me"} {
		method, body := "GET", ""
		if strings.HasSuffix(path, "login") {
			method, body = "POST", `{"email":"admin@example.org","password":"admin-password"}`
		}
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := jar.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: %d, Cache-Control %q, want 200 and no-store", method, path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}

// TestBearerSchemeIsCaseInsensitive: RFC 9110 makes the scheme name case-insensitive.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", scheme+" "+e.adminTok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("Authorization: %s <token>: %d, want 200", scheme, res.StatusCode)
		}
	}
}
