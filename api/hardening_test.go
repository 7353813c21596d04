package api

import (
	"bufio"
	"bytes"
	"context"

	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// hardEnv is a service for the hardening tests, which look inside the package (limits,
// cursors, the log) and so cannot use the api_test helpers.
type hardEnv struct {
	t        *testing.T
	srv      *Server
	store    *models.Store
	admin    *models.User
	adminTok string
}

func hardConfig() Config {
	cfg := DefaultConfig()
	cfg.BcryptCost = 4
	cfg.MaxBodyBytes = 1 << 20
	cfg.MaxImportBytes = 4 << 20
	return cfg
}

func newHardEnv(t *testing.T, cfg Config, log *slog.Logger) *hardEnv {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	store := modeltest.Open(t)
	srv := New(cfg, store, log, nil)
	e := &hardEnv{t: t, srv: srv, store: store}
	u, err := srv.App().Users.Add(context.Background(), 0, "admin@example.org", "Admin", "admin", "admin-password")
	if err != nil {
		t.Fatal(err)
	}
	e.admin = u
	e.adminTok = e.token(u.ID)
	return e
}

// token makes an API token for a user directly in the store.
func (e *hardEnv) token(userID int64) string {
	e.t.Helper()
	raw := tokenPrefix + randomToken(32)
	if err := e.store.CreateToken(context.Background(), &models.APIToken{UserID: userID, Name: "t", TokenHash: sha256Hex(raw), CreatedAt: time.Now().UTC()}); err != nil {
		e.t.Fatal(err)
	}
	return raw
}

// call sends a request in process as the admin.
func (e *hardEnv) call(method, target, contentType string, body []byte) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+e.adminTok)
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	return w
}

// mustCall sends a JSON request as admin and decodes the answer, failing on another status.
func (e *hardEnv) mustCall(method, target string, body any, status int, out any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	w := e.call(method, target, "application/json", b)
	if w.Code != status {
		e.t.Fatalf("%s %s: %d, want %d: %s", method, target, w.Code, status, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			e.t.Fatalf("%s %s: %v", method, target, err)
		}
	}
}

// heapWatch samples the heap while a request runs.
type heapWatch struct {
	base     runtime.MemStats
	peak     atomic.Uint64
	stop     chan struct{}
	finished sync.WaitGroup
}

func watchHeap() *heapWatch {
	runtime.GC()
	w := &heapWatch{stop: make(chan struct{})}
	runtime.ReadMemStats(&w.base)
	w.peak.Store(w.base.HeapInuse)
	w.finished.Add(1)
	go func() {
		defer w.finished.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > w.peak.Load() {
				w.peak.Store(ms.HeapInuse)
			}
		}
	}()
	return w
}

// done returns how much the heap in use grew at its peak, and how much was allocated in all.
func (w *heapWatch) done() (peakGrowth, allocated uint64) {
	close(w.stop)
	w.finished.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if p := w.peak.Load(); p > w.base.HeapInuse {
		peakGrowth = p - w.base.HeapInuse
	}
	return peakGrowth, ms.TotalAlloc - w.base.TotalAlloc
}

// endlessBody is a body that starts with prefix and repeats fill up to limit bytes, without
// allocating as it goes.
type endlessBody struct {
	prefix []byte
	fill   []byte
	limit  int64
	n      int64
}

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, io.EOF
	}
	if room := b.limit - b.n; int64(len(p)) > room {
		p = p[:room]
	}
	var k int
	if b.n < int64(len(b.prefix)) {
		k = copy(p, b.prefix[b.n:])
	}
	for k < len(p) {
		off := int((b.n + int64(k) - int64(len(b.prefix))) % int64(len(b.fill)))
		k += copy(p[k:], b.fill[off:])
	}
	b.n += int64(k)
	return k, nil
}

