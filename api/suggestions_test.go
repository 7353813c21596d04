package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/credence-project/credence/api"
)

// The last sentence is speculation for the learned model too: it has no rhetorical questions to learn
// from (MODEL.md), so the first sentence is speculation only for the word-list rules.
const suggestText = "Could this be the end? The narcissistic, nasty jerk lied, the FBI report stated. It is rumoured that he may possibly resign next week."

type suggestionList struct {
	Items []struct {
		Label      string
		Start, End int
		Exact      string
		Reason     string
		Rule       string
	}
	Warning string
}

func TestSuggestions(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	path := "/api/v1/articles/" + itoa(art) + "/suggestions"
	var l suggestionList
	e.must("reviewer", "GET", path, nil, 200, &l)
	byLabel := map[string]int{}
	for _, s := range l.Items {
		byLabel[s.Label]++
		if s.Reason == "" || s.Rule == "" {
			t.Errorf("suggestion without reason or rule: %+v", s)
		}
	}
	if byLabel["speculation"] == 0 || byLabel["loaded_language"] == 0 {
		t.Fatalf("suggestions %+v", l.Items)
	}
	var loaded = l.Items[0]
	for _, s := range l.Items {
		if s.Label == "loaded_language" {
			loaded = s
			break
		}
	}
	t.Run("AcceptBecomesAnnotation", func(t *testing.T) {
		var a struct {
			ID    int64
			Exact string
		}
		e.must("reviewer", "POST", path+"/accept", map[string]any{"label": loaded.Label, "start": loaded.Start, "end": loaded.End, "rule": loaded.Rule}, 201, &a)
		if a.Exact != loaded.Exact {
			t.Fatalf("accepted annotation %+v, want %q", a, loaded.Exact)
		}
		var mine struct{ Items []any }
		e.must("reviewer", "GET", "/api/v1/articles/"+itoa(art)+"/annotations", nil, 200, &mine)
		if len(mine.Items) != 1 {
			t.Fatalf("annotations after accepting: %d", len(mine.Items))
		}
		var again suggestionList
		e.must("reviewer", "GET", path, nil, 200, &again)
		if len(again.Items) != len(l.Items)-1 {
			t.Fatalf("a decided suggestion should not be offered again: %d → %d", len(l.Items), len(again.Items))
		}
	})
	t.Run("RejectCountsAgainstRule", func(t *testing.T) {
		s := l.Items[0]
		e.must("reviewer", "POST", path+"/reject", map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule}, 204, nil)
		var rules struct {
			Items []struct {
				Rule               string
				Accepted, Rejected int64
				AcceptanceRate     *float64 `json:"acceptance_rate"`
			}
		}
		e.must("admin", "GET", "/api/v1/suggestions/rules", nil, 200, &rules)
		found := 0
		for _, r := range rules.Items {
			if r.Rule == s.Rule && r.Rejected == 1 && r.AcceptanceRate != nil {
				found++
			}
			if r.Rule == loaded.Rule && (r.Accepted != 1 || r.AcceptanceRate == nil) {
				t.Errorf("rule %s: %+v", r.Rule, r)
			}
		}
		if found != 1 {
			t.Fatalf("rejected rule %s not counted: %+v", s.Rule, rules.Items)
		}
	})
	t.Run("ErrBadDecision", func(t *testing.T) {
		e.must("reviewer", "POST", path+"/accept", map[string]any{"label": "gossip", "start": 0, "end": 3, "rule": "x"}, 422, nil)
		e.must("reviewer", "POST", path+"/accept", map[string]any{"label": "opinion", "start": 0, "end": 999, "rule": "x"}, 422, nil)
		e.must("reviewer", "POST", path+"/accept", map[string]any{"label": "opinion", "start": 0, "end": 3}, 422, nil)
	})
	t.Run("DisabledRuleIsSilent", func(t *testing.T) {
		e.must("admin", "PATCH", "/api/v1/suggestions/rules/"+loaded.Rule, map[string]any{"enabled": false}, 200, nil)
		var after suggestionList
		e.must("reviewer2", "GET", path, nil, 200, &after)
		for _, s := range after.Items {
			if s.Rule == loaded.Rule {
				t.Fatalf("disabled rule %s still suggests %+v", loaded.Rule, s)
			}
		}
		e.must("admin", "PATCH", "/api/v1/suggestions/rules/no.such.rule", map[string]any{"enabled": false}, 404, nil)
	})
}

