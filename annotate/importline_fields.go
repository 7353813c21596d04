package annotate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// articleFields are the keys an import line's object is read by, in the order messages list
// them. encoding/json matches keys to them without regard to case, and so does unknownFields.
var articleFields = []string{"outlet", "outlet_id", "title", "text", "url", "author", "published_at"}

// maxNamedUnknown bounds how many unknown keys one message names.
const maxNamedUnknown = 5

// withUnknownFields adds to the error of a line whose object has keys that are no article
// field what those keys are, with the field each most likely misspells: a line with "titel"
// fails as "title is required", and says why. A line that imports is not refused for a key
// it does not use (an export's extra columns, say) unless the key misspells a field the line
// lacks (misspeltField).
func withUnknownFields(b []byte, err error) error {
	var de *Error
	if !errors.As(err, &de) {
		return err
	}
	unknown := unknownKeys(b)
	if len(unknown) == 0 {
		return err
	}
	more := len(unknown) - maxNamedUnknown
	if more > 0 {
		unknown = unknown[:maxNamedUnknown]
	}
	names := make([]string, len(unknown))
	guesses := make([]string, len(unknown))
	guessedAll := true
	for i, k := range unknown {
		names[i] = fmt.Sprintf("%q", clip(k))
		if f := likelyField(k); f != "" {
			guesses[i] = fmt.Sprintf(" (did you mean %q?)", f)
		} else {
			guessedAll = false
		}
	}
	var note string
	switch {
	case len(names) == 1 && more <= 0: // "titel" is not an article field (did you mean "title"?)
		note = names[0] + " is not an article field" + guesses[0]
	case more > 0:
		note = joinNamed(names, guesses, ", ") + fmt.Sprintf(" and %d more are not article fields", more)
	default:
		n := len(names) - 1
		note = joinNamed(names[:n], guesses[:n], ", ") + " and " + names[n] + guesses[n] + " are not article fields"
	}
	if !guessedAll {
		note += ", which are " + strings.Join(articleFields[:len(articleFields)-1], ", ") + " and " + articleFields[len(articleFields)-1]
	}
	return &Error{Code: de.Code, Field: de.Field, Message: de.Message + "; " + note}
}

// misspeltField refuses a line that imports but has a key misspelling a field the line does
// not give ("publishd_at", "publishedAt", "Outlet-ID"): imported, the article would be stored
// without that value (no date, whose order decides who copied whom; the outlet of the url's
// domain instead of the one named), which the report would not mention. Keys that misspell no
// field, or a field the line gives, are still not used and not refused (an export's extra
// columns). Only a line missing an optional field has its keys read again, so that most lines
// of an import are decoded once.
func misspeltField(b []byte, in ArticleInput) error {
	given := map[string]bool{"outlet": in.OutletID > 0 || in.Outlet != "", "url": in.URL != "", "author": in.Author != "", "published_at": in.PublishedAt != nil, "title": true, "text": true}
	given["outlet_id"] = given["outlet"]
	if given["outlet"] && given["url"] && given["author"] && given["published_at"] {
		return nil
	}
	for _, k := range unknownKeys(b) {
		if f := likelyField(k); f != "" && !given[f] {
			return &Error{Code: CodeInvalid, Field: f, Message: fmt.Sprintf("%q is not an article field (did you mean %q?): the line would be imported without its %s; rename the key", clip(k), f, f)}
		}
	}
	return nil
}

// unknownKeys are the keys of the object b (after a byte order mark) that are no article
// field, sorted; none when b is no JSON object.
func unknownKeys(b []byte) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimPrefix(b, []byte("\uFEFF")), &m) != nil {
		return nil
	}
	var unknown []string
	for k := range m {
		if !slices.ContainsFunc(articleFields, func(f string) bool { return strings.EqualFold(f, k) }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// joinNamed joins each name with its guess.
func joinNamed(names, guesses []string, sep string) string {
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = names[i] + guesses[i]
	}
	return strings.Join(parts, sep)
}

// likelyField is the article field a key most likely misspells, or "": the same letters
// without case and separators (publishedAt, Outlet-ID), else at most one edit for a short
// field and two for a longer one (txt, titel).
func likelyField(key string) string {
	squash := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
	}
	k := squash(key)
	best, bestD := "", 3
	for _, f := range articleFields {
		sf := squash(f)
		if k == sf {
			return f
		}
		limit := 2
		if len(sf) <= 4 {
			limit = 1
		}
		if d := editDistance(k, sf, limit); d <= limit && d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b (insertions, deletions,
// substitutions and swaps of neighbours, each one edit), or limit+1 when it is past limit.
func editDistance(a, b string, limit int) int {
	if len(a) > 64 || len(b) > 64 {
		return limit + 1
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
