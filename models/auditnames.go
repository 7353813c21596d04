package models

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// The audit trail's before and after are the changed rows as JSON with the API's field names
// ("outlet_id", "source_url"), as GET /api/v1/audit shows them. The rows are Go structs
// without JSON tags, whose encoding names the fields as Go does ("OutletID"), so AuditJSON
// renames those keys; entries stored before it did are renamed as they are read (ListAudit),
// so old and new entries read alike.

// goName is a key encoding/json writes for an untagged exported field. A key written by a
// tag or a map is lower-case (snake_case) already, and is left alone.
var goName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

var (
	lowerUpper = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	acronymEnd = regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`)
)

// APIName is the API's name of a Go field name: "ArticleID" → "article_id", "SourceURL" →
// "source_url", "TextSHA256" → "text_sha256" (the admin console's apiName does the same).
func APIName(k string) string {
	if !goName.MatchString(k) {
		return k
	}
	return strings.ToLower(acronymEnd.ReplaceAllString(lowerUpper.ReplaceAllString(k, "${1}_${2}"), "${1}_${2}"))
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

// apiNamed renames the Go-named keys of a JSON document, at any depth; a document without
// any (no quote followed by a capital letter) is returned as it is, without decoding it.
func apiNamed(b []byte) []byte {
	if !mayHaveGoNames(b) {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // ids and counts read back exactly
	var v any
	if dec.Decode(&v) != nil {
		return b
	}
	out, err := json.Marshal(renameKeys(v))
	if err != nil {
		return b
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

func renameKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[APIName(k)] = renameKeys(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = renameKeys(e)
		}
		return x
	}
	return v
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
