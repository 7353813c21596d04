package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"testing"

	"github.com/credence-project/credence/models/modeltest"
)

// TestReplicasShareTheReprintIndex: a reprint stored through one replica is found through the
// other at once, with no restart and no rebuild, in both directions, because the reprint index
// lives in the shared database and not in each replica's memory.
func TestReplicasShareTheReprintIndex(t *testing.T) {
	if os.Getenv(modeltest.EnvPostgres) == "" {
		t.Skipf("needs PostgreSQL: set %s (make test-postgres)", modeltest.EnvPostgres)
	}
	replicas, first := startTestReplicas(t, 2)
	if _, err := first.App().Users.Add(context.Background(), 0, "admin@r.example", "admin", "admin", "password-admin"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar} // replicas share 127.0.0.1, so the session cookie goes to both
	csrf := ""
	call := func(base, method, path string, body any, want int, out any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
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
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	call(replicas[0].URL, "POST", "/api/v1/auth/login", map[string]any{"email": "admin@r.example", "password": "password-admin"}, 200, &login)
	csrf = login.CSRF
	var origin, copier struct{ ID int64 }
	call(replicas[0].URL, "POST", "/api/v1/outlets", map[string]any{"name": "Origin Gazette"}, 201, &origin)
	call(replicas[1].URL, "POST", "/api/v1/outlets", map[string]any{"name": "Copy Courier"}, 201, &copier)
	passage := "The harbour authority confirmed on Tuesday that the northern pier will close for " +
		"eighteen months while engineers replace the corroded pilings, a decision that fishing crews " +
		"say will push their boats into the crowded southern basin and raise mooring fees for everyone " +
		"who works the early tide."
	var a, b struct{ ID int64 }
	call(replicas[0].URL, "POST", "/api/v1/articles", map[string]any{"outlet_id": origin.ID, "title": "Pier",
		"published_at": "2024-03-01T08:00:00Z", "text": passage + " Council members will meet the crews next week."}, 201, &a)
	call(replicas[1].URL, "POST", "/api/v1/articles", map[string]any{"outlet_id": copier.ID, "title": "Pier closes",
		"published_at": "2024-03-02T08:00:00Z", "text": "In other news this week. " + passage}, 201, &b)
	type shared struct {
		Items []struct {
			ArticleID int64 `json:"article_id"`
			OutletID  int64 `json:"outlet_id"`
		}
	}
	for _, tc := range []struct {
		replica     int
		article     int64
		other, from int64
	}{{0, b.ID, a.ID, origin.ID}, {1, a.ID, b.ID, copier.ID}, {1, b.ID, a.ID, origin.ID}, {0, a.ID, b.ID, copier.ID}} {
		var got shared
		call(replicas[tc.replica].URL, "GET", fmt.Sprintf("/api/v1/articles/%d/reprints", tc.article), nil, 200, &got)
		if len(got.Items) != 1 || got.Items[0].ArticleID != tc.other || got.Items[0].OutletID != tc.from {
			t.Fatalf("article %d through replica %d: shared passages %+v, want one with article %d of outlet %d",
				tc.article, tc.replica, got.Items, tc.other, tc.from)
		}
	}
}
