package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/credence-project/credence/api/openapitest"
	"github.com/credence-project/credence/models"
)

// The tests of this file's siblings run the real binary as a separate process, because what
// they check (SIGKILL, SIGTERM, a backup while another process writes) happens between
// processes. The binary is built once, on first use, into a directory removed after the run.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// credenceBinary builds ./cmd/credence (this package) once per test run.
func credenceBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "credence-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "credence")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

const testAdminPassword = "admin-password-for-tests"

// service is one running "credence serve" process.
type service struct {
	t      *testing.T
	cmd    *exec.Cmd
	URL    string
	db     string
	stdout *syncBuffer
	stderr *syncBuffer
	addr   chan string // where it listens, once it says so
	done   chan struct{}
	err    error // the process's exit, once done is closed
}

// syncBuffer is a buffer the process writes and the test reads at the same time.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed, and replaced, by each write (waitFor)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written != nil {
		close(s.written)
		s.written = nil
	}
	return s.b.Write(p)
}

// waitFor returns the buffer once it holds substr, waking at each write, or what it holds
// after timeout without it.
func (s *syncBuffer) waitFor(substr string, timeout time.Duration) (string, bool) {
	expired := time.After(timeout)
	for {
		s.mu.Lock()
		out := s.b.String()
		if strings.Contains(out, substr) {
			s.mu.Unlock()
			return out, true
		}
		if s.written == nil {
			s.written = make(chan struct{})
		}
		written := s.written
		s.mu.Unlock()
		select {
		case <-written:
		case <-expired:
			return s.String(), false
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var runningAt = regexp.MustCompile(`credence is running at (http://[^/\s]+)/`)

// startService runs "credence serve" on the SQLite file db, on a port of its own choosing,
// and waits until it answers. The process is killed when the test ends if still running.
func startService(t *testing.T, db string, extraEnv ...string) *service {
	t.Helper()
	cmd := exec.Command(credenceBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(),
		"CREDENCE_ADMIN_PASSWORD="+testAdminPassword,
		"CREDENCE_ADMIN_EMAIL=admin@example.org",
		"CREDENCE_BCRYPT_COST=4",
		"CREDENCE_DEMO=", "CREDENCE_DB=", "CREDENCE_ADDR=", "CREDENCE_NO_MIGRATE=",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	s := startProcess(t, cmd)
	s.db = db
	s.waitListening(60 * time.Second)
	return s
}

// startProcess starts cmd (the credence binary), capturing its output: the address it
// listens on, once it says so, and its standard error. The process is killed when the test
// ends if still running.
func startProcess(t *testing.T, cmd *exec.Cmd) *service {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &service{t: t, cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{}), addr: make(chan string, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.stdout.Write([]byte(sc.Text() + "\n"))
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
				s.addr <- m[1]
			}
		}
	}()
	go func() {
		<-scanned // Wait closes the pipe: read it to the end first
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// waitListening waits until the process says where it listens, and sets URL.
func (s *service) waitListening(timeout time.Duration) {
	s.t.Helper()
	select {
	case s.URL = <-s.addr:
	case <-s.done:
		s.t.Fatalf("%s exited before listening: %v\n%s", s.cmd.Args, s.err, s.stderr)
	case <-time.After(timeout):
		s.t.Fatalf("%s did not start in %s\n%s", s.cmd.Args, timeout, s.stderr)
	}
}

// signal sends sig to the process.
func (s *service) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (s *service) wait(timeout time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(timeout):
		s.t.Fatalf("credence serve did not exit within %s\n%s", timeout, s.stderr)
	}
	return s.cmd.ProcessState.ExitCode()
}

// stop ends the process with SIGTERM and checks that it exits cleanly.
func (s *service) stop() {
	s.t.Helper()
	s.signal(syscall.SIGTERM)
	if code := s.wait(30 * time.Second); code != 0 {
		s.t.Fatalf("credence serve exited with %d after SIGTERM\n%s", code, s.stderr)
	}
}

// apiClient calls a service with a bearer token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

// reply is a finished request.
type reply struct {
	Status int
	Body   []byte
	// Undocumented says how the served OpenAPI document fails to describe the answer (nil
	// when it does); must fails the test on it.
	Undocumented error
}

// served checks the answers of apiClient against the OpenAPI document the service serves.
var served openapitest.Served

func (c *apiClient) do(ctx context.Context, method, path string, body any) (reply, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{Status: res.StatusCode, Body: b, Undocumented: served.CheckResponse(res, b)}, nil
}

// must sends a request and fails the test unless it gets status; out receives the JSON.
func (c *apiClient) must(t *testing.T, method, path string, body any, status int, out any) {
	t.Helper()
	r, err := c.do(context.Background(), method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.Undocumented != nil {
		t.Error(r.Undocumented)
	}
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, r.Body, err)
		}
	}
}

// signIn signs in through the API as a browser would and makes an API token, returning a
// client that uses it.
func signIn(t *testing.T, base, email, password string) *apiClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := hc.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		CSRFToken string `json:"csrf_token"`
	}
	err = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("sign in as %s: status %d, %v", email, res.StatusCode, err)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"test"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", login.CSRFToken)
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != 201 || err != nil || tok.Token == "" {
		t.Fatalf("create a token as %s: status %d, %v", email, res.StatusCode, err)
	}
	return &apiClient{base: base, token: tok.Token, http: &http.Client{Timeout: 30 * time.Second}}
}

