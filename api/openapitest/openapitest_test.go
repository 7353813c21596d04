package openapitest

import (
	"errors"
	"strings"
	"testing"
)

// doc is a small OpenAPI 3.1 document in the shape the service serves.
const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/api/v1/things/{id}": {
      "get": {"responses": {
        "200": {"description": "OK", "content": {
          "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
          "text/csv": {"schema": {"type": "string"}},
          "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "404": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
      "delete": {"responses": {"204": {"description": "No Content"}}}
    },
    "/api/v1/things/special": {
      "get": {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object", "properties": {"special": {"type": "boolean"}}, "required": ["special"]}}}}}}
    }
  },
  "components": {"schemas": {
    "Thing": {"type": "object", "properties": {
      "id": {"type": "integer"}, "name": {"type": "string"},
      "source": {"type": ["object", "null"], "properties": {"text": {"type": "string"}}},
      "at": {"type": "string", "format": "date-time"},
      "extra": {"type": "object"}}, "required": ["id", "name"]},
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}, "required": ["code", "message"]}}, "required": ["error"]}
  }}
}`

func checker(t *testing.T, d string) *Checker {
	t.Helper()
	c, err := New([]byte(d))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mismatch asserts that err is a *Mismatch naming the operation and holding a problem that
// contains want.
func mismatch(t *testing.T, err error, op, want string) {
	t.Helper()
	var m *Mismatch
	if !errors.As(err, &m) {
		t.Fatalf("want a mismatch with %q, got %v", want, err)
	}
	if m.Operation != op {
		t.Errorf("operation %q, want %q", m.Operation, op)
	}
	if !strings.Contains(strings.Join(m.Problems, "\n"), want) {
		t.Errorf("problems %q do not say %q", m.Problems, want)
	}
	if !strings.Contains(m.Error(), m.Path) {
		t.Errorf("the message %q does not name the request path", m.Error())
	}
}

// TestCheckerCatchesMismatch: every kind of answer the document does not describe fails,
// with the operation, the status and the JSON pointer in the message; answers it does
// describe pass.
func TestCheckerCatchesMismatch(t *testing.T) {
	c := checker(t, doc)
	const thing = "GET /api/v1/things/{id}"
	t.Run("OK", func(t *testing.T) {
		for _, body := range []string{
			`{"id": 1, "name": "a"}`,
			`{"id": 1, "name": "a", "source": null, "at": "2024-01-02T03:04:05Z", "extra": {"anything": 1}}`,
			`{"id": 1, "name": "a", "source": {"text": "t"}}`,
		} {
			if err := c.Check("GET", "/api/v1/things/7", 200, "application/json; charset=utf-8", []byte(body)); err != nil {
				t.Errorf("%s: %v", body, err)
			}
		}
		if err := c.Check("GET", "/api/v1/things/7", 200, "text/csv; charset=utf-8", []byte("id,name\n1,a\n")); err != nil {
			t.Error(err)
		}
		if err := c.Check("DELETE", "/api/v1/things/7", 204, "", nil); err != nil {
			t.Error(err)
		}
		if err := c.Check("GET", "/healthz", 500, "text/plain", []byte("x")); err != nil {
			t.Errorf("a path outside /api/ is not the document's: %v", err)
		}
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		err := c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": "1", "name": "a"}`))
		mismatch(t, err, thing, "at /id: got string, want integer")
		if !strings.Contains(err.Error(), "answered 200") || !strings.Contains(err.Error(), thing) {
			t.Errorf("message %q does not name the status and the operation", err)
		}
	})
	t.Run("ErrNullWhereObject", func(t *testing.T) {
		d := strings.Replace(doc, `"type": ["object", "null"]`, `"type": "object"`, 1)
		mismatch(t, checker(t, d).Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "source": null}`)), thing, "at /source: got null, want object")
	})
	t.Run("ErrMissingField", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1}`)), thing, "missing property 'name'")
	})
	t.Run("ErrUndocumentedField", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "last_used_at": null}`)), thing, "'last_used_at' not allowed")
	})
	t.Run("ErrNestedPointer", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "source": {"text": 5}}`)), thing, "at /source/text:")
	})
	t.Run("ErrBadDateTime", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "at": "yesterday"}`)), thing, "at /at:")
	})
	t.Run("ErrDateTimeNotUTC", func(t *testing.T) {
		// API.md: times are RFC 3339 in UTC; an offset is RFC 3339 but not what was promised.
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "at": "2024-01-02T05:04:05+02:00"}`)), thing, "is not in UTC")
		if err := c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1, "name": "a", "at": "2024-01-02T03:04:05.123456Z"}`)); err != nil {
			t.Errorf("fractional seconds in UTC: %v", err)
		}
	})
	t.Run("ErrUndocumentedStatus", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 500, "application/json", []byte(`{"error": {"code": "internal", "message": "x"}}`)), thing, "status 500 is not among the operation's responses (200, 404)")
	})
	t.Run("ErrErrorEnvelope", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 404, "application/json", []byte(`{"error": "no such thing"}`)), thing, "at /error: got string, want object")
	})
	t.Run("ErrContentType", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "text/html; charset=utf-8", []byte(`<p>`)), thing, "Content-Type text/html is not declared (application/json, application/x-ndjson, text/csv)")
	})
	t.Run("ErrBodyWhereNone", func(t *testing.T) {
		mismatch(t, c.Check("DELETE", "/api/v1/things/7", 204, "application/json", []byte(`{}`)), "DELETE /api/v1/things/{id}", "declares no body")
	})
	t.Run("ErrNotJSON", func(t *testing.T) {
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/json", []byte(`{"id": 1,`)), thing, "not JSON")
	})
	t.Run("ErrNDJSONLine", func(t *testing.T) {
		body := "{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2}\n"
		mismatch(t, c.Check("GET", "/api/v1/things/7", 200, "application/x-ndjson", []byte(body)), thing, "line 2: at /: missing property 'name'")
	})
	t.Run("LiteralPathWins", func(t *testing.T) {
		if op := c.Operation("GET", "/api/v1/things/special"); op != "GET /api/v1/things/special" {
			t.Fatalf("matched %q", op)
		}
		mismatch(t, c.Check("GET", "/api/v1/things/special", 200, "application/json", []byte(`{"id": 1, "name": "a"}`)), "GET /api/v1/things/special", "missing property 'special'")
	})
	t.Run("UnknownRouteAnswersTheEnvelope", func(t *testing.T) {
		if err := c.Check("PUT", "/api/v1/things/7", 405, "application/json", []byte(`{"error": {"code": "method_not_allowed", "message": "no"}}`)); err != nil {
			t.Error(err)
		}
		mismatch(t, c.Check("GET", "/api/v1/nothing", 404, "application/json", []byte(`{"message": "no"}`)), "", "missing property 'error'")
		mismatch(t, c.Check("GET", "/api/v1/nothing", 200, "application/json", []byte(`{}`)), "", "no operation matches")
	})
	t.Run("HeadHasNoBody", func(t *testing.T) {
		if err := c.Check("HEAD", "/api/v1/things/7", 200, "application/json", nil); err != nil {
			t.Error(err)
		}
	})
}

// TestCheckerRefusesOpenAPI30: a 3.0 document, or 3.0's nullable keyword in a 3.1 one, would
// be read with the wrong meaning by a JSON Schema 2020-12 validator, so it is refused.
func TestCheckerRefusesOpenAPI30(t *testing.T) {
	if _, err := New([]byte(strings.Replace(doc, `"3.1.0"`, `"3.0.3"`, 1))); err == nil || !strings.Contains(err.Error(), "want 3.1") {
		t.Errorf("3.0.3: %v", err)
	}
	d := strings.Replace(doc, `"name": {"type": "string"}`, `"name": {"type": "string", "nullable": true}`, 1)
	if _, err := New([]byte(d)); err == nil || !strings.Contains(err.Error(), "/components/schemas/Thing/properties/name/nullable") {
		t.Errorf("nullable: %v", err)
	}
	if _, err := New([]byte(strings.Replace(doc, `"type": "integer"`, `"type": "integr"`, 1))); err == nil {
		t.Error("a schema that is not JSON Schema compiled")
	}
}
