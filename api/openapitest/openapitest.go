// Package openapitest checks HTTP responses against the OpenAPI document the service serves,
// so that the document stays true to what the handlers send. The API and end-to-end tests pass
// every response they receive through a Checker: a status the operation does not declare, a
// content type it does not declare, a body its JSON Schema rejects, or a field it does not
// name fails the test with the route, the status and the JSON pointer of each mismatch.
//
// The document is OpenAPI 3.1, whose schema objects are JSON Schema 2020-12, so the schemas are
// compiled as they stand by github.com/santhosh-tekuri/jsonschema/v6 (with "format" asserted:
// a date-time must be RFC 3339 in UTC). Requests outside the document's paths under /api/ must be
// answered 404 or 405 with the error envelope (components/schemas/Error).
package openapitest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// docURL names the document inside the compiler; schemas are compiled at pointers below it.
const docURL = "mem:///openapi.json"

// Checker validates responses against one OpenAPI document.
type Checker struct {
	ops      []operation
	errorSch *jsonschema.Schema // the error envelope, for paths the document does not hold
}

// operation is one method and path template of the document with its declared responses.
type operation struct {
	method   string
	template string // as in the document: /api/v1/outlets/{id}
	pattern  *regexp.Regexp
	literals int // characters outside parameters: the most literal template wins, as in the router
	// responses by status key ("200", "4XX", "default"), each by media type; a nil schema
	// accepts any body of that type, an empty map means no body.
	responses map[string]map[string]*jsonschema.Schema
}

// Mismatch is a response the document does not describe.
type Mismatch struct {
	Method, Path string // the request
	Operation    string // the matched operation ("GET /api/v1/outlets/{id}"), or "" when none
	Status       int
	Problems     []string // each "at /json/pointer: what is wrong", or a sentence about status or type
}

func (m *Mismatch) Error() string {
	op := m.Operation
	if op == "" {
		op = "no operation of the document"
	}
	return fmt.Sprintf("OpenAPI: %s %s (%s) answered %d, which the served document does not describe:\n  %s",
		m.Method, m.Path, op, m.Status, strings.Join(m.Problems, "\n  "))
}

// New compiles every response schema of an OpenAPI 3.1 document (JSON bytes).
func New(doc []byte) (*Checker, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("openapi document: not a JSON object")
	}
	if ver, _ := root["openapi"].(string); !strings.HasPrefix(ver, "3.1.") {
		return nil, fmt.Errorf("openapi document: version %q, want 3.1.x (its schemas are JSON Schema 2020-12)", ver)
	}
	if p := findKeyword(root, "nullable", ""); p != "" {
		return nil, fmt.Errorf("openapi document: %q at %s is OpenAPI 3.0 and means nothing in 3.1: use a type array with \"null\"", "nullable", p)
	}
	closeObjects(root)
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.RegisterFormat(&jsonschema.Format{Name: "date-time", Validate: utcTime})
	if err := comp.AddResource(docURL, v); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	c := &Checker{}
	if c.errorSch, err = comp.Compile(docURL + "#/components/schemas/Error"); err != nil {
		return nil, fmt.Errorf("openapi document: the error envelope: %w", err)
	}
	paths, _ := root["paths"].(map[string]any)
	for tmpl, item := range paths {
		methods, _ := item.(map[string]any)
		for method, o := range methods {
			op, err := compileOperation(comp, strings.ToUpper(method), tmpl, o)
			if err != nil {
				return nil, err
			}
			c.ops = append(c.ops, op)
		}
	}
	// Most literal first, so /articles/import wins over /articles/{id}.
	sort.Slice(c.ops, func(i, j int) bool { return c.ops[i].literals > c.ops[j].literals })
	return c, nil
}

// utcTime is the "date-time" format as API.md promises it: RFC 3339, in UTC ("Z"), not merely
// any RFC 3339 time with an offset.
func utcTime(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	if !strings.HasSuffix(s, "Z") {
		return fmt.Errorf("%q is not in UTC (API.md: times are RFC 3339 in UTC, ending in Z)", s)
	}
	return nil
}

var param = regexp.MustCompile(`\{[^}]+\}`)

