package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// backend starts a test server answering with handler and checks each request follows PROTOCOL.md.
func backend(t *testing.T, handler func(w http.ResponseWriter, req protocolRequest)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req protocolRequest
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Labels) != 4 {
			t.Errorf("request body %s: %v", body, err)
		}
		handler(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func answer(body string) func(http.ResponseWriter, protocolRequest) {
	return func(w http.ResponseWriter, _ protocolRequest) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

const httpText = "🙄 “Hi” the jerk may go."

func TestHTTPSuggesterOK(t *testing.T) {
	srv := backend(t, func(w http.ResponseWriter, req protocolRequest) {
		if req.Text != httpText {
			t.Errorf("text %q", req.Text)
		}
		answer(`{"suggestions":[
			{"label":"speculation","start":0,"end":23,"reason":"hedge","score":0.75},
			{"label":"loaded_language","start":11,"end":15,"exact":"jerk","reason":"insult"},
			{"label":"loaded_language","start":11,"end":15,"reason":"duplicate"}]}`)(w, req)
	})
	h := &HTTPSuggester{URL: srv.URL, Timeout: time.Second}
	got, err := h.Suggest(context.Background(), httpText)
	if err != nil {
		t.Fatal(err)
	}
	checkOffsets(t, httpText, got)
	want := []Suggestion{
		{Label: LabelSpeculation, Start: 0, End: 23, Exact: "🙄 “Hi” the jerk may go.", Rule: "external", Reason: "hedge (model score 0.75)", Confidence: 0.75, Model: "external"},
		{Label: LabelLoadedLanguage, Start: 11, End: 15, Exact: "jerk", Rule: "external", Reason: "insult", Confidence: 0.5, Model: "external"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestHTTPSuggesterErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, protocolRequest)
		kind    error
		detail  string
	}{
		{"500", func(w http.ResponseWriter, _ protocolRequest) { http.Error(w, "model crashed", 500) },
			ErrBackendUnavailable, "status 500"},
		{"404", func(w http.ResponseWriter, _ protocolRequest) { http.NotFound(w, nil) }, ErrBackendUnavailable, "status 404"},
		{"garbage JSON", answer(`<html>oops</html>`), ErrBackendInvalid, "not the protocol's JSON"},
		{"truncated JSON", answer(`{"suggestions":[{"label":"opinion",`), ErrBackendInvalid, "not the protocol's JSON"},
		{"no suggestions key", answer(`{"items":[]}`), ErrBackendInvalid, `no "suggestions"`},
		{"wrong types", answer(`{"suggestions":[{"label":"opinion","start":"0","end":3}]}`), ErrBackendInvalid, "JSON"},
		{"end past text", answer(`{"suggestions":[{"label":"opinion","start":5,"end":24}]}`), ErrBackendInvalid, "suggestion 0: span [5, 24)"},
		{"negative start", answer(`{"suggestions":[{"label":"opinion","start":-1,"end":3}]}`), ErrBackendInvalid, "span [-1, 3)"},
		{"empty span", answer(`{"suggestions":[{"label":"opinion","start":3,"end":3}]}`), ErrBackendInvalid, "span [3, 3)"},
		{"byte offsets", answer(`{"suggestions":[{"label":"opinion","start":0,"end":2},{"label":"opinion","start":20,"end":30}]}`),
			ErrBackendInvalid, "suggestion 1"},
		{"missing end", answer(`{"suggestions":[{"label":"opinion","start":1}]}`), ErrBackendInvalid, "required"},
		{"unknown label", answer(`{"suggestions":[{"label":"propaganda","start":0,"end":3}]}`), ErrBackendInvalid, `unknown label "propaganda"`},
		{"exact mismatch", answer(`{"suggestions":[{"label":"opinion","start":10,"end":14,"exact":"jerk"}]}`), ErrBackendInvalid, "does not match"},
		{"bad score", answer(`{"suggestions":[{"label":"opinion","start":0,"end":3,"score":7}]}`), ErrBackendInvalid, "score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := backend(t, tt.handler)
			got, err := (&HTTPSuggester{URL: srv.URL, Client: srv.Client()}).Suggest(context.Background(), httpText)
			if got != nil || !errors.Is(err, tt.kind) {
				t.Fatalf("got %+v, %v; want %v", got, err, tt.kind)
			}
			other := ErrBackendInvalid
			if tt.kind == ErrBackendInvalid {
				other = ErrBackendUnavailable
			}
			if errors.Is(err, other) {
				t.Errorf("error %v is both kinds", err)
			}
			var be *BackendError
			if !errors.As(err, &be) || be.URL != srv.URL || !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error %q lacks %q", err, tt.detail)
			}
		})
	}
}

func TestHTTPSuggesterTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := backend(t, func(w http.ResponseWriter, req protocolRequest) {
		<-release
		answer(`{"suggestions":[]}`)(w, req)
	})
	defer close(release)
	start := time.Now()
	_, err := (&HTTPSuggester{URL: srv.URL, Timeout: 50 * time.Millisecond}).Suggest(context.Background(), httpText)
	if !errors.Is(err, ErrBackendUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestHTTPSuggesterCallerCancel(t *testing.T) {
	release := make(chan struct{})
	srv := backend(t, func(w http.ResponseWriter, req protocolRequest) { <-release })
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := (&HTTPSuggester{URL: srv.URL, Timeout: time.Minute}).Suggest(ctx, httpText)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrBackendUnavailable) {
		t.Fatalf("the caller's own deadline should be returned as is, got %v", err)
	}
}

func TestHTTPSuggesterDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := (&HTTPSuggester{URL: url, Timeout: time.Second}).Suggest(context.Background(), httpText)
	if !errors.Is(err, ErrBackendUnavailable) {
		t.Fatalf("err %v", err)
	}
}

type fixed struct {
	out []Suggestion
	err error
}

func (f fixed) Suggest(context.Context, string) ([]Suggestion, error) { return f.out, f.err }

func TestCombine(t *testing.T) {
	text := "The jerk may go."
	srv := backend(t, answer(`{"suggestions":[
		{"label":"loaded_language","start":4,"end":8,"reason":"model says insult"},
		{"label":"opinion","start":0,"end":16,"reason":"model says opinion"}]}`))
	c := Combine(NewRules(), &HTTPSuggester{URL: srv.URL})
	got := mustSuggest(t, c, text)
	var summary []string
	for _, s := range got {
		summary = append(summary, string(s.Label)+":"+s.Exact+":"+s.Rule)
	}
	// The model's loaded_language [4,8) duplicates the rules' one: the first suggester (rules) wins.
	want := "opinion:The jerk may go.:external|speculation:The jerk may go.:speculation.hedge|loaded_language:jerk:loaded.name_calling"
	if strings.Join(summary, "|") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(summary, "|"), want)
	}

	down := fixed{err: &BackendError{Kind: ErrBackendUnavailable, URL: "x"}}
	got, err := Combine(down, NewRules()).Suggest(context.Background(), text)
	if !errors.Is(err, ErrBackendUnavailable) || len(got) != 2 {
		t.Fatalf("partial result: %+v, %v", got, err)
	}
}
