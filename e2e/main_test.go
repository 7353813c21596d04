// Package e2e drives the real credence binary and its pages in headless Chromium, black-box:
// TestMain builds ./cmd/credence, starts `credence serve --demo` on a free port with a fresh
// SQLite file, and every test signs in through the page as a person would (CREDENCE_BIN runs a
// prebuilt binary instead). The tests need Debian's chromium (CHROMIUM overrides the path);
// without it they skip, except under CI=true.
package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const adminEmail = "admin@example.org"

// env is the one service and browser setup the tests share.
var env struct {
	base      string // http://127.0.0.1:port
	bin       string // the built binary
	db        string
	adminPass string
	chromium  string
	skip      string // why browser tests cannot run here
	server    *exec.Cmd
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env.chromium = os.Getenv("CHROMIUM")
	if env.chromium == "" {
		env.chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(env.chromium); err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "e2e: Chromium is required in CI and is missing at %s\n", env.chromium)
			return 1
		}
		env.skip = fmt.Sprintf("Chromium not found at %s (install Debian's chromium, or set CHROMIUM)", env.chromium)
		return m.Run()
	}

	dir, err := os.MkdirTemp("", "credence-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := startServer(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stopServer()
	code := m.Run()
	if len(undocumented.errs) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: %d answers of the API do not match the served OpenAPI document:\n", len(undocumented.errs))
		for _, err := range undocumented.errs {
			fmt.Fprintln(os.Stderr, err)
		}
		return 1
	}
	return code
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func startServer(dir string) error {
	// CREDENCE_BIN runs a binary built beforehand (CI builds once for several suites).
	env.bin = os.Getenv("CREDENCE_BIN")
	if env.bin == "" {
		env.bin = filepath.Join(dir, "credence")
		build := exec.Command("go", "build", "-o", env.bin, "./cmd/credence")
		build.Dir = repoRoot()
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building ./cmd/credence: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	env.base = fmt.Sprintf("http://127.0.0.1:%d", port)
	env.db = filepath.Join(dir, "e2e.db")
	env.adminPass = "e2e-admin-" + fmt.Sprint(time.Now().UnixNano())
	cmd := exec.Command(env.bin, "serve", "--addr", strings.TrimPrefix(env.base, "http://"), "--db", env.db, "--demo")
	cmd.Env = append(os.Environ(), "CREDENCE_ADMIN_EMAIL="+adminEmail, "CREDENCE_ADMIN_PASSWORD="+env.adminPass)
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	env.server = cmd
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(env.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	stopServer()
	log, _ := os.ReadFile(logFile.Name())
	return fmt.Errorf("the server did not become healthy at %s/healthz; its log:\n%s", env.base, log)
}

func stopServer() {
	if env.server == nil || env.server.Process == nil {
		return
	}
	_ = env.server.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = env.server.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = env.server.Process.Kill()
		<-done
	}
	env.server = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// needBrowser skips a test that cannot run here (outside CI only).
func needBrowser(t testing.TB) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}