func compileOperation(comp *jsonschema.Compiler, method, tmpl string, o any) (operation, error) {
	op := operation{method: method, template: tmpl, responses: map[string]map[string]*jsonschema.Schema{}}
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, loc := range param.FindAllStringIndex(tmpl, -1) {
		re.WriteString(regexp.QuoteMeta(tmpl[last:loc[0]]) + "[^/]+")
		op.literals += loc[0] - last
		last = loc[1]
	}
	re.WriteString(regexp.QuoteMeta(tmpl[last:]) + "$")
	op.literals += len(tmpl) - last
	op.pattern = regexp.MustCompile(re.String())

	om, _ := o.(map[string]any)
	responses, _ := om["responses"].(map[string]any)
	if len(responses) == 0 {
		return op, fmt.Errorf("openapi document: %s %s declares no responses", method, tmpl)
	}
	base := docURL + "#" + pointer("paths", tmpl, strings.ToLower(method), "responses")
	for status, r := range responses {
		rm, _ := r.(map[string]any)
		content, _ := rm["content"].(map[string]any)
		types := map[string]*jsonschema.Schema{}
		for mt, m := range content {
			if mm, _ := m.(map[string]any); mm["schema"] == nil {
				types[mt] = nil
				continue
			}
			sch, err := comp.Compile(base + pointer(status, "content", mt, "schema"))
			if err != nil {
				return op, fmt.Errorf("openapi document: %s %s response %s %s: %w", method, tmpl, status, mt, err)
			}
			types[mt] = sch
		}
		op.responses[status] = types
	}
	return op, nil
}

// pointer joins JSON pointer tokens, escaping "~" and "/".
func pointer(tokens ...string) string {
	if len(tokens) == 0 {
		return ""
	}
	return "/" + strings.Join(escape(tokens), "/")
}

// closeObjects makes every object schema that names its properties closed to others
// (additionalProperties: false) unless it says otherwise, so a field the handlers send that
// the document does not name fails the check: the document must list every field. The served
// document itself stays open, as the contract allows new fields.
func closeObjects(v any) {
	switch x := v.(type) {
	case map[string]any:
		_, props := x["properties"].(map[string]any)
		_, set := x["additionalProperties"]
		if props && x["type"] == "object" && !set {
			x["additionalProperties"] = false
		}
		for _, e := range x {
			closeObjects(e)
		}
	case []any:
		for _, e := range x {
			closeObjects(e)
		}
	}
}

