package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	t.Run("OK", func(t *testing.T) {
		b := e.client()
		r := b.login("Reviewer@example.org", "password-reviewer")
		if r.Status != 200 {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		var out struct {
			User struct {
				ID    int64
				Email string
				Role  string
			}
			CSRFToken string `json:"csrf_token"`
		}
		r.json(t, &out)
		if out.User.Role != "reviewer" || out.CSRFToken == "" || out.User.Email != "reviewer@example.org" {
			t.Fatalf("login body: %s", r.Body)
		}
		c := r.Header.Get("Set-Cookie")
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "credence_session="} {
			if !strings.Contains(c, want) {
				t.Errorf("cookie %q lacks %s", c, want)
			}
		}
		me := b.do("GET", "/api/v1/me", nil, false)
		if me.Status != 200 || !strings.Contains(string(me.Body), out.CSRFToken) {
			t.Fatalf("me: %d %s", me.Status, me.Body)
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		b := e.client()
		b.login("reviewer@example.org", "password-reviewer")
		r := b.do("POST", "/api/v1/tokens", map[string]any{"name": "x"}, false)
		if r.Status != 403 || r.errCode() != "csrf" {
			t.Fatalf("state change without CSRF header: %d %s", r.Status, r.Body)
		}
		b.csrf = "wrong"
		if r := b.do("POST", "/api/v1/tokens", map[string]any{"name": "x"}, true); r.Status != 403 {
			t.Fatalf("wrong CSRF token: %d", r.Status)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		r := e.client().login("admin@example.org", "nope-nope-nope")
		if r.Status != 401 || r.errCode() != "invalid_credentials" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("LogoutEndsSession", func(t *testing.T) {
		b := e.client()
		b.login("researcher@example.org", "password-researcher")
		if r := b.do("POST", "/api/v1/auth/logout", nil, true); r.Status != 204 {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		if r := b.do("GET", "/api/v1/me", nil, false); r.Status != 401 {
			t.Fatalf("me after logout: %d", r.Status)
		}
	})
	t.Run("SessionRotatesAtSignIn", func(t *testing.T) {
		b := e.client()
		b.login("researcher@example.org", "password-researcher")
		first := b.csrf
		b.login("researcher@example.org", "password-researcher")
		if b.csrf == first {
			t.Fatal("a second sign-in must start a new session")
		}
	})
	t.Run("ErrMalformedBearer", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Token abc")
		if r := send(t, http.DefaultClient, req); r.Status != 401 {
			t.Fatalf("%d", r.Status)
		}
		req.Header.Set("Authorization", "Bearer cred_not-a-token")
		if r := send(t, http.DefaultClient, req); r.Status != 401 {
			t.Fatalf("%d", r.Status)
		}
	})
}

func TestSignInRateLimited(t *testing.T) {
	e := newEnv(t)
	b := e.client()
	for i := 0; i < 3; i++ {
		if r := b.login("admin@example.org", "wrong-password"); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := b.login("admin@example.org", "password-admin")
	if r.Status != 429 || r.errCode() != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures even the right password waits: %d %s (Retry-After %q)", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	if r := e.client().login("reviewer@example.org", "password-reviewer"); r.Status != 200 {
		t.Fatalf("another account is not limited: %d", r.Status)
	}
}

func TestDisabledUserLosesAccessAtOnce(t *testing.T) {
	e := newEnv(t)
	b := e.client()
	b.login("reviewer@example.org", "password-reviewer")
	for range 2 { // authenticated before, so that a cache (PostgreSQL's) holds both
		if r := b.do("GET", "/api/v1/me", nil, false); r.Status != 200 {
			t.Fatalf("session before: %d", r.Status)
		}
		e.must("reviewer", "GET", "/api/v1/me", nil, 200, nil)
	}
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["reviewer"]), map[string]any{"disabled": true}, 200, nil)
	if r := b.do("GET", "/api/v1/me", nil, false); r.Status != 401 {
		t.Fatalf("session of a disabled user: %d", r.Status)
	}
	if r := e.do("reviewer", "GET", "/api/v1/me", nil); r.Status != 401 {
		t.Fatalf("token of a disabled user: %d", r.Status)
	}
	if r := e.client().login("reviewer@example.org", "password-reviewer"); r.Status != 401 {
		t.Fatalf("sign-in of a disabled user: %d", r.Status)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	var u struct {
		ID       int64
		Email    string
		Role     string
		Disabled bool
	}
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "new@example.org", "name": "New", "role": "researcher", "password": "long-enough"}, 201, &u)
	if u.Role != "researcher" || u.Email != "new@example.org" {
		t.Fatalf("created %+v", u)
	}
	for name, tc := range map[string]struct {
		body   any
		status int
		code   string
	}{
		"ErrDuplicateEmail": {map[string]any{"email": "NEW@example.org", "name": "X", "role": "reviewer", "password": "long-enough"}, 409, "duplicate"},
		"ErrUnknownRole":    {map[string]any{"email": "x@example.org", "name": "X", "role": "editor", "password": "long-enough"}, 422, "invalid"},
		"ErrShortPassword":  {map[string]any{"email": "x@example.org", "name": "X", "role": "reviewer", "password": "short"}, 422, "invalid"},
		"ErrBadEmail":       {map[string]any{"email": "not an email", "name": "X", "role": "reviewer", "password": "long-enough"}, 422, "invalid"},
		"ErrMissingFields":  {map[string]any{"email": "x@example.org"}, 422, "invalid"},
		"ErrMalformed":      {`{"email": `, 400, "bad_request"},
		"ErrWrongType":      {map[string]any{"email": 5}, 400, "bad_request"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("admin", "POST", "/api/v1/users", tc.body)
			if r.Status != tc.status || r.errCode() != tc.code {
				t.Fatalf("%d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(u.ID), map[string]any{"role": "reviewer", "password": "another-one"}, 200, &u)
	if u.Role != "reviewer" {
		t.Fatalf("role change: %+v", u)
	}
	if r := e.client().login("new@example.org", "another-one"); r.Status != 200 {
		t.Fatalf("sign-in with the reset password: %d", r.Status)
	}
	if r := e.do("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["admin"]), map[string]any{"role": "reviewer"}); r.Status != 409 {
		t.Fatalf("admin demoting themself: %d", r.Status)
	}
	e.must("admin", "DELETE", "/api/v1/users/"+itoa(u.ID), nil, 204, nil)
	e.must("admin", "DELETE", "/api/v1/users/"+itoa(u.ID), nil, 404, nil)
	var page struct {
		Items      []struct{ ID int64 }
		NextCursor string `json:"next_cursor"`
	}
	e.must("admin", "GET", "/api/v1/users?limit=2", nil, 200, &page)
	if len(page.Items) != 2 || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	first := append([]struct{ ID int64 }(nil), page.Items...)
	e.must("admin", "GET", "/api/v1/users?limit=2&cursor="+page.NextCursor, nil, 200, &page)
	if len(page.Items) != 2 || page.Items[0].ID <= first[1].ID || page.NextCursor != "" {
		t.Fatalf("second page: %+v", page)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "cursor=garbage"} {
		if r := e.do("admin", "GET", "/api/v1/users?"+q, nil); r.Status != 400 {
			t.Errorf("?%s: %d, want 400", q, r.Status)
		}
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	var tok struct {
		ID    int64
		Token string
	}
	e.must("researcher", "POST", "/api/v1/tokens", map[string]any{"name": "notebook"}, 201, &tok)
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	if r := send(t, http.DefaultClient, req); r.Status != 200 {
		t.Fatalf("new token: %d", r.Status)
	}
	r := e.must("researcher", "GET", "/api/v1/tokens", nil, 200, nil)
	if strings.Contains(string(r.Body), tok.Token) {
		t.Fatal("the token list must never show a token")
	}
	e.must("researcher", "DELETE", "/api/v1/tokens/"+itoa(tok.ID), nil, 204, nil)
	if r := send(t, http.DefaultClient, req); r.Status != 401 {
		t.Fatalf("revoked token: %d", r.Status)
	}
	e.must("researcher", "POST", "/api/v1/tokens", map[string]any{"name": ""}, 422, nil)
}

// TestAccountChangedElsewhereRefused changes accounts through another store on the same
// database, as another replica or `credence users` would: the service's next requests must
// see it. On PostgreSQL the service's authentication cache learns of it by a notification, so
// the check polls (up to a deadline far beyond a notification's delivery); on SQLite, which
// does not cache, the first request already sees it.
func TestAccountChangedElsewhereRefused(t *testing.T) {
	dsn := modeltest.DSN(t)
	var stores [2]*models.Store
	for i := range stores {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	e, other := newEnvOn(t, stores[0]), stores[1]
	b := e.client()
	b.login("reviewer@example.org", "password-reviewer")
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen by the service", what)
			}
		}
	}
	for range 2 {
		e.must("reviewer", "GET", "/api/v1/me", nil, 200, nil)
		e.must("researcher", "GET", "/api/v1/me", nil, 200, nil)
		if r := b.do("GET", "/api/v1/me", nil, false); r.Status != 200 {
			t.Fatalf("session before: %d", r.Status)
		}
	}
	role := "admin"
	if _, err := other.UpdateUser(context.Background(), 0, e.ids["researcher"], models.UserPatch{Role: &role}); err != nil {
		t.Fatal(err)
	}
	eventually("a role changed elsewhere", func() bool {
		var me struct{ Role string }
		e.must("researcher", "GET", "/api/v1/me", nil, 200, &me)
		return me.Role == "admin"
	})
	yes := true
	if _, err := other.UpdateUser(context.Background(), 0, e.ids["reviewer"], models.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	eventually("a token of a user disabled elsewhere", func() bool { return e.do("reviewer", "GET", "/api/v1/me", nil).Status == 401 })
	eventually("a session of a user disabled elsewhere", func() bool { return b.do("GET", "/api/v1/me", nil, false).Status == 401 })
}
