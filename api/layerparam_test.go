package api_test

import (
	"strings"
	"testing"
)

// TestLayerParameterIsOneBadRequest: ?layer= with a value that is no layer is 400 bad_request
// naming the parameter on every route that takes it (docs/api.md: a query value a route cannot
// use is 400; only the listed cases are 422), where the annotation list and the reopening of an
// adjudication answered 422 and the score and export routes 400.
func TestLayerParameterIsOneBadRequest(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Layered", nil, nil)
	a := e.article(o, "Layers", "A text with layers.")
	for _, r := range []struct{ as, method, path string }{
		{"admin", "GET", "/api/v1/articles/" + itoa(a) + "/annotations?layer=x"},
		{"reviewer", "GET", "/api/v1/articles/" + itoa(a) + "/annotations?layer=Consensus"},
		{"admin", "DELETE", "/api/v1/articles/" + itoa(a) + "/complete?layer=x"},
		{"admin", "GET", "/api/v1/scores/outlets?layer=x"},
		{"admin", "GET", "/api/v1/scores/articles?layer=x"},
		{"admin", "GET", "/api/v1/scores/agreement?layer=x"},
		{"admin", "GET", "/api/v1/exports/annotations?layer=x"},
	} {
		res := e.do(r.as, r.method, r.path, nil)
		var b struct {
			Error struct{ Code, Field, Message string }
		}
		res.json(t, &b)
		if res.Status != 400 || b.Error.Code != "bad_request" || b.Error.Field != "layer" || !strings.Contains(b.Error.Message, "review or consensus") {
			t.Errorf("%s %s: %d %s", r.method, r.path, res.Status, res.Body)
		}
	}
	// A layer in a body stays a well-formed value that is not allowed: 422 invalid.
	if res := e.do("admin", "POST", "/api/v1/articles/"+itoa(a)+"/complete", map[string]any{"layer": "x"}); res.Status != 422 || res.errCode() != "invalid" {
		t.Errorf("POST complete {layer: x}: %d %s", res.Status, res.Body)
	}
}
