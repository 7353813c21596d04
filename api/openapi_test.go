package api_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/credence-project/credence/api/openapitest"
)

// TestServedDocumentCatchesAWrongBody: the check every API test's responses pass through is
// not vacuous. A real answer passes against the served document; the same answer with a
// wrong value, a missing or unnamed field, a broken error envelope, an error code the
// catalogue does not give that status, or an undeclared status fails, naming the route, the
// status and the JSON pointer.
func TestServedDocumentCatchesAWrongBody(t *testing.T) {
	e := newEnv(t)
	c, err := openapitest.Fetch(e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	art := e.article(e.outlet("Checked Outlet", nil, nil), "Checked", "A passage to tag.")
	path := "/api/v1/articles/" + itoa(art) + "/annotations"
	r := e.must("reviewer", "POST", path, map[string]any{"label": "opinion", "start": 0, "end": 9}, 201, nil)
	ct := r.Header.Get("Content-Type")
	if err := c.Check("POST", path, 201, ct, r.Body); err != nil {
		t.Fatalf("the real answer does not pass: %v", err)
	}
	var good map[string]any
	r.json(t, &good)
	changed := func(k string, v any) []byte {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return b
	}
	const op = "POST /api/v1/articles/{id}/annotations"
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		{"ErrWrongLabel", 201, changed("label", "gossip"), "at /label: value must be one of"},
		{"ErrWrongType", 201, changed("start", "0"), "at /start: got string, want integer"},
		{"ErrSourceNotObject", 201, changed("source", "a string"), "at /source:"},
		{"ErrMissingField", 201, changed("exact", nil), "missing property 'exact'"},
		{"ErrUnnamedField", 201, changed("secret_field", true), "'secret_field' not allowed"},
		{"ErrErrorEnvelope", 422, []byte(`{"error": "bad label"}`), "at /error: got string, want object"},
		{"ErrErrorWithoutCode", 422, []byte(`{"error": {"message": "bad label"}}`), "at /error: missing property 'code'"},
		{"ErrCodeOfAnotherStatus", 404, []byte(`{"error": {"code": "invalid_label", "message": "no such article"}}`), "at /error/code: value must be 'not_found'"},
		{"ErrCodeNotInCatalogue", 422, []byte(`{"error": {"code": "unknown_outlet_name", "message": "x"}}`), "at /error/code: value must be one of"},
		{"ErrUndocumentedStatus", 500, []byte(`{"error": {"code": "internal", "message": "x"}}`), "status 500 is not among the operation's responses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Check("POST", path, tc.status, ct, tc.body)
			var m *openapitest.Mismatch
			if !errors.As(err, &m) {
				t.Fatalf("%s passed the check", tc.body)
			}
			msg := err.Error()
			for _, part := range []string{path, op, "answered " + itoa(int64(tc.status)), tc.want} {
				if !strings.Contains(msg, part) {
					t.Errorf("the message does not say %q:\n%s", part, msg)
				}
			}
		})
	}
}
