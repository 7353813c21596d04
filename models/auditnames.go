package models

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
)

// The audit trail's before and after are the changed rows as JSON with the API's field names
// ("outlet_id", "source_url"), as GET /api/v1/audit shows them. The rows are Go structs
// without JSON tags, whose encoding names the fields as Go does ("OutletID"), so AuditJSON
// renames those keys; entries stored before it did are renamed as they are read (ListAudit),
// so old and new entries read alike.

var (
	lowerUpper = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	acronymEnd = regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`)
)

// apiNames caches APIName for Go field names, the few dozen of the audited types.
var apiNames = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// APIName is the API's name of a Go field name: "ArticleID" → "article_id", "SourceURL" →
// "source_url", "TextSHA256" → "text_sha256" (the admin console's apiName does the same).
func APIName(k string) string {
	if !isGoName([]byte(k)) {
		return k // a tag's or a map's key: lower-case already
	}
	return apiNameOf([]byte(k))
}

// apiNameOf is APIName of a Go name given as bytes, without a copy when it is cached.
func apiNameOf(k []byte) string {
	apiNames.RLock()
	n, ok := apiNames.m[string(k)]
	apiNames.RUnlock()
	if ok {
		return n
	}
	n = strings.ToLower(acronymEnd.ReplaceAllString(lowerUpper.ReplaceAllString(string(k), "${1}_${2}"), "${1}_${2}"))
	apiNames.Lock()
	apiNames.m[string(k)] = n
	apiNames.Unlock()
	return n
}

// isGoName: a key encoding/json writes for an untagged exported field, [A-Z][A-Za-z0-9]*. A
// key written by a tag or a map is lower-case (snake_case) already, and is left alone.
func isGoName(k []byte) bool {
	if len(k) == 0 || len(k) > 64 || k[0] < 'A' || k[0] > 'Z' {
		return false
	}
	for _, c := range k {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// AuditJSON is the JSON of an audited value as the audit trail stores it: with the API's
// field names.
func AuditJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return apiNamed(b), nil
}

// apiNamed renames the Go-named keys of a JSON document, at any depth, in one pass over its
// bytes: a string followed by a colon is a key (inside a string every quote is escaped), and
// values are copied as they are, so numbers, escapes and the order of keys stay. A document
// without any (no quote followed by a capital letter) is returned as it is.
func apiNamed(b []byte) []byte {
	if !mayHaveGoNames(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		if b[i] != '"' {
			out = append(out, b[i])
			i++
			continue
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(b) {
			return b // not JSON: left as it is
		}
		k := j + 1
		for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
			k++
		}
		if key := b[i+1 : j]; k < len(b) && b[k] == ':' && isGoName(key) {
			out = append(out, '"')
			out = append(out, apiNameOf(key)...)
			out = append(out, '"')
		} else {
			out = append(out, b[i:j+1]...)
		}
		i = j + 1
	}
	return out
}

func mayHaveGoNames(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '"' && b[i+1] >= 'A' && b[i+1] <= 'Z' {
			return true
		}
	}
	return false
}

// apiNamedEntry renames the keys of a stored entry's before and after (see above).
func apiNamedEntry(e *AuditEntry) {
	for _, p := range []**string{&e.Before, &e.After} {
		if *p != nil && mayHaveGoNames([]byte(**p)) {
			s := string(apiNamed([]byte(**p)))
			*p = &s
		}
	}
}
