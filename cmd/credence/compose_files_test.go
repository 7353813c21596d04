package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// What TestComposeClusterOnPostgreSQL (compose_test.go) reads of the deployment files at the
// repository's root, and the stand-in for the reverse proxy: no Docker runs in the tests, so
// the files are read as Docker Compose and Caddy read them, and their commands, environments
// and upstreams are run as processes on this machine.

// repoFile is a file at the repository's root.
func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// composeFile is the part of docker-compose.yml the test runs.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Ports       []string `yaml:"ports"`
	Volumes     []string `yaml:"volumes"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Networks any `yaml:"networks"`
}

// readCompose parses docker-compose.yml (anchors and merge keys as Compose reads them) and
// substitutes ${VAR}, ${VAR:-default} and ${VAR-default} from vars, as Compose does from the
// shell's environment.
func readCompose(t *testing.T, vars map[string]string) composeFile {
	t.Helper()
	ref := regexp.MustCompile(`\$\{([A-Z0-9_]+)(:?-([^}]*))?\}`)
	raw := ref.ReplaceAllStringFunc(string(repoFile(t, "docker-compose.yml")), func(m string) string {
		p := ref.FindStringSubmatch(m)
		v, set := vars[p[1]]
		switch {
		case p[2] == "", strings.HasPrefix(p[2], ":-") && v != "", strings.HasPrefix(p[2], "-") && set:
			return v
		}
		return p[3]
	})
	var f composeFile
	if err := yaml.Unmarshal([]byte(raw), &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	if len(f.Services) == 0 {
		t.Fatal("docker-compose.yml has no services")
	}
	return f
}

// image is what the Dockerfile's last stage gives every service built from it: the
// entrypoint and the environment.
type image struct {
	entrypoint []string
	env        map[string]string
}

func readDockerfile(t *testing.T) image {
	t.Helper()
	img := image{env: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(repoFile(t, "Dockerfile")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "FROM "):
			img = image{env: map[string]string{}} // a new stage
		case strings.HasPrefix(line, "ENV "):
			for _, kv := range strings.Fields(strings.TrimPrefix(line, "ENV ")) {
				k, v, _ := strings.Cut(kv, "=")
				img.env[k] = v
			}
		case strings.HasPrefix(line, "ENTRYPOINT "):
			if err := yaml.Unmarshal([]byte(strings.TrimPrefix(line, "ENTRYPOINT ")), &img.entrypoint); err != nil {
				t.Fatalf("Dockerfile ENTRYPOINT: %v", err)
			}
		}
	}
	if len(img.entrypoint) != 1 || img.entrypoint[0] != "credence" {
		t.Fatalf("the Dockerfile's ENTRYPOINT is %q, want [\"credence\"]", img.entrypoint)
	}
	return img
}

// caddyProxy is what the Caddyfile says of the reverse proxy.
type caddyProxy struct {
	listen         string   // the site address, ":8080"
	upstreams      []string // host:port, as the proxy's container resolves them
	healthURI      string
	healthInterval time.Duration
	tryDuration    time.Duration
}

// readCaddyfile reads the one site block's reverse_proxy directive and its health settings.
func readCaddyfile(t *testing.T) caddyProxy {
	t.Helper()
	var p caddyProxy
	depth, site, inProxy := 0, "", false
	sc := bufio.NewScanner(bytes.NewReader(repoFile(t, "Caddyfile")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case depth == 0 && f[len(f)-1] == "{" && len(f) == 2:
			site = f[0]
		case depth == 1 && site != "" && f[0] == "reverse_proxy":
			if p.listen != "" {
				t.Fatal("Caddyfile: more than one reverse_proxy")
			}
			p.listen = site
			for _, u := range f[1:] {
				if u != "{" {
					p.upstreams = append(p.upstreams, strings.TrimPrefix(u, "http://"))
				}
			}
			inProxy = f[len(f)-1] == "{"
		case depth == 2 && inProxy && len(f) == 2:
			var err error
			switch f[0] {
			case "health_uri":
				p.healthURI = f[1]
			case "health_interval":
				p.healthInterval, err = time.ParseDuration(f[1])
			case "lb_try_duration":
				p.tryDuration, err = time.ParseDuration(f[1])
			}
			if err != nil {
				t.Fatalf("Caddyfile %s: %v", line, err)
			}
		}
		if strings.HasSuffix(line, "{") {
			depth++
		}
		if line == "}" {
			depth--
			if depth == 1 {
				inProxy = false
			}
		}
	}
	if p.listen == "" || len(p.upstreams) == 0 {
		t.Fatal("Caddyfile: no site with a reverse_proxy to upstreams")
	}
	return p
}

// standInProxy does what Caddy does with the Caddyfile's settings: round robin across the
// upstreams that pass the active health check (health_uri answering 200, every
// health_interval, here at most every 200 ms so that the test waits less), and a request
// whose upstream cannot be reached tried on the next for up to lb_try_duration. Each answer
// names the upstream that gave it in X-Test-Upstream, and a request carrying that header is
// sent to the named upstream only, so that the test can say through which replica it goes.
type standInProxy struct {
	cfg     caddyProxy
	names   []string // the upstreams' services
	targets []*url.URL
	healthy []atomic.Bool
	next    atomic.Uint64
	stop    chan struct{}
	wg      sync.WaitGroup
	checks  atomic.Int64 // rounds of health checks done
}

func newStandInProxy(cfg caddyProxy, resolve map[string]string) (*standInProxy, error) {
	p := &standInProxy{cfg: cfg, stop: make(chan struct{}), healthy: make([]atomic.Bool, len(cfg.upstreams))}
	for _, u := range cfg.upstreams {
		addr, ok := resolve[u]
		if !ok {
			return nil, fmt.Errorf("the Caddyfile's upstream %s is no service of docker-compose.yml listening on that port (services listening: %v)", u, resolve)
		}
		host, _, _ := net.SplitHostPort(u)
		p.names = append(p.names, host) // the service's name
		p.targets = append(p.targets, &url.URL{Scheme: "http", Host: addr})
	}
	if cfg.healthURI == "" {
		return nil, fmt.Errorf("the Caddyfile's reverse_proxy has no health_uri: no active health checks")
	}
	interval := min(cfg.healthInterval, 200*time.Millisecond)
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	p.checkAll()
	p.wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				p.checkAll()
			}
		}
	})
	return p, nil
}

func (p *standInProxy) checkAll() {
	c := &http.Client{Timeout: 3 * time.Second}
	for i, u := range p.targets {
		res, err := c.Get(u.String() + p.cfg.healthURI)
		ok := err == nil && res.StatusCode == 200
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		p.healthy[i].Store(ok)
	}
	p.checks.Add(1)
}

func (p *standInProxy) isHealthy(name string) bool {
	for i, n := range p.names {
		if n == name {
			return p.healthy[i].Load()
		}
	}
	return false
}

func (p *standInProxy) close() {
	close(p.stop)
	p.wg.Wait()
}

// pick returns the next healthy upstream in turn, or the one pinned, or -1.
func (p *standInProxy) pick(pinned string, tried map[int]bool) int {
	for range p.targets {
		i := int(p.next.Add(1)-1) % len(p.targets)
		if (pinned == "" || p.names[i] == pinned) && p.healthy[i].Load() && !tried[i] {
			return i
		}
	}
	for i, n := range p.names { // the pinned one, even if not yet seen healthy
		if n == pinned && !tried[i] {
			return i
		}
	}
	return -1
}

func (p *standInProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pinned := r.Header.Get("X-Test-Upstream")
	r.Header.Del("X-Test-Upstream")
	deadline := time.Now().Add(p.cfg.tryDuration)
	tried := map[int]bool{}
	for {
		i := p.pick(pinned, tried)
		if i < 0 {
			if time.Now().Before(deadline) {
				clear(tried)
				time.Sleep(50 * time.Millisecond) // Caddy's lb_try_interval, shortened
				continue
			}
			http.Error(w, "no upstream available", http.StatusBadGateway)
			return
		}
		tried[i] = true
		unreachable := false
		rp := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(p.targets[i])
				pr.Out.Host = pr.In.Host
				pr.SetXForwarded()
			},
			ModifyResponse: func(res *http.Response) error {
				res.Header.Set("X-Test-Upstream", p.names[i])
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
				var op *net.OpError
				if errors.As(err, &op) && op.Op == "dial" {
					unreachable = true // nothing sent: another upstream may take it
					return
				}
				http.Error(w, err.Error(), http.StatusBadGateway)
			},
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
		if !unreachable {
			return
		}
		p.healthy[i].Store(false) // Caddy's passive check: fail_duration
	}
}
