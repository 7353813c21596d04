package api_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	var h struct{ Status string }
	e.must("", "GET", "/healthz", nil, 200, &h)
	if h.Status != "ok" {
		t.Fatalf("%+v", h)
	}
	e.store.Close()
	if r := e.do("", "GET", "/healthz", nil); r.Status != 503 {
		t.Fatalf("healthz with the database closed: %d", r.Status)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	e := newEnv(t)
	e.must("reviewer", "GET", "/api/v1/me", nil, 200, nil)
	r := e.must("admin", "GET", "/metrics", nil, 200, nil)
	if !strings.Contains(string(r.Body), `credence_http_requests_total{method="GET",route="/api/v1/me",status="200"}`) {
		t.Fatalf("metrics lack the request: %.500s", r.Body)
	}
}

// TestMetricsCountWrites: on SQLite the group committer's transactions and the writes they
// ran are exported, and an annotation create counts in both; on PostgreSQL, which runs
// transactions side by side, the counters are there and stay at zero.
func TestMetricsCountWrites(t *testing.T) {
	e := newEnv(t)
	value := func(name string) float64 {
		t.Helper()
		r := e.must("admin", "GET", "/metrics", nil, 200, nil)
		for _, line := range strings.Split(string(r.Body), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
		}
		t.Fatalf("no %s in the metrics", name)
		return 0
	}
	art := e.article(e.outlet("O", nil, nil), "T", "Some words to annotate here.")
	tx, writes := value("credence_sqlite_write_transactions_total"), value("credence_sqlite_writes_total")
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 4}, 201, nil)
	after, afterWrites := value("credence_sqlite_write_transactions_total"), value("credence_sqlite_writes_total")
	if e.store.Dialect() != "sqlite" {
		if after != 0 || afterWrites != 0 {
			t.Fatalf("PostgreSQL counted %v transactions and %v writes", after, afterWrites)
		}
	} else if after < tx+1 || afterWrites < writes+1 {
		t.Fatal("the create was not counted")
	}
	value("credence_sqlite_wal_restarts_total")
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary   string
			Responses map[string]any
		}
	}
	e.must("", "GET", "/api/v1/openapi.json", nil, 200, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, r := range e.srv.Routes() {
		p := regexp.MustCompile(`:(\w+)`).ReplaceAllString(r.Path, "{$1}")
		op, ok := doc.Paths[p][strings.ToLower(r.Method)]
		if !ok || op.Summary == "" || len(op.Responses) == 0 {
			t.Errorf("%s %s is not documented", r.Method, p)
		}
	}
}

func TestErrorsUseTheEnvelope(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/nope"}, {"PUT", "/api/v1/outlets"}, {"GET", "/api/v1/articles/0"}, {"GET", "/api/v1/me"},
	} {
		r := e.do("", tc.method, tc.path, nil)
		var env struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(r.Body, &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
			t.Errorf("%s %s: %d %s is not an error envelope", tc.method, tc.path, r.Status, r.Body)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.do("", "GET", "/login", nil)
	csp := r.Header.Get("Content-Security-Policy")
	if r.Status != 200 || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Fatalf("%d headers %v", r.Status, r.Header)
	}
	if r := e.do("", "GET", "/methodology", nil); r.Status != 200 || !strings.Contains(string(r.Body), "Methodology") {
		t.Fatalf("methodology: %d", r.Status)
	}
}