// fixture is a running service with a reviewer and articles to annotate.
type fixture struct {
	admin    *apiClient
	reviewer *apiClient
	articles []int64
	texts    map[int64]string
}

// articleText is long enough to hold many distinct spans.
func articleText(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Article %d. ", i)
	for j := 0; b.Len() < 2000; j++ {
		fmt.Fprintf(&b, "The council said on day %d that “the budget is balanced”, and critics called it a disgrace. ", j)
	}
	return b.String()
}

// newFixture signs in as the first admin, creates a reviewer, an outlet and n articles.
func newFixture(t *testing.T, base string, n int) *fixture {
	t.Helper()
	f := &fixture{admin: signIn(t, base, "admin@example.org", testAdminPassword), texts: map[int64]string{}}
	f.admin.must(t, "POST", "/api/v1/users", map[string]any{"email": "rev@example.org", "name": "Rev", "role": "reviewer", "password": "reviewer-password"}, 201, nil)
	f.reviewer = signIn(t, base, "rev@example.org", "reviewer-password")
	var o struct{ ID int64 }
	f.admin.must(t, "POST", "/api/v1/outlets", map[string]any{"name": "Daily Test", "domains": []string{"daily.test"}}, 201, &o)
	for i := 0; i < n; i++ {
		var a struct{ ID int64 }
		text := articleText(i)
		f.admin.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": fmt.Sprintf("Article %d", i), "url": fmt.Sprintf("https://daily.test/%d", i), "text": text}, 201, &a)
		f.articles = append(f.articles, a.ID)
		f.texts[a.ID] = text
	}
	return f
}

// annotationBody is the k-th annotation a writer sends: distinct spans, labels and notes.
func annotationBody(k int, textLen int) map[string]any {
	labels := []string{"sourced_fact", "speculation", "opinion", "loaded_language"}
	start := (k * 7) % (textLen - 40)
	return map[string]any{"label": labels[k%4], "start": start, "end": start + 5 + k%30, "note": fmt.Sprintf("note %d ✓", k)}
}

// integrityCheck opens an SQLite file with the store and runs PRAGMA integrity_check.
func integrityCheck(t *testing.T, path string) {
	t.Helper()
	store, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db, err := store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if len(got) != 1 || got[0] != "ok" {
		t.Fatalf("PRAGMA integrity_check on %s: %q", path, got)
	}
}

// rowsByID reads every row of table keyed by id, each as column → value.
func rowsByID(t *testing.T, store *models.Store, table string) map[int64]map[string]any {
	t.Helper()
	db, err := store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]any{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			row[c] = vals[i]
		}
		id, ok := row["id"].(int64)
		if !ok {
			t.Fatalf("%s: id is %T", table, row["id"])
		}
		out[id] = row
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
