package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetricsNeedAnAdminToken: /metrics names routes and counts failed sign-ins, so on the
// service's address only an admin's API token reads it; MetricsHandler (what --metrics-addr
// serves, on a listener of its own) needs none.
func TestMetricsNeedAnAdminToken(t *testing.T) {
	e := newEnv(t)
	for as, want := range map[string]int{"": 401, "reviewer": 403, "researcher": 403, "admin": 200} {
		if r := e.do(as, "GET", "/metrics", nil); r.Status != want {
			t.Errorf("/metrics as %q: %d, want %d", as, r.Status, want)
		} else if want != 200 && (r.errCode() == "" || strings.Contains(string(r.Body), "credence_http_requests_total")) {
			t.Errorf("/metrics as %q: the answer is not the error envelope: %.200s", as, r.Body)
		}
	}
	b := e.client()
	b.login("admin@example.org", "password-admin")
	if r := b.do("GET", "/metrics", nil, false); r.Status != 401 {
		t.Errorf("/metrics with an admin's browser session: %d, want 401 (a token only)", r.Status)
	}
	ts := httptest.NewServer(e.srv.MetricsHandler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("the metrics handler of --metrics-addr: %d", res.StatusCode)
	}
}

// TestStaticDoesNotListDirectories: /static/ serves files, never a folder's listing.
func TestStaticDoesNotListDirectories(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/static/", "/static/js/", "/static/js", "/static/css/", "/static/js/pages/"} {
		r := e.do("", "GET", p, nil)
		if r.Status != 404 || strings.Contains(string(r.Body), "<a href") {
			t.Errorf("GET %s: %d %.200s, want 404 without a listing", p, r.Status, r.Body)
		}
	}
	if r := e.do("", "GET", "/static/css/app.css", nil); r.Status != 200 {
		t.Errorf("a file under /static/: %d", r.Status)
	}
}
