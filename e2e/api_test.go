package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/credence-project/credence/api/openapitest"
)

// client talks to the service's API as one signed-in user, with its session cookie and CSRF token.
type client struct {
	http *http.Client
	csrf string
	user user
}

type user struct {
	ID    json.Number `json:"id"`
	Email string      `json:"email"`
	Name  string      `json:"name"`
	Role  string      `json:"role"`
}

type article struct {
	ID         json.Number `json:"id"`
	Title      string      `json:"title"`
	Text       string      `json:"text"`
	OutletName string      `json:"outlet_name"`
}

type annotation struct {
	ID      json.Number `json:"id"`
	UserID  json.Number `json:"user_id"`
	Label   string      `json:"label"`
	Start   int         `json:"start"`
	End     int         `json:"end"`
	Exact   string      `json:"exact"`
	Note    string      `json:"note"`
	Status  string      `json:"status"`
	Version int         `json:"version"`
	Source  *source     `json:"source"`
}

type source struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

type region struct {
	ID             json.Number `json:"id"`
	Kind           string      `json:"kind"`
	Start          int         `json:"start"`
	End            int         `json:"end"`
	OriginOutletID json.Number `json:"origin_outlet_id"`
	Status         string      `json:"status"`
	Origin         string      `json:"origin"`
}

type outlet struct {
	ID      json.Number `json:"id"`
	Name    string      `json:"name"`
	Aliases []string    `json:"aliases"`
}

type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

func signIn(t testing.TB, email, password string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	var out struct {
		User user   `json:"user"`
		CSRF string `json:"csrf_token"`
	}
	if err := c.do(context.Background(), "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &out); err != nil {
		t.Fatalf("signing in %s: %v", email, err)
	}
	c.csrf, c.user = out.CSRF, out.User
	return c
}

func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, env.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if err := served.CheckResponse(res, b); err != nil {
		undocumented.add(err)
		return err
	}
	if res.StatusCode >= 300 {
		return &apiError{res.StatusCode, string(b)}
	}
	if out != nil && len(b) > 0 {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		return dec.Decode(out)
	}
	return nil
}

// served checks every answer of the API client against the OpenAPI document the service
// serves; undocumented keeps the answers it does not describe, so that the run fails even
// where a test expected an error and took the mismatch for it.
var (
	served       openapitest.Served
	undocumented mismatches
)

type mismatches struct {
	sync.Mutex
	errs []error
}

func (m *mismatches) add(err error) {
	m.Lock()
	defer m.Unlock()
	m.errs = append(m.errs, err)
}

func (c *client) must(t testing.TB, method, path string, body, out any) {
	t.Helper()
	if err := c.do(context.Background(), method, path, body, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

func (c *client) annotations(t testing.TB, articleID json.Number) []annotation {
	t.Helper()
	var out struct {
		Items []annotation `json:"items"`
	}
	c.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/annotations?limit=1000", articleID), nil, &out)
	return out.Items
}

func (c *client) regions(t testing.TB, articleID json.Number) []region {
	t.Helper()
	var out struct {
		Items []region `json:"items"`
	}
	c.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/regions?limit=1000", articleID), nil, &out)
	return out.Items
}

func (c *client) article(t testing.TB, id json.Number) article {
	t.Helper()
	var a article
	c.must(t, "GET", "/api/v1/articles/"+id.String(), nil, &a)
	return a
}

var admin struct {
	once atomic.Pointer[client]
}

func adminClient(t testing.TB) *client {
	t.Helper()
	if c := admin.once.Load(); c != nil {
		return c
	}
	c := signIn(t, adminEmail, env.adminPass)
	admin.once.Store(c)
	return c
}

var userSeq atomic.Int64

// newReviewer creates a reviewer account through the admin API and returns its credentials.
func newReviewer(t testing.TB, name string) (email, password string) {
	t.Helper()
	n := userSeq.Add(1)
	email = fmt.Sprintf("%s-%d-%d@example.org", strings.ToLower(strings.ReplaceAll(name, " ", "-")), n, time.Now().UnixNano())
	password = "pw-" + fmt.Sprint(time.Now().UnixNano())
	adminClient(t).must(t, "POST", "/api/v1/users", map[string]string{"email": email, "name": name, "role": "reviewer", "password": password}, nil)
	return email, password
}

// emojiArticle finds the demo article whose text has an emoji before later passages.
func emojiArticle(t testing.TB) article {
	t.Helper()
	c := adminClient(t)
	var list struct {
		Items []article `json:"items"`
	}
	c.must(t, "GET", "/api/v1/articles?limit=1000", nil, &list)
	for _, a := range list.Items {
		full := c.article(t, a.ID)
		if strings.Contains(full.Text, "🙄") {
			return full
		}
	}
	t.Fatalf("no demo article contains 🙄 (of %d articles); `serve --demo` should load seed 001", len(list.Items))
	return article{}
}

// Offsets, computed here independently of the page's offsets.js.

func cpSlice(s string, start, end int) string {
	r := []rune(s)
	return string(r[start:end])
}

// cpIndex returns the code point offset of the first occurrence of sub at or after the code
// point offset from, or -1.
func cpIndex(s, sub string, from int) int {
	r := []rune(s)
	tail := string(r[from:])
	i := strings.Index(tail, sub)
	if i < 0 {
		return -1
	}
	return from + len([]rune(tail[:i]))
}

// utf16Offset converts a code point offset into the UTF-16 offset the DOM uses.
func utf16Offset(s string, cp int) int {
	return len(utf16.Encode([]rune(s)[:cp]))
}