// findKeyword returns the pointer of the first key named kw anywhere in v, or "".
func findKeyword(v any, kw, at string) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == kw {
				return at + pointer(k)
			}
			if p := findKeyword(x[k], kw, at+pointer(k)); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range x {
			if p := findKeyword(e, kw, at+"/"+strconv.Itoa(i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// Operation returns the document's operation for a request ("GET /api/v1/outlets/{id}"), or "".
func (c *Checker) Operation(method, path string) string {
	if op := c.match(method, path); op != nil {
		return op.method + " " + op.template
	}
	return ""
}

func (c *Checker) match(method, path string) *operation {
	for i := range c.ops {
		if c.ops[i].method == method && c.ops[i].pattern.MatchString(path) {
			return &c.ops[i]
		}
	}
	return nil
}

// Check validates one response: its status, Content-Type and body. path is the request's
// path without the query. It returns a *Mismatch, or nil when the document describes the
// response (or the path is not under /api/, which the document does not cover).
func (c *Checker) Check(method, path string, status int, contentType string, body []byte) error {
	if !strings.HasPrefix(path, "/api/") {
		return nil
	}
	m := &Mismatch{Method: method, Path: path, Status: status}
	head := method == http.MethodHead // answered as GET, without the body
	if head {
		method = http.MethodGet
	}
	op := c.match(method, path)
	var types map[string]*jsonschema.Schema
	if op == nil {
		// Unknown routes and methods answer with the error envelope.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			m.Problems = append(m.Problems, "no operation matches, so the answer must be 404 or 405 with the error envelope")
			return m
		}
		types = map[string]*jsonschema.Schema{"application/json": c.errorSch}
	} else {
		m.Operation = op.method + " " + op.template
		var ok bool
		if types, ok = op.response(status); !ok {
			m.Problems = append(m.Problems, fmt.Sprintf("status %d is not among the operation's responses (%s)", status, strings.Join(op.statuses(), ", ")))
			return m
		}
	}
	if head {
		return nil
	}
	m.Problems = checkBody(types, contentType, body)
	if len(m.Problems) > 0 {
		return m
	}
	return nil
}

// response finds the declared response for a status: the exact code, then its class (4XX),
// then default.
func (op *operation) response(status int) (map[string]*jsonschema.Schema, bool) {
	code := strconv.Itoa(status)
	for _, k := range []string{code, code[:1] + "XX", "default"} {
		if r, ok := op.responses[k]; ok {
			return r, true
		}
	}
	return nil, false
}

func (op *operation) statuses() []string {
	s := make([]string, 0, len(op.responses))
	for k := range op.responses {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

func checkBody(types map[string]*jsonschema.Schema, contentType string, body []byte) []string {
	if len(types) == 0 {
		if len(body) > 0 {
			return []string{fmt.Sprintf("the operation declares no body for this status, and the answer has %d bytes (%s)", len(body), contentType)}
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return []string{fmt.Sprintf("Content-Type %q does not parse: %v", contentType, err)}
	}
	sch, ok := types[mt]
	if !ok {
		declared := make([]string, 0, len(types))
		for k := range types {
			declared = append(declared, k)
		}
		slices.Sort(declared)
		return []string{fmt.Sprintf("Content-Type %s is not declared (%s)", mt, strings.Join(declared, ", "))}
	}
	switch {
	case sch == nil:
		return nil
	case mt == "application/x-ndjson" || mt == "application/jsonl":
		var problems []string
		for i, line := range bytes.Split(body, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			for _, p := range validate(sch, line) {
				problems = append(problems, fmt.Sprintf("line %d: %s", i+1, p))
			}
			if len(problems) > 10 {
				break
			}
		}
		return problems
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return validate(sch, body)
	}
	return nil // a schema of a text type (CSV, plain text) says only that it is a string
}

// validate returns each place where the JSON body breaks the schema, as "at /pointer: why".
func validate(sch *jsonschema.Schema, body []byte) []string {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return []string{fmt.Sprintf("the body is not JSON: %v: %.200q", err, body)}
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []string{err.Error()}
	}
	var problems []string
	var leaves func(e *jsonschema.ValidationError)
	leaves = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				leaves(c)
			}
			return
		}
		at := pointer(e.InstanceLocation...)
		if at == "" {
			at = "/"
		}
		where := strings.TrimPrefix(e.SchemaURL, docURL) + pointer(e.ErrorKind.KeywordPath()...)
		problems = append(problems, fmt.Sprintf("at %s: %s (schema %s; value %s)", at, e.ErrorKind.LocalizedString(english), where, excerpt(v, e.InstanceLocation)))
	}
	leaves(ve)
	return problems
}

var english = message.NewPrinter(language.English)

func escape(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
	}
	return out
}

// excerpt shows the value at a location (its tokens), shortened.
func excerpt(v any, location []string) string {
	for _, tok := range location {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			if i < len(x) {
				v = x[i]
			}
		}
	}
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// DocumentPath is where the service serves its OpenAPI document.
const DocumentPath = "/api/v1/openapi.json"

// Fetch gets the document a running service serves at base ("http://127.0.0.1:8080") and
// compiles it.
func Fetch(base string) (*Checker, error) {
	res, err := http.Get(base + DocumentPath)
	if err != nil {
		return nil, fmt.Errorf("fetch the OpenAPI document: %w", err)
	}
	defer res.Body.Close()
	doc, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch the OpenAPI document: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the OpenAPI document: status %d: %.200s", res.StatusCode, doc)
	}
	return New(doc)
}

// CheckResponse checks a response whose body has been read into body, as the client got it:
// a body the client asked to keep gzip-compressed is decompressed for the check.
func (c *Checker) CheckResponse(res *http.Response, body []byte) error {
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("%s %s: the gzip answer: %w", res.Request.Method, res.Request.URL.Path, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("%s %s: the gzip answer: %w", res.Request.Method, res.Request.URL.Path, err)
		}
	}
	return c.Check(res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Content-Type"), body)
}

// Served checks responses against the document of the server that sent the first of them,
// fetched once: a test suite whose servers all serve one document (it is built from the route
// table) declares one Served and passes it every response.
type Served struct {
	once    sync.Once
	checker *Checker
	err     error
}

// CheckResponse is Checker.CheckResponse with the document of res's server.
func (s *Served) CheckResponse(res *http.Response, body []byte) error {
	s.once.Do(func() {
		s.checker, s.err = Fetch(res.Request.URL.Scheme + "://" + res.Request.URL.Host)
	})
	if s.err != nil {
		return s.err
	}
	return s.checker.CheckResponse(res, body)
}
