package models_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// pgProxy forwards TCP connections to PostgreSQL and can be cut and restored on the same
// port: a network partition, or a database restart, as the service sees it.
type pgProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newPGProxy(t *testing.T, target string) *pgProxy {
	p := &pgProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	p.up("127.0.0.1:0")
	t.Cleanup(p.down)
	return p
}

// up listens on addr and forwards each connection to the target.
func (p *pgProxy) up(addr string) {
	p.t.Helper()
	var ln net.Listener
	var err error
	// The port was ours a moment ago; the kernel may need a moment to free it.
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("proxy listen on %s: %v", addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *pgProxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // cut while dialling
		p.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close(); c.Close() }()
	io.Copy(c, s)
	c.Close()
	s.Close()
}

// down closes the listener and every open connection: the database is gone.
func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// outageDatabase creates a fresh database on the test PostgreSQL server, as modeltest does,
// and returns its URL and the server's host:port. It skips outside CI when no server is
// configured, and in CI (CI=true) uses the server CI provides.
func outageDatabase(t *testing.T) (*url.URL, string) {
	t.Helper()
	base := os.Getenv(modeltest.EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "true" {
			t.Skipf("needs PostgreSQL: set %s=postgres://user@host:port/db", modeltest.EnvPostgres)
		}
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "credence_outage_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database on %s: %v", base, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	return u, host
}

// TestPostgresOutage runs the service over a store that reaches PostgreSQL through a proxy.
// While the proxy is up /healthz is 200; when it is cut (listener and open connections)
// /healthz is 503 and API requests fail with 503 and code "unavailable", never 500 and never
// hanging; when it comes back on the same port the service recovers by itself.
func TestPostgresOutage(t *testing.T) {
	dbURL, pgHost := outageDatabase(t)
	proxy := newPGProxy(t, pgHost)
	viaProxy := *dbURL
	viaProxy.Host = proxy.addr
	q := viaProxy.Query()
	q.Set("connect_timeout", "3")
	viaProxy.RawQuery = q.Encode()

	store, err := models.Open(viaProxy.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := api.DefaultConfig()
	cfg.BcryptCost = 4
	srv := api.New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if _, err := srv.App().Users.Add(ctx, 0, "admin@example.org", "Admin", "admin", "admin-password"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	token := outageToken(t, ts.URL)

	type answer struct {
		status int
		code   string
		body   string
	}
	get := func(path string) answer {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		c := &http.Client{Timeout: 20 * time.Second}
		start := time.Now()
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v (after %s)", path, err, time.Since(start))
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var env struct {
			Error struct{ Code string }
		}
		_ = json.Unmarshal(b, &env)
		return answer{res.StatusCode, env.Error.Code, string(b)}
	}
	post := func(path, body string) answer {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var env struct {
			Error struct{ Code string }
		}
		_ = json.Unmarshal(b, &env)
		return answer{res.StatusCode, env.Error.Code, string(b)}
	}

	if a := get("/healthz"); a.status != 200 {
		t.Fatalf("healthz with the database up: %d %s", a.status, a.body)
	}
	if a := post("/api/v1/outlets", `{"name":"Before"}`); a.status != 201 {
		t.Fatalf("create an outlet with the database up: %d %s", a.status, a.body)
	}
	// Several requests at once, so the pool holds several connections that the cut breaks.
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); get("/api/v1/outlets") }()
	}
	wg.Wait()

	proxy.down()
	start := time.Now()
	// Every kind of request, several times: the first ones meet the pool's broken
	// connections, the later ones a refused dial.
	for round := 0; round < 3; round++ {
		if a := get("/healthz"); a.status != http.StatusServiceUnavailable {
			t.Errorf("round %d: healthz with the database down: %d %s", round, a.status, a.body)
		}
		for _, a := range []answer{
			get("/api/v1/outlets"), get("/api/v1/me"), get("/api/v1/articles?limit=5"),
			post("/api/v1/outlets", `{"name":"During"}`),
		} {
			if a.status != http.StatusServiceUnavailable || a.code != "unavailable" {
				t.Errorf("round %d: an API request with the database down: %d %s, want 503 unavailable", round, a.status, a.body)
			}
		}
	}
	t.Logf("outage: %d requests answered 503 in %s", 3*5, time.Since(start).Round(time.Millisecond))

	proxy.up(proxy.addr)
	recovered := time.Now()
	deadline := time.Now().Add(15 * time.Second)
	for {
		a := get("/healthz")
		if a.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz still %d 15 s after the database came back: %s", a.status, a.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("healthy again %s after the database came back", time.Since(recovered).Round(time.Millisecond))
	if a := post("/api/v1/outlets", `{"name":"After"}`); a.status != 201 {
		t.Fatalf("create an outlet after recovery: %d %s", a.status, a.body)
	}
	var names []string
	var page struct {
		Items []struct{ Name string }
	}
	a := get("/api/v1/outlets")
	if err := json.Unmarshal([]byte(a.body), &page); a.status != 200 || err != nil {
		t.Fatalf("list outlets after recovery: %d %s", a.status, a.body)
	}
	for _, it := range page.Items {
		names = append(names, it.Name)
	}
	if strings.Join(names, ",") != "After,Before" && strings.Join(names, ",") != "Before,After" {
		t.Fatalf("outlets after recovery: %v, want Before and After (and nothing from the outage)", names)
	}
}

// outageToken signs in and creates an API token.
func outageToken(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"admin@example.org","password":"admin-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		CSRFToken string `json:"csrf_token"`
	}
	err = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign in: %d %v", res.StatusCode, err)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "credence_session" { // beside it comes the device cookie
			cookie = c
		}
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"outage"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", login.CSRFToken)
	req.AddCookie(cookie)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.Token == "" {
		t.Fatalf("create a token: %d %v", res.StatusCode, err)
	}
	return tok.Token
}
