package api_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
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
	// PostgreSQL's group commit of creates: the create went in a batch; SQLite has none.
	batches, creates := value("credence_postgres_create_batches_total"), value("credence_postgres_creates_total")
	if e.store.Dialect() == "postgres" {
		if batches < 1 || creates < 1 || value("credence_postgres_create_workers") < 1 {
			t.Fatalf("PostgreSQL counted %v batches and %v creates", batches, creates)
		}
	} else if batches != 0 || creates != 0 || value("credence_postgres_create_workers") != 0 {
		t.Fatalf("SQLite counted %v PostgreSQL batches and %v creates", batches, creates)
	}
	value("credence_postgres_creates_retried_total")
}

// TestMetricsParse: the whole exposition parses as Prometheus' text format, with every
// family of the store's counters present on both engines.
func TestMetricsParse(t *testing.T) {
	e := newEnv(t)
	e.must("reviewer", "GET", "/api/v1/me", nil, 200, nil)
	r := e.must("admin", "GET", "/metrics", nil, 200, nil)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	for _, name := range []string{"credence_sqlite_writes_total", "credence_postgres_create_batches_total", "credence_postgres_creates_total",
		"credence_postgres_creates_retried_total", "credence_postgres_create_workers", "credence_auth_cache_hits_total", "credence_auth_cache_misses_total",
		"credence_auth_cache_invalidations_total", "credence_auth_cache_live", "credence_auth_cache_entries"} {
		if fams[name] == nil {
			t.Errorf("no %s in the metrics", name)
		}
	}
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