// TestOversizedBodiesGet413WithoutBuffering streams 200 MiB bodies without a Content-Length
// (chunked, as a never-ending upload is) at JSON routes and at the import, and checks that the
// service answers 413 within seconds having read little more than its limit, and that the
// heap does not grow with the body. A body that declares its size is refused before reading.
func TestOversizedBodiesGet413WithoutBuffering(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	const bodySize = 200 << 20
	cases := []struct {
		name, path, contentType string
		prefix, fill            string
	}{
		{"JSON string", "/api/v1/outlets", "application/json", `{"name":"`, "aaaaaaaaaaaaaaaa"},
		{"JSON array", "/api/v1/assignments", "application/json", `{"article_ids":[`, "1,2,3,4,5,6,7,8,"},
		{"JSON whitespace", "/api/v1/articles", "application/json", `{`, "                "},
		{"import: one endless line", "/api/v1/articles/import", "application/x-ndjson", `{"outlet":"x","title":"`, "tttttttttttttttt"},
		{"import: endless text", "/api/v1/articles/import?format=text", "text/plain", "Title\n\n", "words and words\n"},
		{"import: endless JSON array", "/api/v1/articles/import", "application/json", `[{"outlet":"x","text":"`, "ssssssssssssssss"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			heap := watchHeap()
			body := &endlessBody{prefix: []byte(tc.prefix), fill: []byte(tc.fill), limit: bodySize}
			start := time.Now()
			status, respBody, sent := postChunked(t, ts.Listener.Addr().String(), tc.path, tc.contentType, e.adminTok, body)
			took := time.Since(start)
			peak, allocated := heap.done()
			t.Logf("%d after %s, %d MiB sent; heap peak +%d MiB, %d MiB allocated", status, took.Round(time.Millisecond), sent>>20, peak>>20, allocated>>20)
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(respBody, `"too_large"`) {
				t.Fatalf("status %d, want 413 too_large: %.300s", status, respBody)
			}
			if took > 10*time.Second {
				t.Errorf("413 took %s", took)
			}
			if sent > bodySize/4 {
				t.Errorf("the client sent %d MiB before the answer: the service read far past its limit", sent>>20)
			}
			// The limits are 1 MiB (JSON) and 4 MiB (import); the body is 200 MiB.
			if peak > 48<<20 || allocated > 96<<20 {
				t.Errorf("heap grew by %d MiB at its peak and %d MiB were allocated for a 200 MiB body", peak>>20, allocated>>20)
			}
		})
	}

	t.Run("declared length", func(t *testing.T) {
		for _, path := range []string{"/api/v1/outlets", "/api/v1/articles/import"} {
			status, body := postDeclared(t, ts.Listener.Addr().String(), path, e.adminTok, 200<<20)
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"too_large"`) {
				t.Fatalf("%s with Content-Length 200 MiB: %d %.300s", path, status, body)
			}
		}
	})
}

// postDeclared sends a POST whose headers declare a body of length bytes (a lie the service
// must not wait for) and then holds every byte of that body back, on a raw connection, and
// reads the answer. A service that waited for the body, or read it to buffer it, never
// answers: the read then fails at its deadline. No body byte is ever sent, so the service
// closes a connection holding no unread data, and the answer cannot be lost to a reset
// however late this side reads it (with data unread, the closing side resets the connection,
// and a reset arriving before the client read the answer discards it: the race that made the
// net/http client's version of this test flaky on a loaded machine).
func postDeclared(t *testing.T, addr, path, token string, length int64) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, addr, token, length); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to POST %s while its declared %d-byte body was held back: %v", path, length, err)
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	return res.StatusCode, string(b)
}

// TestImportErrorsDoNotGrowWithTheBody sends imports made only of bad articles, up to the
// import limit: every line is an error, and the report must not hold one entry per line
// without bound, or an upload of tiny bad lines turns a 256 MiB limit into gigabytes of heap
// and a response of the same size. The limit here is 256 KiB (about 87,000 lines); the answer
// must be smaller than the upload and the heap may grow by a few MiB, not by hundreds of bytes
// per line (before the report was capped at MaxReportedLines, a 1 MiB upload of such lines
// grew the heap by 94 MiB and drew an answer listing all 350,000 errors).
func TestImportErrorsDoNotGrowWithTheBody(t *testing.T) {
	cfg := hardConfig()
	cfg.MaxImportBytes = 256 << 10
	e := newHardEnv(t, cfg, nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	for _, tc := range []struct{ name, contentType, prefix, fill string }{
		{"NDJSON lines", "application/x-ndjson", "", "{}\n"},
		{"JSON array items", "application/json", "[", "{},"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			heap := watchHeap()
			start := time.Now()
			status, body, _ := postChunked(t, ts.Listener.Addr().String(), "/api/v1/articles/import", tc.contentType, e.adminTok,
				&endlessBody{prefix: []byte(tc.prefix), fill: []byte(tc.fill), limit: 200 << 20})
			took := time.Since(start)
			peak, allocated := heap.done()
			t.Logf("%d after %s; heap peak +%d MiB, %d MiB allocated; answer %d+ bytes", status, took.Round(time.Millisecond), peak>>20, allocated>>20, len(body))
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413: %.300s", status, body)
			}
			// Capped, the peak measures 3–17 MiB (the process's whole heap, with the test's
			// own buffers); uncapped it was 94 MiB for 1 MiB of lines, 350 MiB here.
			if peak > 40<<20 {
				t.Errorf("the heap grew by %d MiB for an import of 256 KiB of bad lines: the report keeps every line's error", peak>>20)
			}
			if len(body) >= 256<<10 {
				t.Errorf("the 413 answer is as large as the upload: it lists every bad line")
			}
		})
	}
}

// postChunked sends a chunked POST over a plain connection, writing the body while it reads
// the answer, as a client that streams does. It returns the status, the answer's body and
// how many body bytes were written before the answer came.
func postChunked(t *testing.T, addr, path, contentType, token string, body io.Reader) (int, string, int64) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var sent atomic.Int64
	go func() {
		w := bufio.NewWriterSize(conn, 64<<10)
		fmt.Fprintf(w, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", path, addr, token, contentType)
		buf := make([]byte, 32<<10)
		for {
			n, err := body.Read(buf)
			if n > 0 {
				fmt.Fprintf(w, "%x\r\n", n)
				w.Write(buf[:n])
				if _, werr := w.WriteString("\r\n"); werr != nil {
					return // the service closed the connection
				}
				sent.Add(int64(n))
			}
			if err != nil {
				w.WriteString("0\r\n\r\n")
				w.Flush()
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer to POST %s: %v (after %d MiB)", path, err, sent.Load()>>20)
	}
	at := sent.Load()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	return res.StatusCode, string(b), at
}

// TestNoInputYields5xx throws malformed JSON, wrong types, huge and negative numbers, invalid
// UTF-8, deep nesting, bad ids and bad query strings at every route of Routes() as admin. No
// answer may be a 5xx (a panic is a 500 from the recoverer), and every error is an envelope.
func TestNoInputYields5xx(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	var o, o2 struct{ ID int64 }
	e.mustCall("POST", "/api/v1/outlets", map[string]any{"name": "Garbage Gazette", "domains": []string{"garbage.test"}}, 201, &o)
	e.mustCall("POST", "/api/v1/outlets", map[string]any{"name": "Other Outlet"}, 201, &o2)
	text := "Critics said the plan is “a disgrace” 🙂 and could somebody have planned it? The report stated facts."
	var a struct{ ID int64 }
	e.mustCall("POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Garbage", "text": text}, 201, &a)
	var ann, reg struct{ ID int64 }
	e.mustCall("POST", fmt.Sprintf("/api/v1/articles/%d/annotations", a.ID), map[string]any{"label": "opinion", "start": 0, "end": 7}, 201, &ann)
	e.mustCall("POST", fmt.Sprintf("/api/v1/articles/%d/regions", a.ID), map[string]any{"kind": "comments", "start": 10, "end": 20}, 201, &reg)
	rev, err := e.srv.App().Users.Add(context.Background(), e.admin.ID, "rev@example.org", "Rev", "reviewer", "reviewer-password")
	if err != nil {
		t.Fatal(err)
	}
	realIDs := map[string]string{"outlet": fmt.Sprint(o.ID), "article": fmt.Sprint(a.ID), "annotation": fmt.Sprint(ann.ID),
		"region": fmt.Sprint(reg.ID), "user": fmt.Sprint(rev.ID), "token": "1", "suggestion rule": "loaded_language"}

	badIDs := []string{"0", "-1", "abc", "99999999999999999999", "9223372036854775807", "1.5", "1e3", "%F0%9F%92%A9", "%00", "0x10", "+1", "%20" + "1"}
	bodies := []struct{ name, contentType, body string }{
		{"empty", "application/json", ""},
		{"no content type", "", `{"name":"x"}`},
		{"malformed", "application/json", `{"label": "opinion", "start": 1,`},
		{"trailing garbage", "application/json", `{"name":"x"} {"name":"y"}`},
		{"array", "application/json", `[1,2,3]`},
		{"string", "application/json", `"hello"`},
		{"null", "application/json", `null`},
		{"wrong types", "application/json", `{"id":"x","name":123,"email":[],"label":{},"start":"0","end":true,"outlet_id":"one","article_ids":"1,2","text":5,"into_id":"x","kind":[],"password":1,"role":7,"version":"v","reviewer_ids":{},"per_article":"2","enabled":"yes","disabled":"no","aliases":"a","domains":7,"source":"s","title":[],"url":{},"published_at":12,"origin_outlet_id":"o","status":1}`},
		{"huge numbers", "application/json", `{"start":1e400,"end":99999999999999999999999,"outlet_id":9223372036854775808,"into_id":-9223372036854775809,"version":1e308,"article_ids":[1e30],"per_article":1e10,"reviewer_ids":[-1],"origin_outlet_id":18446744073709551616}`},
		{"big but valid numbers", "application/json", `{"start":2147483647,"end":9223372036854775807,"outlet_id":9223372036854775807,"into_id":9223372036854775807,"version":9223372036854775807,"article_ids":[9223372036854775807],"per_article":2147483647,"reviewer_ids":[9223372036854775807],"label":"opinion","kind":"quote","name":"n","text":"t","title":"t"}`},
		{"negative numbers", "application/json", `{"outlet_id":-1,"into_id":-5,"article_ids":[-1,0],"reviewer_ids":[-3],"start":-10,"end":-1,"version":-1,"origin_outlet_id":-2,"per_article":-4,"label":"opinion","kind":"quote"}`},
		{"reversed span", "application/json", `{"label":"opinion","kind":"quote","start":50,"end":3,"version":1}`},
		{"invalid UTF-8", "application/json", "{\"name\":\"\xc3\x28\xff\xfe\",\"text\":\"\xed\xa0\x80\",\"title\":\"\xf4\x90\x80\x80\",\"label\":\"\xe2\x82\",\"email\":\"\xff@example.org\"}"},
		{"unicode garbage", "application/json", `{"name":"a\u0000b\u202e\ufeff","text":"\ud800\udfff\ud800","title":"\u0000","email":"a\u0000@example.org","label":"opinion\u0000","exact":"\ud83d","note":"\u202e","source":{"text":"\u0000","url":"javascript:alert(1)"},"url":"http://\u0000/","domains":["\u0000",".","xn--"],"aliases":[""]}`},
		{"deep nesting", "application/json", strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{"deep object", "application/json", `{"source":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + "}"},
		{"long strings", "application/json", `{"name":"` + strings.Repeat("é", 200000) + `","title":"` + strings.Repeat("x", 100000) + `","label":"` + strings.Repeat("o", 10000) + `","email":"` + strings.Repeat("a", 5000) + `@example.org"}`},
		{"many array items", "application/json", `{"article_ids":[` + strings.Repeat("1,", 50000) + `1],"reviewer_ids":[` + strings.Repeat("2,", 50000) + `2]}`},
		{"wrong content type", "text/plain", `{"name":"x"}`},
		{"broken content type", "application/json; charset=\"", `{"name":"x"}`},
		{"ndjson garbage", "application/x-ndjson", "{\"outlet\":1}\n\xff\xfe\n{}\n[1]\nnull\n{\"outlet\":\"Garbage Gazette\",\"text\":\"\\ud800\",\"title\":5}\n" + strings.Repeat("{", 5000) + "\n"},
		// Issue 16.4: PostgreSQL refused these with a 500 (a NUL in text, a btree key too large).
		{"sign-in with a 3 KB email", "application/json", `{"email":"` + strings.Repeat("a", 3000) + `@example.org","password":"wrong-password"}`},
		{"NUL in a sign-in email", "application/json", `{"email":"a\u0000@example.org","password":"wrong-password"}`},
		{"text with a NUL byte", "text/plain", "Title\n\nA text with a NUL \x00 byte in it, long enough to be an article."},
		{"ndjson with a NUL", "application/x-ndjson", `{"outlet":"Garbage Gazette","title":"t\u0000","text":"a text\u0000 with NUL"}` + "\n"},
		{"html", "text/html", "<html><head><title>\xff</title><script>alert(1)</script></head><body><p>" + strings.Repeat("<div>", 10000) + "</body>"},
	}
	queries := []string{
		"?limit=-1&cursor=%25zz&outlet_id=abc&user_id=-1&format=xml&entity=%00&actor_id=1e9",
		"?limit=99999999999999999999&cursor=YzE6LTE&outlet_id=-5&user_id=99999999999999999999",
		"?limit=0&format=csv&cursor=" + encodeCursor(1<<62),
		"?limit=1000&format=jsonld&cursor=" + strings.Repeat("A", 10000),
		"?format=html&dry_run=maybe&outlet=%ff%fe&url=javascript:alert(1)&title=%00&filename=../../etc/passwd",
		"?outlet_id=1&outlet_id=2&limit=1&limit=2&include=%C0%AF&since=notatime&until=-1&min_articles=-3&weights=%7B",
		"?" + strings.Repeat("a=1&", 2000),
		// Issue 16.4: each alone reached PostgreSQL and answered 500.
		"?q=a%00b", "?entity=%00", "?format=csv&entity=%00", "?entity=x%00y&actor_id=1", "?outlet=a%00&title=%00", "?%00=1",
		"?csv=bogus", "?csv=raw&format=csv", "?q=" + strings.Repeat("%C3%A9", 5000),
	}

	checked := 0
	check := func(method, path, contentType, body string) {
		t.Helper()
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		w := e.call(method, path, contentType, b)
		checked++
		if w.Code >= 500 {
			t.Errorf("%s %.200s (%s, %.60q): %d %.300s", method, path, contentType, body, w.Code, w.Body)
			return
		}
		if w.Code >= 400 {
			var env struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
				t.Errorf("%s %.200s: %d is not an error envelope: %.300s", method, path, w.Code, w.Body)
			}
		}
	}
	fill := func(r Route, id string) string {
		p := r.Path
		for _, param := range []string{":id", ":rule"} {
			p = strings.ReplaceAll(p, param, id)
		}
		return p
	}
	routes := e.srv.Routes()
	for _, r := range routes {
		if r.Method == "DELETE" {
			continue // after the others, so the fixtures live until then
		}
		real := realIDs[r.Resource]
		if real == "" {
			real = "1"
		}
		for _, id := range badIDs {
			check(r.Method, fill(r, id), "application/json", `{"name":"x","label":"opinion","start":0,"end":3}`)
		}
		for _, b := range bodies {
			check(r.Method, fill(r, real), b.contentType, b.body)
		}
		for _, q := range queries {
			check(r.Method, fill(r, real)+q, "application/json", `{}`)
		}
	}
	for _, r := range routes {
		if r.Method != "DELETE" {
			continue
		}
		for _, id := range badIDs {
			check(r.Method, fill(r, id), "", "")
		}
		check(r.Method, fill(r, realIDs[r.Resource])+queries[0], "application/json", `{"version":"x"}`)
	}
	// Paths outside the table and methods it does not allow.
	for _, p := range []string{"/api/v1/", "/api/v1/articles/1/nope", "/api/v2/articles", "/api/v1/articles/%ff", "/" + strings.Repeat("a/", 3000), "/healthz?x=%zz"} {
		check("GET", p, "", "")
		check("PUT", p, "application/json", "{")
	}
	t.Logf("%d requests over %d routes, none answered 5xx", checked, len(routes))
}

// TestSessionCookieSecure: the session cookie is Secure when the request came over TLS or
// through a proxy that says X-Forwarded-Proto: https, and not on plain HTTP (where a Secure
// cookie would never come back and sign-in would be impossible). It is always HttpOnly and
// SameSite.
func TestSessionCookieSecure(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	login := func(c *http.Client, url string, header http.Header) *http.Cookie {
		t.Helper()
		req, _ := http.NewRequest("POST", url+"/api/v1/auth/login", strings.NewReader(`{"email":"admin@example.org","password":"admin-password"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("sign in: %d", res.StatusCode)
		}
		for _, ck := range res.Cookies() {
			if ck.Name == sessionCookie {
				if !ck.HttpOnly || ck.SameSite == http.SameSiteNoneMode || ck.SameSite == http.SameSiteDefaultMode {
					t.Errorf("session cookie %v: want HttpOnly and SameSite", ck)
				}
				return ck
			}
		}
		t.Fatal("no session cookie")
		return nil
	}

	tlsSrv := httptest.NewTLSServer(e.srv.Handler())
	t.Cleanup(tlsSrv.Close)
	if ck := login(tlsSrv.Client(), tlsSrv.URL, nil); !ck.Secure {
		t.Errorf("over TLS the session cookie is not Secure: %v", ck)
	}

	plain := httptest.NewServer(e.srv.Handler())
	t.Cleanup(plain.Close)
	if ck := login(http.DefaultClient, plain.URL, http.Header{"X-Forwarded-Proto": {"https"}}); !ck.Secure {
		t.Errorf("behind a TLS proxy (X-Forwarded-Proto: https) the session cookie is not Secure: %v", ck)
	}
	if ck := login(http.DefaultClient, plain.URL, nil); ck.Secure {
		t.Errorf("over plain HTTP the session cookie is Secure, so a browser would never send it back: %v", ck)
	}
}

// TestSignInLimitIgnoresForgedForwardedFor: the per-address sign-in limit counts the address
// the connection comes from. A client that sends a different X-Forwarded-For with each guess
// must not escape it, which it does while gin trusts that header from any peer (its default):
// the service must trust forwarding headers only from proxies it is configured to trust.
func TestSignInLimitIgnoresForgedForwardedFor(t *testing.T) {
	cfg := hardConfig()
	cfg.LoginMaxPerIP = 3
	cfg.LoginMaxFailures = 1000 // each guess names another account: only the address limit applies
	e := newHardEnv(t, cfg, nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	var statuses []int
	for i := 0; i < 6; i++ {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"email":"guess%d@example.org","password":"wrong-password"}`, i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
		req.Header.Set("X-Real-IP", fmt.Sprintf("198.51.100.%d", i+1))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		statuses = append(statuses, res.StatusCode)
	}
	if statuses[3] != http.StatusTooManyRequests || statuses[5] != http.StatusTooManyRequests {
		t.Fatalf("failed sign-ins from one connection address with forged X-Forwarded-For: %v, want 429 from the 4th on", statuses)
	}
}

// browserAt is a cookie-carrying client signed in to a service: what a browser holds.
type browserAt struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func signInAt(t *testing.T, base, email, password string) (*browserAt, int) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browserAt{t: t, base: base, http: &http.Client{Jar: jar}}
	status, body := b.do("POST", "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password))
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	_ = json.Unmarshal([]byte(body), &out)
	b.csrf = out.CSRFToken
	return b, status
}

func (b *browserAt) do(method, path, body string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.csrf != "" {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if err := servedInternal.CheckResponse(res, out); err != nil {
		b.t.Error(err)
	}
	return res.StatusCode, string(out)
}

// TestPasswordChangeEndsSessions: when an admin sets a new password for an account, every
// session of that account ends at once (a thief signed in with the old password is out), the
// old password no longer signs in and the new one does; other accounts' sessions live on.
func TestPasswordChangeEndsSessions(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	rev, err := e.srv.App().Users.Add(context.Background(), e.admin.ID, "rev@example.org", "Rev", "reviewer", "old-password")
	if err != nil {
		t.Fatal(err)
	}
	laptop, s1 := signInAt(t, ts.URL, "rev@example.org", "old-password")
	thief, s2 := signInAt(t, ts.URL, "rev@example.org", "old-password")
	adminBrowser, s3 := signInAt(t, ts.URL, "admin@example.org", "admin-password")
	if s1 != 200 || s2 != 200 || s3 != 200 {
		t.Fatalf("sign in: %d %d %d", s1, s2, s3)
	}
	for _, b := range []*browserAt{laptop, thief} {
		if st, body := b.do("GET", "/api/v1/me", ""); st != 200 {
			t.Fatalf("before the change: /me %d %s", st, body)
		}
	}
	if st, body := adminBrowser.do("PATCH", fmt.Sprintf("/api/v1/users/%d", rev.ID), `{"password":"new-password"}`); st != 200 {
		t.Fatalf("change the password: %d %s", st, body)
	}
	for name, b := range map[string]*browserAt{"laptop": laptop, "thief": thief} {
		if st, _ := b.do("GET", "/api/v1/me", ""); st != http.StatusUnauthorized {
			t.Errorf("the %s's session still works after the password change: /me %d", name, st)
		}
		if st, _ := b.do("POST", fmt.Sprintf("/api/v1/articles/%d/complete", 1), ""); st != http.StatusUnauthorized {
			t.Errorf("the %s's session can still change state: %d", name, st)
		}
	}
	if st, _ := adminBrowser.do("GET", "/api/v1/me", ""); st != 200 {
		t.Errorf("the admin's own session ended with another account's password change: %d", st)
	}
	if _, st := signInAt(t, ts.URL, "rev@example.org", "old-password"); st != http.StatusUnauthorized {
		t.Errorf("the old password still signs in: %d", st)
	}
	if _, st := signInAt(t, ts.URL, "rev@example.org", "new-password"); st != 200 {
		t.Errorf("the new password does not sign in: %d", st)
	}

	// A user who changes their own password (an admin, the only role that may PATCH users)
	// loses their other sessions too.
	other, _ := signInAt(t, ts.URL, "admin@example.org", "admin-password")
	if st, body := adminBrowser.do("PATCH", fmt.Sprintf("/api/v1/users/%d", e.admin.ID), `{"password":"admin-password-2"}`); st != 200 {
		t.Fatalf("change own password: %d %s", st, body)
	}
	if st, _ := other.do("GET", "/api/v1/me", ""); st != http.StatusUnauthorized {
		t.Errorf("another session of the admin survived the admin's password change: %d", st)
	}
}

// TestNoSecretsInLogs captures everything the service logs (its own logger and slog's
// default, which the error mapping uses) through a failed and a successful sign-in, a token's
// creation, requests with the token and with a forged one, and sign-out, and checks that no
// password, raw token, session cookie or CSRF token appears in it.
func TestNoSecretsInLogs(t *testing.T) {
	var logs syncLog
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prev := slog.Default()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(prev) })
	e := newHardEnv(t, hardConfig(), logger)
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)

	const wrongPassword = "wrong-password-0451"
	if _, st := signInAt(t, ts.URL, "admin@example.org", wrongPassword); st != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", st)
	}
	b, st := signInAt(t, ts.URL, "admin@example.org", "admin-password")
	if st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	u, _ := url.Parse(ts.URL)
	var session string
	for _, ck := range b.http.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			session = ck.Value
		}
	}
	st, body := b.do("POST", "/api/v1/tokens", `{"name":"script"}`)
	var tok struct{ Token string }
	if err := json.Unmarshal([]byte(body), &tok); st != 201 || err != nil || tok.Token == "" || session == "" {
		t.Fatalf("token: %d %s (session cookie %q)", st, body, session)
	}
	forged := tokenPrefix + "forged0forged0forged0forged0forged0forged0f"
	for _, bearer := range []string{tok.Token, forged} {
		for _, path := range []string{"/api/v1/me", "/api/v1/outlets?cursor=%25zz", "/api/v1/nope"} {
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+bearer)
			req.Header.Set("X-Request-Id", "log-test")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
	}
	// A new password sent to the users route, and a sign-out.
	if st, body := b.do("POST", "/api/v1/users", `{"email":"new@example.org","name":"New","role":"reviewer","password":"brand-new-secret"}`); st != 201 {
		t.Fatalf("create user: %d %s", st, body)
	}
	if st, _ := b.do("POST", "/api/v1/auth/logout", ""); st != 204 {
		t.Fatalf("sign out: %d", st)
	}

	out := logs.String()
	if !strings.Contains(out, "request_id=log-test") || strings.Count(out, "msg=request") < 8 {
		t.Fatalf("the log did not capture the requests:\n%s", out)
	}
	for name, secret := range map[string]string{
		"the password": "admin-password", "the wrong password": wrongPassword, "a new user's password": "brand-new-secret",
		"the API token": tok.Token, "the token's random part": strings.TrimPrefix(tok.Token, tokenPrefix),
		"a forged token": forged, "the session cookie": session, "the CSRF token": b.csrf,
	} {
		if strings.Contains(out, secret) {
			t.Errorf("%s appears in the log", name)
		}
	}
}

// syncLog is a log sink that handlers on several goroutines write at once.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