// TestSuggestionsBackendDown: a configured external model that is down is reported, and the
// built-in rules still answer.
func TestSuggestionsBackendDown(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer down.Close()
	e := newEnv(t)
	cfg := testConfig()
	cfg.SuggestURL = down.URL
	srv := api.New(cfg, e.store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/articles/"+itoa(art)+"/suggestions", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["reviewer"])
	r := send(t, http.DefaultClient, req)
	var l suggestionList
	r.json(t, &l)
	if r.Status != 200 || l.Warning == "" || len(l.Items) == 0 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

// TestSuggestionDecisionsCanBeTakenBack: undoing an accept (deleting its annotation) or a
// rejection brings the suggestion back and keeps the rule's counts honest.
func TestSuggestionDecisionsCanBeTakenBack(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	path := "/api/v1/articles/" + itoa(art) + "/suggestions"
	var l suggestionList
	e.must("reviewer", "GET", path, nil, 200, &l)
	if len(l.Items) < 2 {
		t.Fatalf("need two suggestions, got %+v", l.Items)
	}
	s0, s1 := l.Items[0], l.Items[1]
	body := func(s struct {
		Label      string
		Start, End int
		Exact      string
		Reason     string
		Rule       string
	}) map[string]any {
		return map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule}
	}
	accept := func() int64 {
		req := newRequest(t, "POST", e.ts.URL+path+"/accept", body(s0))
		req.Header.Set("Authorization", "Bearer "+e.tokens["reviewer"])
		req.Header.Set("Idempotency-Key", "accept-1")
		r := send(t, http.DefaultClient, req)
		if r.Status != 201 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		var a struct{ ID int64 }
		r.json(t, &a)
		return a.ID
	}
	id := accept()
	if again := accept(); again != id {
		t.Fatalf("a retried accept created another annotation: %d, %d", id, again)
	}
	e.must("reviewer", "POST", path+"/reject", body(s1), 204, nil)
	e.must("reviewer", "GET", path, nil, 200, &l)
	n := len(l.Items)
	e.must("reviewer", "DELETE", "/api/v1/annotations/"+itoa(id), nil, 204, nil)
	e.must("reviewer", "DELETE", path+"/decisions", body(s1), 204, nil)
	e.must("reviewer", "DELETE", path+"/decisions", body(s1), 404, nil)
	e.must("reviewer", "GET", path, nil, 200, &l)
	if len(l.Items) != n+2 {
		t.Fatalf("after taking both decisions back: %d suggestions, want %d", len(l.Items), n+2)
	}
	var rules struct {
		Items []struct {
			Rule               string
			Accepted, Rejected int64
		}
	}
	e.must("admin", "GET", "/api/v1/suggestions/rules", nil, 200, &rules)
	for _, r := range rules.Items {
		if r.Accepted != 0 || r.Rejected != 0 {
			t.Errorf("rule %s still counts %d/%d", r.Rule, r.Accepted, r.Rejected)
		}
	}
}

// TestSuggestionDecisionsOnlyForSuggestionsMade: a decision names a suggestion the service
// makes on the article (rule, label and span); invented ones are refused and counted nowhere.
func TestSuggestionDecisionsOnlyForSuggestionsMade(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	other := e.article(e.outlet("P", nil, nil), "T", "Nothing to suggest in these plain words at all.")
	path := "/api/v1/articles/" + itoa(art) + "/suggestions"
	var l suggestionList
	e.must("reviewer", "GET", path, nil, 200, &l)
	s := l.Items[0]
	for name, body := range map[string]map[string]any{
		"InventedRule": {"label": s.Label, "start": s.Start, "end": s.End, "rule": "made.up.rule"},
		"OtherSpan":    {"label": s.Label, "start": s.Start, "end": s.End - 1, "rule": s.Rule},
		"OtherLabel":   {"label": map[bool]string{true: "opinion", false: "speculation"}[s.Label != "opinion"], "start": s.Start, "end": s.End, "rule": s.Rule},
		"OtherArticle": {"label": s.Label, "start": 0, "end": 4, "rule": s.Rule, "article": other},
		"InventedBoth": {"label": "opinion", "start": 0, "end": 5, "rule": "opinion.invented"},
	} {
		p := path
		if a, ok := body["article"]; ok {
			p = "/api/v1/articles/" + itoa(a.(int64)) + "/suggestions"
			delete(body, "article")
		}
		for _, verb := range []string{"reject", "accept"} {
			if r := e.do("reviewer", "POST", p+"/"+verb, body); r.Status != 422 || r.errCode() != "invalid" {
				t.Errorf("%s: %s %v: %d %s, want 422 invalid", name, verb, body, r.Status, r.Body)
			}
		}
	}
	var rules struct {
		Items []struct {
			Rule               string
			Accepted, Rejected int64
		}
	}
	e.must("admin", "GET", "/api/v1/suggestions/rules", nil, 200, &rules)
	for _, r := range rules.Items {
		if r.Accepted != 0 || r.Rejected != 0 {
			t.Errorf("rule %s counts %d accepted, %d rejected from invented decisions", r.Rule, r.Accepted, r.Rejected)
		}
	}
	var mine struct{ Items []any }
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(art)+"/annotations", nil, 200, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("an invented accept made %d annotations", len(mine.Items))
	}
	e.must("reviewer", "POST", path+"/reject", map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule}, 204, nil)
}

