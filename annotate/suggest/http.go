package suggest

import (
	"github.com/credence-project/credence/annotate"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors of an external suggester. Every error an HTTPSuggester returns for a backend problem is a
// *BackendError that matches one of them with errors.Is.
var (
	// ErrBackendUnavailable: the backend could not be reached, timed out, or answered with a non-2xx
	// status. Retrying later may help.
	ErrBackendUnavailable = errors.New("suggestion backend unavailable")
	// ErrBackendInvalid: the backend answered 2xx with something that breaks PROTOCOL.md: not JSON,
	// an unknown label, a span outside the text, an exact that does not match. Retrying will not help.
	ErrBackendInvalid = errors.New("suggestion backend answered invalid data")
)

// BackendError describes a failed call to an external suggester.
type BackendError struct {
	Kind   error  // ErrBackendUnavailable or ErrBackendInvalid
	URL    string // the backend's URL
	Status int    // HTTP status, 0 when there was no response
	Detail string // what went wrong, for logs
	Err    error  // the underlying error, if any
}

func (e *BackendError) Error() string {
	msg := fmt.Sprintf("%v: %s", e.Kind, e.URL)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (status %d)", e.Status)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is match both the kind and the underlying error (context.DeadlineExceeded…).
func (e *BackendError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// DefaultHTTPTimeout bounds a call to an external suggester when HTTPSuggester.Timeout is zero.
const DefaultHTTPTimeout = 10 * time.Second

// maxResponseBytes bounds the response body read from a backend.
const maxResponseBytes = 8 << 20

// HTTPSuggester asks an external model for suggestions over the JSON protocol of PROTOCOL.md.
// Every returned span and label is validated; one bad item rejects the whole answer.
type HTTPSuggester struct {
	URL     string        // endpoint receiving the POST
	Client  *http.Client  // nil means a default client
	Timeout time.Duration // per call; zero means DefaultHTTPTimeout
}

type protocolRequest struct {
	Text   string           `json:"text"`
	Labels []annotate.Label `json:"labels"`
}

type protocolResponse struct {
	Suggestions *[]protocolSuggestion `json:"suggestions"`
}

type protocolSuggestion struct {
	Label  annotate.Label `json:"label"`
	Start  *int           `json:"start"`
	End    *int           `json:"end"`
	Exact  *string        `json:"exact,omitempty"`
	Reason string         `json:"reason"`
	Score  *float64       `json:"score,omitempty"`
}

// Suggest posts the text to the backend and returns its validated suggestions. If ctx itself ends,
// its error is returned as is; if the suggester's own Timeout expires, the error is
// ErrBackendUnavailable wrapping context.DeadlineExceeded.
func (h *HTTPSuggester) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	if !utf8.ValidString(text) {
		return nil, ErrInvalidText
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	body, err := json.Marshal(protocolRequest{Text: text, Labels: Labels()})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return nil, &BackendError{Kind: ErrBackendUnavailable, URL: h.URL, Detail: "bad URL", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &BackendError{Kind: ErrBackendUnavailable, URL: h.URL, Err: unwrapTimeout(err, callCtx)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &BackendError{Kind: ErrBackendUnavailable, URL: h.URL, Status: resp.StatusCode,
			Detail: "reading the response", Err: unwrapTimeout(err, callCtx)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &BackendError{Kind: ErrBackendUnavailable, URL: h.URL, Status: resp.StatusCode,
			Detail: snippet(raw)}
	}
	invalid := func(detail string, err error) error {
		return &BackendError{Kind: ErrBackendInvalid, URL: h.URL, Status: resp.StatusCode, Detail: detail, Err: err}
	}
	if len(raw) > maxResponseBytes {
		return nil, invalid(fmt.Sprintf("response larger than %d bytes", maxResponseBytes), nil)
	}
	var pr protocolResponse
	if err := json.Unmarshal(raw, &pr); err != nil {
		return nil, invalid("response is not the protocol's JSON: "+snippet(raw), err)
	}
	if pr.Suggestions == nil {
		return nil, invalid(`response has no "suggestions" array`, nil)
	}
	runes := []rune(text)
	out := make([]Suggestion, 0, len(*pr.Suggestions))
	for i, ps := range *pr.Suggestions {
		s, err := ps.validate(runes)
		if err != nil {
			return nil, invalid(fmt.Sprintf("suggestion %d: %v", i, err), nil)
		}
		out = append(out, s)
	}
	SortSuggestions(out)
	return dedupeSpans(out), nil
}

func (ps protocolSuggestion) validate(runes []rune) (Suggestion, error) {
	if !ValidLabel(ps.Label) {
		return Suggestion{}, fmt.Errorf("unknown label %q", ps.Label)
	}
	if ps.Start == nil || ps.End == nil {
		return Suggestion{}, fmt.Errorf("start and end are required")
	}
	start, end := *ps.Start, *ps.End
	if start < 0 || end > len(runes) || start >= end {
		return Suggestion{}, fmt.Errorf("span [%d, %d) is not a non-empty span of a %d code point text", start, end, len(runes))
	}
	exact := string(runes[start:end])
	if ps.Exact != nil && *ps.Exact != exact {
		return Suggestion{}, fmt.Errorf("exact %q does not match the text at [%d, %d) %q", *ps.Exact, start, end, exact)
	}
	reason := strings.TrimSpace(ps.Reason)
	if reason == "" {
		reason = "suggested by the external model"
	}
	conf := 0.5 // a backend that gives no score claims nothing either way
	if ps.Score != nil {
		if math.IsNaN(*ps.Score) || *ps.Score < 0 || *ps.Score > 1 {
			return Suggestion{}, fmt.Errorf("score %v is outside [0, 1]", *ps.Score)
		}
		reason = fmt.Sprintf("%s (model score %.2f)", reason, *ps.Score)
		conf = *ps.Score
	}
	return Suggestion{Label: ps.Label, Start: start, End: end, Exact: exact, Rule: "external", Reason: reason,
		Confidence: conf, Model: "external"}, nil
}

// unwrapTimeout reports our own deadline as context.DeadlineExceeded, whatever the transport says.
func unwrapTimeout(err error, callCtx context.Context) error {
	if errors.Is(callCtx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
	}
	return err
}

func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strings.TrimSpace(s)
}
