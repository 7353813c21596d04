package api_test

import "testing"

// TestHandlerAdapterDelegatedErrors: a handler that hands over to another (complete and reopen
// to one review handler, rescan to the region list, a rule change to the rule list) answers
// the other's error, not an empty 200.
func TestHandlerAdapterDelegatedErrors(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		as, method, path string
		body             any
		status           int
		code             string
	}{
		{"reviewer", "POST", "/api/v1/articles/999999/complete", nil, 404, "not_found"},
		{"reviewer", "DELETE", "/api/v1/articles/999999/complete", nil, 404, "not_found"},
		{"reviewer", "POST", "/api/v1/articles/x/complete", nil, 404, "not_found"},
		{"admin", "POST", "/api/v1/articles/999999/rescan", nil, 404, "not_found"},
	} {
		r := e.do(c.as, c.method, c.path, c.body)
		if r.Status != c.status || r.errCode() != c.code {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, r.Status, r.Body, c.status, c.code)
		}
	}
	type ruleList struct {
		Items []struct {
			Rule    string
			Enabled bool
		}
	}
	var rules, after ruleList
	e.must("admin", "GET", "/api/v1/suggestions/rules", nil, 200, &rules)
	if len(rules.Items) == 0 {
		t.Fatal("no suggestion rules")
	}
	e.must("admin", "PATCH", "/api/v1/suggestions/rules/"+rules.Items[0].Rule, map[string]any{"enabled": false}, 200, &after)
	if len(after.Items) != len(rules.Items) || after.Items[0].Enabled {
		t.Fatalf("a rule change answers the rule list with the change: %+v", after)
	}
}
