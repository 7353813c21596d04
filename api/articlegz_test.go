package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestArticleAnswerCompression: an article's answer is built from the cached, compressed
// start holding the text and a freshly compressed rest. Decompressed by the standard library
// it must be exactly the JSON sent to a client that does not accept gzip, for a text full of
// characters JSON escapes, on the first read (segment built) and later ones (segment cached).
func TestArticleAnswerCompression(t *testing.T) {
	e := newEnv(t)
	text := strings.Repeat("<script>alert(\"x\")</script> & “quotes” \u2028 line\u2029 🙄 tab\there\n", 40)
	art := e.article(e.outlet("O", nil, nil), "T", text)
	path := "/api/v1/articles/" + itoa(art) + "?include=annotations,regions"
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 8}, 201, nil)
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(acceptEncoding string) (*http.Response, []byte) {
		t.Helper()
		req := newRequest(t, "GET", e.ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["reviewer"])
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%d %v %s", res.StatusCode, err, b)
		}
		checkDocumented(t, res, b)
		if cl, _ := strconv.Atoi(res.Header.Get("Content-Length")); cl != len(b) {
			t.Fatalf("Content-Length %q for %d bytes", res.Header.Get("Content-Length"), len(b))
		}
		return res, b
	}
	parse := func(b []byte) map[string]any {
		t.Helper()
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("not JSON: %v\n%.200s", err, b)
		}
		return v
	}
	plainRes, plain := get("identity")
	if plainRes.Header.Get("Content-Encoding") != "" {
		t.Fatalf("identity asked, got %q", plainRes.Header.Get("Content-Encoding"))
	}
	want := parse(plain)
	if want["text"] != text || len(want["annotations"].([]any)) != 1 || want["review"] == nil {
		t.Fatalf("plain answer: %.300v", want)
	}
	if !bytes.Contains(plain, []byte(`\u003cscript\u003e`)) || !bytes.Contains(plain, []byte(`\u2028`)) {
		t.Fatal("the text is not escaped as encoding/json escapes it")
	}
	for i, ae := range []string{"gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "*"} {
		res, body := get(ae)
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("read %d (%q): Content-Encoding %q, Vary %q", i, ae, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		dec, err := io.ReadAll(zr) // checks the CRC-32 and length in the trailer
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if rest, _ := io.ReadAll(zr); len(rest) != 0 {
			t.Fatalf("read %d: bytes after the gzip member", i)
		}
		if !bytes.Equal(dec, plain) || !reflect.DeepEqual(parse(dec), want) {
			t.Fatalf("read %d: decompressed answer differs from the plain one:\n%.300s\n%.300s", i, dec, plain)
		}
		if len(body) >= len(plain)/2 {
			t.Errorf("read %d: %d bytes compressed to %d", i, len(plain), len(body))
		}
	}
	// With many annotations the rest of the answer is compressed too, not stored.
	for i := 1; i < 30; i++ {
		e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "speculation", "start": i * 10, "end": i*10 + 7, "note": "a note long enough to make the list large"}, 201, nil)
	}
	_, plain = get("identity")
	want = parse(plain)
	res, body := get("gzip")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(dec, plain) || len(want["annotations"].([]any)) != 30 || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("large answer: %v, equal %v, %d annotations", err, bytes.Equal(dec, plain), len(want["annotations"].([]any)))
	}
	if len(plain)-len(want["text"].(string)) < 4096 || len(body) > len(plain)/3 {
		t.Errorf("large answer: %d bytes compressed to %d: the annotations were not compressed", len(plain), len(body))
	}

	for _, ae := range []string{"gzip;q=0", "br", "*;q=0", "identity, *;q=0"} {
		if res, _ := get(ae); res.Header.Get("Content-Encoding") == "gzip" {
			t.Errorf("Accept-Encoding %q answered with gzip", ae)
		}
	}
}
