package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// Seeds beside these live in testdata/fuzz/<target>; "go test" runs them all as tests, and
// ".ci/fuzz" explores from them for a bounded time.

// FuzzDecodeCursor: any string either is refused or decodes to an id that encodes back to a
// cursor with the same id, and nothing panics. (FuzzQuery checks the 400 a refused one gets.)
func FuzzDecodeCursor(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	for _, s := range []string{"", encodeCursor(0), encodeCursor(42), encodeCursor(1 << 62), "YzE6LTE", "YzE6", "YzE6MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", "%%%", "c1:5", "YzE6IDE", "YzE6KzE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := decodeCursor(s)
		if err != nil {
			return
		}
		if id < 0 {
			t.Fatalf("decodeCursor(%q) = %d, a negative id", s, id)
		}
		back, err := decodeCursor(encodeCursor(id))
		if err != nil || back != id {
			t.Fatalf("decodeCursor(%q) = %d, but its re-encoding decodes to %d, %v", s, id, back, err)
		}
	})
}

// queryContext is a gin context for a GET with the raw query string q.
func queryContext(q string) (*gin.Context, *httptest.ResponseRecorder) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = &http.Request{Method: "GET", URL: &url.URL{Path: "/api/v1/articles", RawQuery: q}, Header: http.Header{}}
	return c, w
}

// FuzzQuery: page() and queryID() over any query string either accept values inside their
// documented bounds or answer 400 with the error envelope; they never panic.
func FuzzQuery(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	for _, q := range []string{"", "limit=10", "limit=0", "limit=1000", "limit=1001", "limit=-1", "limit=99999999999999999999",
		"cursor=" + encodeCursor(7), "cursor=%zz", "limit=5&cursor=YzE6MTA", "outlet_id=3", "outlet_id=-3", "outlet_id=abc",
		"outlet_id=9223372036854775808", "limit=1e3", "limit=+5", "limit=%205", "user_id=1&user_id=2", ";limit=2", "limit=5;cursor=x"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		c, w := queryContext(q)
		p, err := page(c)
		if answered(c, err) {
			if p.Limit < 1 || p.Limit > maxLimit || p.After < 0 {
				t.Fatalf("page(%q) = %+v: outside the bounds", q, p)
			}
		} else {
			checkEnvelope(t, w, "page", q)
		}
		c, w = queryContext(q)
		id, err := queryID(c, "outlet_id")
		if answered(c, err) {
			if id < 0 || (id == 0 && c.Query("outlet_id") != "") {
				t.Fatalf("queryID(%q) = %d", q, id)
			}
		} else {
			checkEnvelope(t, w, "queryID", q)
		}
	})
}

// answered writes err as a handler's error is written (handle) and tells whether there was none.
func answered(c *gin.Context, err error) bool {
	if err != nil {
		fail(c, err)
	}
	return err == nil
}

func checkEnvelope(t *testing.T, w *httptest.ResponseRecorder, what, input string) {
	t.Helper()
	if w.Code != http.StatusBadRequest {
		t.Fatalf("%s(%q) refused with %d, want 400", what, input, w.Code)
	}
	var env struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Error.Code == "" || env.Error.Message == "" || env.Error.Field == "" {
		t.Fatalf("%s(%q): %s is not an error envelope naming the field", what, input, w.Body)
	}
}

// FuzzBind: bind() over any body and content type either decodes exactly one JSON value that
// encoding/json also accepts, or answers 400, 413 or 415 (422 for a NUL character) with the
// error envelope; never a panic, never another status. The destinations are real request types of the API.
func FuzzBind(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	for _, s := range []struct{ ct, body string }{
		{"application/json", `{"label":"opinion","start":0,"end":5,"exact":"hello","note":"n","source":{"text":"t","url":"https://x"}}`},
		{"application/json", `{"email":"a@example.org","name":"A","role":"reviewer","password":"12345678","disabled":false}`},
		{"application/json", `{"start":"0"}`},
		{"application/json", `{"start":1e400}`},
		{"application/json", `{"start":9223372036854775808}`},
		{"application/json", `[]`},
		{"application/json", `{} {}`},
		{"application/json", `{"label":"\ud800"}`},
		{"application/json", "{\"note\":\"\xff\"}"},
		{"application/json", ``},
		{"application/json", `{"source":"x"}`},
		{"application/json; charset=utf-8", `{}`},
		{"application/merge-patch+json", `{"version":1}`},
		{"text/plain", `{}`},
		{"", `{"label":null}`},
		{"application/json; charset=\"", `{}`},
		{"application/json", strings.Repeat("[", 2000)},
		{"application/json", `{"start":1,"start":"x"}`},
	} {
		f.Add(s.ct, []byte(s.body))
	}
	const limit = 4 << 10
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		for _, dst := range []func() any{
			func() any { return &annotationRequest{} },
			func() any { return &userRequest{} },
			func() any { return &loginRequest{} },
			func() any { return &map[string]any{} },
		} {
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			req := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			req.Body = http.MaxBytesReader(w, req.Body, limit)
			c.Request = req
			v := dst()
			if answered(c, bind(c, v)) {
				if w.Code != http.StatusOK || c.IsAborted() {
					t.Fatalf("bind accepted %q but wrote %d", body, w.Code)
				}
				if len(body) > limit {
					t.Fatalf("bind accepted a body of %d bytes over the %d-byte limit", len(body), limit)
				}
				if err := json.Unmarshal(bytes.TrimSpace(body), dst()); err != nil {
					t.Fatalf("bind accepted %q (%T), encoding/json refuses it: %v", body, v, err)
				}
				continue
			}
			switch w.Code {
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			case http.StatusUnprocessableEntity:
				// Only for a NUL character, which PostgreSQL cannot store in text.
				if !bytes.Contains(body, []byte{0}) && !bytes.Contains(body, []byte(`\u0000`)) {
					t.Fatalf("bind(%q, %q) answered 422 without a NUL in the body", contentType, body)
				}
			default:
				t.Fatalf("bind(%q, %q) answered %d", contentType, body, w.Code)
			}
			var env struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
				t.Fatalf("bind(%q, %q): %s is not an error envelope", contentType, body, w.Body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("bind(%q, %q): the error is not valid JSON: %q", contentType, body, w.Body)
			}
		}
	})
}

// FuzzDecodeError: whatever error the JSON decoder gives for a body, decodeError maps it to
// a client error (400 or 413) with a code and a message, never to a 5xx.
func FuzzDecodeError(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	for _, s := range []string{`{`, `{"start":"x"}`, `{"a":1}x`, `nul`, `"\u12"`, `{"start":-1e999}`, `[`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v annotationRequest
		err := json.NewDecoder(http.MaxBytesReader(httptest.NewRecorder(), ioNopCloser{bytes.NewReader(body)}, 256)).Decode(&v)
		if err == nil {
			return
		}
		e := decodeError(err)
		if (e.Status() != http.StatusBadRequest && e.Status() != http.StatusRequestEntityTooLarge) || e.Code == "" || e.Message == "" {
			t.Fatalf("decodeError(%v) = %+v", err, e)
		}
	})
}

type ioNopCloser struct{ *bytes.Reader }

func (ioNopCloser) Close() error { return nil }
