package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/api/openapitest"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// env is one test's running service with an account and API token per role.
type env struct {
	t      *testing.T
	srv    *api.Server
	store  *models.Store
	ts     *httptest.Server
	tokens map[string]string // role or name → bearer token
	ids    map[string]int64  // role or name → user id
}

func testConfig() api.Config {
	cfg := api.DefaultConfig()
	cfg.BcryptCost = 4
	cfg.MaxBodyBytes = 1 << 20
	cfg.MaxImportBytes = 4 << 20
	cfg.LoginMaxFailures = 3
	return cfg
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, modeltest.Open(t))
}

// benchEnv is newEnv for a benchmark: the store and the server are closed (and a PostgreSQL
// test database dropped) when the benchmark ends.
func benchEnv(b *testing.B) *env {
	b.Helper()
	e := newEnvOn(&testing.T{}, modeltest.Open(b))
	b.Cleanup(e.ts.Close)
	return e
}

func newEnvOn(t *testing.T, store *models.Store) *env {
	t.Helper()
	srv := api.New(testConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, srv: srv, store: store, ts: ts, tokens: map[string]string{}, ids: map[string]int64{}}
	for _, who := range []struct{ name, role string }{{"admin", "admin"}, {"reviewer", "reviewer"}, {"reviewer2", "reviewer"}, {"researcher", "researcher"}} {
		e.addUser(who.name, who.role)
	}
	return e
}

// addUser creates an account with password "password-<name>" and an API token for it.
func (e *env) addUser(name, role string) {
	e.t.Helper()
	u, err := e.srv.App().Users.Add(context.Background(), 0, name+"@example.org", strings.ToUpper(name[:1])+name[1:], role, "password-"+name)
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	e.ids[name] = u.ID
	c := e.client()
	c.login(name+"@example.org", "password-"+name)
	var tok struct{ Token string }
	c.mustJSON("POST", "/api/v1/tokens", map[string]any{"name": "test"}, 201, &tok)
	e.tokens[name] = tok.Token
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errCode is the error envelope's code ("" when the body is not an error).
func (r response) errCode() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// do sends a request as a role ("" for anonymous) with a bearer token. body may be a
// string or []byte (sent as is) or any other value (sent as JSON).
func (e *env) do(as, method, path string, body any) response {
	e.t.Helper()
	req := newRequest(e.t, method, e.ts.URL+path, body)
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[as])
	}
	return send(e.t, http.DefaultClient, req)
}

// must sends a request and checks its status, decoding the body into out if not nil.
func (e *env) must(as, method, path string, body any, status int, out any) response {
	e.t.Helper()
	r := e.do(as, method, path, body)
	if r.Status != status {
		e.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, as, r.Status, status, r.Body)
	}
	if out != nil {
		r.json(e.t, out)
	}
	return r
}

func newRequest(t *testing.T, method, url string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func send(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	checkDocumented(t, res, b)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// served checks every response against the OpenAPI document the service serves.
var served openapitest.Served

// checkDocumented fails the test when the served OpenAPI document does not describe the
// response: an undeclared status or content type, a field it does not name, or a body its
// schema rejects.
func checkDocumented(t *testing.T, res *http.Response, body []byte) {
	t.Helper()
	if err := served.CheckResponse(res, body); err != nil {
		t.Error(err)
	}
}

// browser is a cookie-carrying client, as a signed-in browser is.
type browser struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, http: &http.Client{Jar: jar}}
}

func (b *browser) login(email, password string) response {
	b.e.t.Helper()
	r := b.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}, false)
	if r.Status == 200 {
		var out struct {
			CSRFToken string `json:"csrf_token"`
		}
		r.json(b.e.t, &out)
		b.csrf = out.CSRFToken
	}
	return r
}

func (b *browser) do(method, path string, body any, withCSRF bool) response {
	b.e.t.Helper()
	req := newRequest(b.e.t, method, b.e.ts.URL+path, body)
	if withCSRF {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	return send(b.e.t, b.http, req)
}

func (b *browser) mustJSON(method, path string, body any, status int, out any) {
	b.e.t.Helper()
	r := b.do(method, path, body, true)
	if r.Status != status {
		b.e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	if out != nil {
		r.json(b.e.t, out)
	}
}

// outlet creates an outlet as admin and returns its id.
func (e *env) outlet(name string, aliases, domains []string) int64 {
	e.t.Helper()
	var o struct{ ID int64 }
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": name, "aliases": aliases, "domains": domains}, 201, &o)
	return o.ID
}

// article creates an article as admin and returns its id.
func (e *env) article(outletID int64, title, text string) int64 {
	e.t.Helper()
	var a struct{ ID int64 }
	e.must("admin", "POST", "/api/v1/articles", map[string]any{"outlet_id": outletID, "title": title, "text": text}, 201, &a)
	return a.ID
}
