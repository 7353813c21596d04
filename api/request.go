package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// bind decodes a JSON body into dst. Malformed JSON is 400, a body over the limit 413, a
// field of the wrong type 400 naming the field.
func bind(c *gin.Context, dst any) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return errf(CodeUnsupportedMedia, "send the body as application/json")
		}
	}
	body, err := io.ReadAll(c.Request.Body) // bounded by limitBody
	if err != nil {
		return decodeError(err)
	}
	if hasNUL(body) {
		return errf(CodeInvalid, "the body contains a NUL character (\\u0000), which no text may hold")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return timeError(body, pe)
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errf(CodeBadRequest, "the body must hold exactly one JSON object")
	}
	return nil
}

// hasNUL tells whether a JSON body holds a NUL character, raw or escaped as \u0000 (an escape
// not itself escaped). PostgreSQL cannot store NUL in text, and no article or note needs one.
func hasNUL(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	for i := bytes.Index(b, []byte(`\u0000`)); i >= 0; {
		n := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		k := bytes.Index(b[i+1:], []byte(`\u0000`))
		if k < 0 {
			return false
		}
		i += 1 + k
	}
	return false
}

func decodeError(err error) *apiError {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return errf(CodeTooLarge, "the request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, io.EOF):
		return errf(CodeBadRequest, "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errf(CodeBadRequest, "the JSON body ends too early")
	case errors.As(err, &se):
		return errf(CodeBadRequest, "malformed JSON at byte %d: %s", se.Offset, se.Error())
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			return errf(CodeBadRequest, "the body must be a JSON object")
		}
		kind := jsonKind(te.Type.Kind().String())
		article := "a"
		if strings.ContainsRune("aeiou", rune(kind[0])) {
			article = "an"
		}
		return fieldErr(CodeBadRequest, f, "field %q must be %s %s, not a JSON %s", f, article, kind, te.Value)
	}
	return errf(CodeBadRequest, "malformed JSON: %s", err.Error())
}

// timeError names the field of a time that does not parse (encoding/json reports the
// time's own error without it): the top-level field whose string is the value that failed.
func timeError(body []byte, pe *time.ParseError) *apiError {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(body, &fields)
	field := ""
	for k, raw := range fields {
		var v string
		if json.Unmarshal(raw, &v) == nil && v == pe.Value {
			field = k
			break
		}
	}
	name := "a time"
	if field != "" {
		name = fmt.Sprintf("field %q", field)
	}
	return fieldErr(CodeBadRequest, field, "%s must be %s, not %q", name, annotate.TimeHint, clipValue(pe.Value))
}

// clipValue shortens a client's value for a message.
func clipValue(v string) string {
	if r := []rune(v); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return v
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "integer" // "must be a number, not a JSON number 1.5" said nothing
	case strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "slice" || goKind == "array":
		return "array"
	case goKind == "struct" || goKind == "map" || goKind == "ptr":
		return "object"
	case goKind == "bool":
		return "boolean"
	}
	return goKind
}

// idempotencyKey is the client's Idempotency-Key header (at most 200 bytes): a create that
// repeats a key answers with what the first one created, so retries create exactly once.
func idempotencyKey(c *gin.Context) string {
	k := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	if len(k) > 200 {
		k = k[:200]
	}
	return k
}

// pathID parses the {id} path parameter.
func pathID(c *gin.Context) (int64, error) {
	return idParam(c, "id")
}

func idParam(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errf(CodeNotFound, "no such %s: %q is not an id", resourceName(c), c.Param(name))
	}
	return id, nil
}

// queryID parses an optional positive integer query parameter; 0 when absent.
func queryID(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldErr(CodeBadRequest, name, "%s must be a positive integer id", name)
	}
	return id, nil
}

// includes reads ?include=a,b: the optional parts a route may add to its answer.
func includes(c *gin.Context, allowed ...string) (map[string]bool, error) {
	out := map[string]bool{}
	v := c.Query("include")
	if v == "" {
		return out, nil
	}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if !slices.Contains(allowed, part) {
			return nil, fieldErr(CodeBadRequest, "include", "include takes a comma-separated list of: %s", strings.Join(allowed, ", "))
		}
		out[part] = true
	}
	return out, nil
}

const (
	defaultLimit = 50
	maxLimit     = 1000
)

// page reads ?limit= and ?cursor=. The cursor is opaque to clients: the last id seen.
func page(c *gin.Context) (models.Page, error) {
	p := models.Page{Limit: defaultLimit}
	var err error
	if p.Limit, err = pageLimit(c); err != nil {
		return p, err
	}
	if v := c.Query("cursor"); v != "" {
		id, err := decodeCursor(v)
		if err != nil {
			return p, fieldErr(CodeInvalidCursor, "cursor", "cursor is not one this service gave out")
		}
		p.After = id
	}
	return p, nil
}

// pageLimit reads ?limit=: defaultLimit when absent, 1 to maxLimit.
func pageLimit(c *gin.Context) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return defaultLimit, fieldErr(CodeBadRequest, "limit", "limit must be a whole number from 1 to %d", maxLimit)
	}
	return n, nil
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, err
	}
	v, ok := strings.CutPrefix(string(b), "c1:")
	if !ok {
		return 0, fmt.Errorf("bad cursor")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("bad cursor")
	}
	return id, nil
}

// list writes a page of items with the cursor of the next page, if any.
func list[T any](c *gin.Context, items []T, more bool, lastID func(T) int64) {
	next := ""
	if more && len(items) > 0 {
		next = encodeCursor(lastID(items[len(items)-1]))
	}
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// patchVersion is the version a PATCH is conditional on, for the store: 0 when the request
// sends none (the change applies to the current version, API.md "Second round"), the version
// sent otherwise, and -1, which no row has, for a version below 1, so that it is stale (409).
func patchVersion(v *int64) int64 {
	switch {
	case v == nil:
		return 0
	case *v < 1:
		return -1
	}
	return *v
}

// csvRaw tells whether the request asks for CSV cells unchanged (?csv=raw) rather than with
// formulas neutralised, the default (API.md "Safer defaults"; annotate/csvout). checkCSVParam
// has refused any other value.
func csvRaw(c *gin.Context) bool { return c.Query("csv") == "raw" }

// checkCSVParam refuses a ?csv= other than raw, on every route, so that a typo never
// silently downloads the default.
func checkCSVParam(c *gin.Context) {
	if v, ok := c.GetQuery("csv"); ok && v != "raw" {
		fail(c, fieldErr(CodeBadRequest, "csv", "csv must be raw (cells unchanged) or absent (formulas neutralised)"))
		return
	}
	c.Next()
}
