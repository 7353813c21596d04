package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url, accept string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

// TestFaviconIsServed: /favicon.ico answers a real icon (an ICO holding a PNG), not a 404.
func TestFaviconIsServed(t *testing.T) {
	e := newEnv(t)
	status, ctype, body := get(t, e.ts.URL+"/favicon.ico", "image/avif,image/webp,*/*")
	if status != 200 || ctype != "image/x-icon" {
		t.Fatalf("/favicon.ico answered %d %s", status, ctype)
	}
	if !bytes.HasPrefix(body, []byte{0, 0, 1, 0}) || !bytes.Contains(body, []byte("\x89PNG")) {
		t.Fatalf("/favicon.ico is not an icon: % x…", body[:min(len(body), 16)])
	}
}

// TestNotFoundPageForBrowsers: an unknown page asked for by a browser (Accept: text/html) gets
// an HTML page with a way on; API paths, and clients that do not ask for HTML, keep the error
// envelope.
func TestNotFoundPageForBrowsers(t *testing.T) {
	e := newEnv(t)
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	status, ctype, body := get(t, e.ts.URL+"/no/such/page", browser)
	if status != 404 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(string(body), "Page not found") || !strings.Contains(string(body), `href="/"`) {
		t.Fatalf("a browser's unknown page answered %d %s: %.200s", status, ctype, body)
	}
	for _, c := range []struct{ path, accept string }{
		{"/api/v1/no-such-route", browser},
		{"/no/such/page", "application/json"},
		{"/no/such/page", ""},
	} {
		status, ctype, body := get(t, e.ts.URL+c.path, c.accept)
		var env struct {
			Error struct{ Code string } `json:"error"`
		}
		if status != 404 || !strings.HasPrefix(ctype, "application/json") || json.Unmarshal(body, &env) != nil || env.Error.Code != "not_found" {
			t.Fatalf("GET %s (Accept %q) answered %d %s: %s, want the not_found envelope", c.path, c.accept, status, ctype, body)
		}
	}
}