// TestAcceptingTwiceKeepsOneAnnotation: accepting a suggestion that the reviewer's accepted
// annotation still stands for (a double click, a retry without an Idempotency-Key, a second
// tab) answers that annotation and stores nothing more: no second, identical annotation to
// count the passage twice, no second audit entry. Once the annotation is deleted, accepting
// the suggestion again makes a new one.
func TestAcceptingTwiceKeepsOneAnnotation(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("Twice Daily", nil, nil), "Twice", suggestText)
	base := "/api/v1/articles/" + itoa(art)
	var l suggestionList
	e.must("reviewer", "GET", base+"/suggestions", nil, 200, &l)
	if len(l.Items) == 0 {
		t.Fatal("fixture: no suggestions")
	}
	s := l.Items[0]
	body := map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule}
	type created struct {
		ID      int64
		Version int64
	}
	count := func() (n int) {
		var list struct{ Items []struct{ Label string } }
		e.must("reviewer", "GET", base+"/annotations", nil, 200, &list)
		return len(list.Items)
	}
	audits := func() int {
		var a struct {
			Items []struct{ Action, Entity string }
		}
		e.must("admin", "GET", "/api/v1/audit?entity=annotation&limit=200", nil, 200, &a)
		return len(a.Items)
	}
	var first, second created
	e.must("reviewer", "POST", base+"/suggestions/accept", body, 201, &first)
	n, na := count(), audits()
	e.must("reviewer", "POST", base+"/suggestions/accept", body, 201, &second)
	if second.ID != first.ID || count() != n || n != 1 || audits() != na {
		t.Fatalf("a second accept answered annotation %d (first %d); annotations %d -> %d, audit entries %d -> %d",
			second.ID, first.ID, n, count(), na, audits())
	}
	// Another reviewer's acceptance is their own.
	var other created
	e.must("reviewer2", "POST", base+"/suggestions/accept", body, 201, &other)
	if other.ID == first.ID {
		t.Fatalf("reviewer2's accept answered reviewer's annotation %d", first.ID)
	}
	// Deleted, the suggestion can be accepted again.
	e.must("reviewer", "DELETE", "/api/v1/annotations/"+itoa(first.ID), nil, 204, nil)
	var again created
	e.must("reviewer", "POST", base+"/suggestions/accept", body, 201, &again)
	if again.ID == first.ID || count() != 1 {
		t.Fatalf("after deleting %d, accepting again answered %d with %d annotations", first.ID, again.ID, count())
	}
}
