package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models/modeltest"
)

// TestComposeClusterOnPostgreSQL runs docker-compose.yml without Docker: the services' own
// commands and environments, in the order their depends_on conditions allow, as processes of
// the freshly built binary on a fresh PostgreSQL database (only the database's address and the
// listening address are rewritten to this machine's), and the Caddyfile's reverse proxy as a
// Go stand-in with its upstreams and health checks (compose_files_test.go). Through the proxy:
// the two replicas, started at once with the demo data asked for, made one admin and one copy
// of the demo data without an error; a session made through one replica works through the
// other; an annotation created through one is read through the other; and with one replica
// stopped the service still answers. It fails if the replicas migrate themselves or do not
// wait for the migrate service, if that service is gone, or if the proxy names a service that
// is not there.
func TestComposeClusterOnPostgreSQL(t *testing.T) {
	if os.Getenv(modeltest.EnvPostgres) == "" {
		// make test-postgres (run by .ci/run) sets it; the SQLite pass has nothing to run here.
		t.Skipf("needs PostgreSQL: set %s (make test-postgres)", modeltest.EnvPostgres)
	}
	const adminPassword = "compose-admin-password"
	vars := map[string]string{"CREDENCE_ADMIN_PASSWORD": adminPassword, "CREDENCE_DEMO": "true"}
	c := &composeRun{t: t, f: readCompose(t, vars), img: readDockerfile(t), caddy: readCaddyfile(t), dsn: modeltest.DSN(t),
		procs: map[string]*service{}, started: map[string]bool{}, listen: map[string]string{}}
	replicas := c.checkLayout()
	c.up()
	base := c.proxyURL

	for _, r := range replicas {
		if logged := c.procs[r].stderr.String(); strings.Contains(logged, `"level":"ERROR"`) {
			t.Errorf("%s logged errors at start:\n%s", r, logged)
		}
	}
	// One admin, one copy of the demo data and accounts, from two replicas started at once.
	admin := signIn(t, base, "admin@example.org", adminPassword)
	var users struct {
		Items []struct{ Email, Role string }
	}
	admin.must(t, "GET", "/api/v1/users?limit=100", nil, 200, &users)
	emails := map[string]int{}
	admins := 0
	for _, u := range users.Items {
		emails[u.Email]++
		if u.Role == "admin" {
			admins++
		}
	}
	if admins != 1 || len(emails) != len(users.Items) || len(users.Items) != 1+len(demoAccounts) {
		t.Fatalf("after two replicas' first start: %d admins, accounts %v; want one admin and the %d demo accounts once each", admins, emails, len(demoAccounts))
	}
	var arts struct {
		Items []struct {
			ID    int64
			Title string
		}
	}
	admin.must(t, "GET", "/api/v1/articles?limit=100", nil, 200, &arts)
	demoLines := bytes.Count(bytes.TrimSpace(must(demoFiles.ReadFile("demo/articles.jsonl"))), []byte("\n")) + 1
	if len(arts.Items) != demoLines {
		t.Fatalf("%d articles after two replicas loaded the demo data at once, want the demo's %d", len(arts.Items), demoLines)
	}

	// A session made through one replica works through the other.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res := pinned(t, browser, replicas[0], "POST", base+"/api/v1/auth/login", `{"email":"admin@example.org","password":"`+adminPassword+`"}`)
	if res.StatusCode != 200 {
		t.Fatalf("sign in through %s: %d", replicas[0], res.StatusCode)
	}
	res = pinned(t, browser, replicas[1], "GET", base+"/api/v1/me", "")
	var me struct{ Email string }
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil || res.StatusCode != 200 || me.Email != "admin@example.org" {
		t.Fatalf("a session made through %s, through %s: status %d, %+v, %v", replicas[0], replicas[1], res.StatusCode, me, err)
	}

	// An annotation created through one replica is read through the other.
	reviewer := signIn(t, base, "reviewer@example.org", demoPassword)
	through := func(name string) *apiClient {
		return &apiClient{base: base, token: reviewer.token, http: &http.Client{Timeout: 30 * time.Second, Transport: pinTo(name)}}
	}
	var a struct{ ID int64 }
	article := itoa(arts.Items[0].ID)
	through(replicas[0]).must(t, "POST", "/api/v1/articles/"+article+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 12}, 201, &a)
	var listed struct{ Items []struct{ ID int64 } }
	through(replicas[1]).must(t, "GET", "/api/v1/articles/"+article+"/annotations", nil, 200, &listed)
	if !slices.ContainsFunc(listed.Items, func(x struct{ ID int64 }) bool { return x.ID == a.ID }) {
		t.Fatalf("annotation %d created through %s is not listed through %s: %+v", a.ID, replicas[0], replicas[1], listed.Items)
	}

	// One replica stopped: every request still gets its answer, from the other.
	c.procs[replicas[0]].stop()
	for i := range 10 {
		r, err := reviewer.do(t.Context(), "GET", "/api/v1/me", nil)
		if err != nil || r.Status != 200 {
			t.Fatalf("request %d through the proxy with %s stopped: %v, %d %s", i, replicas[0], err, r.Status, r.Body)
		}
	}
	waitFor(t, 30*time.Second, "the proxy's health check to take "+replicas[0]+" out", func() bool { return !c.proxy.isHealthy(replicas[0]) })
	for range 4 {
		res := pinned(t, browser, "", "GET", base+"/api/v1/me", "")
		if got := res.Header.Get("X-Test-Upstream"); res.StatusCode != 200 || got != replicas[1] {
			t.Fatalf("with %s stopped: status %d from %q, want 200 from %s", replicas[0], res.StatusCode, got, replicas[1])
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// pinTo sends every request to the named upstream of the stand-in proxy.
type pinTo string

func (p pinTo) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Test-Upstream", string(p))
	return http.DefaultTransport.RoundTrip(r)
}

// pinned sends one request through the proxy to the named upstream ("" for any), its body
// read, and checks that the named one answered.
func pinned(t *testing.T, c *http.Client, upstream, method, u, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if upstream != "" {
		req.Header.Set("X-Test-Upstream", upstream)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	if upstream != "" && res.Header.Get("X-Test-Upstream") != upstream {
		t.Fatalf("%s %s went to %q, not %s", method, u, res.Header.Get("X-Test-Upstream"), upstream)
	}
	return res
}

// composeRun is docker-compose.yml being brought up.
type composeRun struct {
	t        *testing.T
	f        composeFile
	img      image
	caddy    caddyProxy
	dsn      string              // the test database, standing in for the postgres service's
	procs    map[string]*service // the services built from the Dockerfile
	started  map[string]bool
	listen   map[string]string // "service:port" as the proxy names it → where it listens here
	proxy    *standInProxy
	proxyURL string
}

// kind tells what a service is: "postgres" (the official image), "credence" (built from the
// Dockerfile) or "caddy" (the official image, with the repository's Caddyfile).
func (c *composeRun) kind(name string) string {
	s := c.f.Services[name]
	switch {
	case s.Build != nil:
		return "credence"
	case strings.HasPrefix(s.Image, "postgres:"):
		return "postgres"
	case strings.HasPrefix(s.Image, "caddy:"):
		return "caddy"
	}
	c.t.Fatalf("docker-compose.yml: service %s (image %q) is none the test knows how to run", name, s.Image)
	return ""
}

// args is the command a credence service runs: the image's entrypoint and its command.
func (c *composeRun) args(name string) []string {
	return c.f.Services[name].Command
}

// env is a credence service's environment as its container has it (the image's, then the
// service's), with the database's and the listening addresses rewritten to this machine's.
// port is the port it listens on in its container.
func (c *composeRun) env(name string) (env map[string]string, port string) {
	t := c.t
	env = map[string]string{}
	for k, v := range c.img.env {
		env[k] = v
	}
	for k, v := range c.f.Services[name].Environment {
		env[k] = v
	}
	u, err := url.Parse(env["CREDENCE_DB"])
	if err != nil || u.Scheme != "postgres" {
		t.Fatalf("%s: CREDENCE_DB=%q is no postgres:// URL", name, env["CREDENCE_DB"])
	}
	db, ok := c.f.Services[u.Hostname()]
	if !ok || c.kind(u.Hostname()) != "postgres" || u.Port() != "5432" {
		t.Fatalf("%s: CREDENCE_DB names %s, which is no postgres service listening on 5432", name, u.Host)
	}
	pw, _ := u.User.Password()
	if u.User.Username() != db.Environment["POSTGRES_USER"] || pw != db.Environment["POSTGRES_PASSWORD"] || u.Path != "/"+db.Environment["POSTGRES_DB"] {
		t.Fatalf("%s: CREDENCE_DB's user, password or database is not the %s service's", name, u.Hostname())
	}
	env["CREDENCE_DB"] = c.dsn
	if addr, ok := env["CREDENCE_ADDR"]; ok {
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("%s: CREDENCE_ADDR=%q: %v", name, addr, err)
		}
		port = p
		env["CREDENCE_ADDR"] = "127.0.0.1:0"
	}
	return env, port
}

// checkLayout checks what running the processes cannot show, and returns the replicas: the
// services running `credence serve`.
func (c *composeRun) checkLayout() []string {
	t := c.t
	var replicas, migrators, published []string
	names := make([]string, 0, len(c.f.Services))
	for name := range c.f.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		s := c.f.Services[name]
		if len(s.Ports) > 0 {
			published = append(published, name)
		}
		if c.kind(name) != "credence" {
			continue
		}
		switch args := c.args(name); {
		case len(args) > 0 && args[0] == "serve":
			replicas = append(replicas, name)
		case len(args) > 0 && args[0] == "migrate":
			migrators = append(migrators, name)
		default:
			t.Fatalf("%s runs credence %q, neither serve nor migrate", name, args)
		}
	}
	if len(published) != 1 || c.kind(published[0]) != "caddy" || !slices.Equal(c.f.Services[published[0]].Ports, []string{"8080:8080"}) {
		t.Fatalf("services publishing ports: %v; want only the proxy, on 8080:8080", published)
	}
	proxy := c.f.Services[published[0]]
	if !slices.Contains(proxy.Volumes, "./Caddyfile:/etc/caddy/Caddyfile:ro") || c.caddy.listen != ":8080" {
		t.Fatalf("the proxy mounts %v and its Caddyfile site is %q: want the repository's Caddyfile at /etc/caddy/Caddyfile, serving :8080", proxy.Volumes, c.caddy.listen)
	}
	if len(replicas) < 2 || len(migrators) != 1 {
		t.Fatalf("replicas %v and migrate services %v: want at least two replicas and one migrate service", replicas, migrators)
	}
	for _, r := range replicas {
		if d := c.f.Services[r].DependsOn[migrators[0]]; d.Condition != "service_completed_successfully" {
			t.Errorf("%s does not wait for %s to finish (depends_on condition %q)", r, migrators[0], d.Condition)
		}
		env, port := c.env(r)
		for _, kv := range os.Environ() { // the service's settings only, as in its container
			if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CREDENCE_") && k != modeltest.EnvPostgres {
				t.Setenv(k, "")
			}
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		cfg, err := parseServe(c.args(r)[1:], io.Discard)
		if err != nil {
			t.Fatalf("%s: credence %q: %v", r, c.args(r), err)
		}
		if !cfg.noMigrate {
			t.Errorf("%s migrates on start: replicas must leave it to %s (--no-migrate)", r, migrators[0])
		}
		if !slices.Contains(c.caddy.upstreams, r+":"+port) {
			t.Errorf("%s (port %s) is not among the proxy's upstreams %v", r, port, c.caddy.upstreams)
		}
		if hc := strings.Join(c.f.Services[r].Healthcheck.Test, " "); !strings.Contains(hc, ":"+port+c.caddy.healthURI) {
			t.Errorf("%s's health check %q is not /healthz on its port %s", r, hc, port)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return replicas
}

// up starts every service once the conditions of its depends_on hold, several at once when
// they hold together, as `docker compose up` does, until all run.
func (c *composeRun) up() {
	t := c.t
	deadline := time.Now().Add(3 * time.Minute)
	for len(c.started) < len(c.f.Services) {
		var ready []string
		for name, s := range c.f.Services {
			if c.started[name] {
				continue
			}
			ok := true
			for dep, d := range s.DependsOn {
				ok = ok && c.holds(name, dep, d.Condition)
			}
			if ok {
				ready = append(ready, name)
			}
		}
		for _, name := range ready {
			c.start(name)
		}
		// Replicas started together run together: only now wait for them to listen.
		for _, name := range ready {
			if p, ok := c.procs[name]; ok && c.args(name)[0] == "serve" {
				p.waitListening(60 * time.Second)
				_, port := c.env(name)
				c.listen[name+":"+port] = strings.TrimPrefix(p.URL, "http://")
			}
		}
		if len(ready) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("docker-compose.yml did not come up in 3 minutes: started %v", c.started)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// holds tells whether service name's condition on dep holds now; a service that died, or a
// condition it can never meet, fails the test.
func (c *composeRun) holds(name, dep, condition string) bool {
	t := c.t
	s, ok := c.f.Services[dep]
	if !ok {
		t.Fatalf("%s depends on %s, which is no service", name, dep)
	}
	if !c.started[dep] {
		return false
	}
	p := c.procs[dep]
	if p != nil {
		select {
		case <-p.done:
			if p.cmd.ProcessState.ExitCode() != 0 || condition != "service_completed_successfully" {
				t.Fatalf("%s (credence %q) exited with %d, and %s waits for it:\n%s%s", dep, c.args(dep), p.cmd.ProcessState.ExitCode(), name, p.stdout, p.stderr)
			}
			return true
		default:
		}
		if p.URL == "" {
			select {
			case p.URL = <-p.addr:
			default:
			}
		}
	}
	switch condition {
	case "service_started", "":
		return true
	case "service_healthy":
		if len(s.Healthcheck.Test) == 0 {
			t.Fatalf("%s waits for %s to be healthy, which has no healthcheck", name, dep)
		}
		if p == nil {
			return true // the test's PostgreSQL answers
		}
		if p.URL == "" {
			return false
		}
		res, err := http.Get(p.URL + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	case "service_completed_successfully":
		return false // not exited yet
	}
	t.Fatalf("%s depends on %s with condition %q, which Compose does not know", name, dep, condition)
	return false
}

func (c *composeRun) start(name string) {
	t := c.t
	c.started[name] = true
	switch c.kind(name) {
	case "postgres":
		s := c.f.Services[name]
		if len(s.Volumes) == 0 || !strings.HasSuffix(s.Volumes[0], ":/var/lib/postgresql/data") {
			t.Fatalf("%s keeps its data in no volume: %v", name, s.Volumes)
		}
	case "credence":
		env, _ := c.env(name)
		cmd := exec.Command(credenceBinary(t), c.args(name)...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "CREDENCE_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		c.procs[name] = startProcess(t, cmd)
	case "caddy":
		proxy, err := newStandInProxy(c.caddy, c.listen)
		if err != nil {
			t.Fatal(err)
		}
		c.proxy = proxy
		ts := httptest.NewServer(proxy)
		t.Cleanup(func() { ts.Close(); proxy.close() })
		c.proxyURL = ts.URL
		waitFor(t, 30*time.Second, "the proxy's health checks to find every upstream healthy", func() bool {
			for _, n := range proxy.names {
				if !proxy.isHealthy(n) {
					return false
				}
			}
			return true
		})
	}
}
