package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestReplicasShareOnePostgreSQL runs two service replicas, each with its own connection
// pool, against one PostgreSQL database behind a round-robin, as a deployment that outgrew
// one machine does: a session made on one works on the other, concurrent writes through both
// are all kept, and both compute the same scores.
func TestReplicasShareOnePostgreSQL(t *testing.T) {
	if os.Getenv(modeltest.EnvPostgres) == "" {
		// make test-postgres (run by .ci/run) sets it; the SQLite pass has nothing to test here.
		t.Skipf("needs PostgreSQL: set %s (make test-postgres)", modeltest.EnvPostgres)
	}
	ctx := context.Background()
	replicas, first := startTestReplicas(t, 2)
	for _, u := range []struct{ email, role string }{{"admin@r.example", "admin"}, {"rev1@r.example", "reviewer"}, {"rev2@r.example", "reviewer"}, {"res@r.example", "researcher"}} {
		if _, err := first.App().Users.Add(ctx, 0, u.email, u.role, u.role, "password-"+u.role); err != nil {
			t.Fatal(err)
		}
	}
	call := func(c *http.Client, base, method, path, csrf string, body any, want int, out any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s%s: %d %s", method, base, path, res.StatusCode, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatal(err)
			}
		}
	}
	signIn := func(email, pw string) (*http.Client, string) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		call(c, replicas[0].URL, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": pw}, 200, &out)
		// The cookie was set for replica 0's host; replicas share 127.0.0.1, so the jar sends it to both.
		return c, out.CSRF
	}
	admin, adminCSRF := signIn("admin@r.example", "password-admin")
	var me struct{ Email string }
	call(admin, replicas[1].URL, "GET", "/api/v1/me", "", nil, 200, &me)
	if me.Email != "admin@r.example" {
		t.Fatalf("a session made on replica 0 is not known to replica 1: %+v", me)
	}
	var o struct{ ID int64 }
	call(admin, replicas[1].URL, "POST", "/api/v1/outlets", adminCSRF, map[string]any{"name": "Shared Outlet"}, 201, &o)
	var arts []int64
	for i := 0; i < 4; i++ {
		var a struct{ ID int64 }
		call(admin, replicas[i%2].URL, "POST", "/api/v1/articles", adminCSRF, map[string]any{"outlet_id": o.ID, "title": fmt.Sprint("A", i),
			"text": fmt.Sprintf("Article %d says the council may have hidden the budget, a shocking scandal, the report stated plainly.", i)}, 201, &a)
		arts = append(arts, a.ID)
	}
	// Two reviewers write through both replicas at once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[int64]bool{}
	for _, who := range []string{"rev1", "rev2"} {
		c, csrf := signIn(who+"@r.example", "password-reviewer")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				var a struct{ ID int64 }
				call(c, replicas[i%2].URL, "POST", fmt.Sprintf("/api/v1/articles/%d/annotations", arts[i%4]), csrf,
					map[string]any{"label": []string{"speculation", "loaded_language", "opinion", "sourced_fact"}[i%4], "start": i % 10, "end": 20 + i}, 201, &a)
				mu.Lock()
				acked[a.ID] = true
				mu.Unlock()
			}
			for _, id := range arts {
				call(c, replicas[int(id)%2].URL, "POST", fmt.Sprintf("/api/v1/articles/%d/complete", id), csrf, nil, 200, nil)
			}
		}()
	}
	wg.Wait()
	researcher, _ := signIn("res@r.example", "password-researcher")
	seen := map[int64]bool{}
	for _, id := range arts {
		for _, r := range replicas {
			var l struct{ Items []struct{ ID int64 } }
			call(researcher, r.URL, "GET", fmt.Sprintf("/api/v1/articles/%d/annotations?limit=1000", id), "", nil, 200, &l)
			for _, a := range l.Items {
				seen[a.ID] = true
			}
		}
	}
	if len(acked) != 40 || len(seen) != len(acked) {
		t.Fatalf("acknowledged %d annotations, the replicas list %d", len(acked), len(seen))
	}
	var scores [2]json.RawMessage
	for i, r := range replicas {
		var s struct{ Items json.RawMessage }
		call(researcher, r.URL, "GET", "/api/v1/scores/outlets", "", nil, 200, &s)
		scores[i] = s.Items
	}
	if !bytes.Equal(scores[0], scores[1]) || len(scores[0]) < 10 {
		t.Fatalf("the replicas disagree on scores:\n%s\n%s", scores[0], scores[1])
	}
}

// startTestReplicas starts n service replicas, each with its own store and connection pool, on
// one fresh database, each migrating it as a rolling deployment would.
func startTestReplicas(t *testing.T, n int) ([]*httptest.Server, *api.Server) {
	t.Helper()
	ctx := context.Background()
	dsn := modeltest.DSN(t)
	var replicas []*httptest.Server
	var first *api.Server
	for i := 0; i < n; i++ {
		store, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		if err := store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cfg := api.DefaultConfig()
		cfg.BcryptCost = 4
		srv := api.New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		if first == nil {
			first = srv
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		replicas = append(replicas, ts)
	}
	return replicas, first
}
