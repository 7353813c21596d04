package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// routeMedia lists, for routes that answer in more than JSON, each other media type of the
// success answer with its schema ("" for CSV, described by the route's summary). The checker
// of the API tests (api/openapitest) fails an answer whose Content-Type is not declared.
var routeMedia = map[string]map[string]string{
	"GET /api/v1/scores/outlets":           {"text/csv": ""},
	"GET /api/v1/scores/articles":          {"text/csv": ""},
	"GET /api/v1/scores/reviewers":         {"text/csv": ""},
	"GET /api/v1/exports/annotations":      {"application/x-ndjson": "ExportRecord", "text/csv": "", "application/ld+json": "AnnotationCollection"},
	"GET /api/v1/exports/audit":            {"application/x-ndjson": "AuditEntry", "text/csv": ""},
	"GET /api/v1/exports/datapackage.zip":  {"application/zip": ""},
	"POST /api/v1/articles/import":         {"application/x-ndjson": "ImportProgressLine"},
	"POST /api/v1/articles/import/preview": {"application/x-ndjson": "ImportProgressLine"},
}

// errorStatuses are the error answers every operation may give, each with the error envelope.
var errorStatuses = []int{
	http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
	http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
	http.StatusUnprocessableEntity, http.StatusTooManyRequests, http.StatusServiceUnavailable,
}

// errorResponse is the error answer of one status: the envelope, with the codes of the
// catalogue that have that status (so an answer whose code and status disagree fails the
// check of the API tests).
func errorResponse(status int) map[string]any {
	codes := codesWith(status)
	narrow := map[string]any{"properties": map[string]any{"error": map[string]any{"properties": map[string]any{"code": map[string]any{"enum": codes}}}}}
	return map[string]any{"description": http.StatusText(status) + ": " + strings.Join(codes, ", "),
		"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"allOf": []any{ref("Error"), narrow}}}}}
}

// codesWith lists the catalogue's codes of a status, sorted.
func codesWith(status int) []string {
	var codes []string
	for c, st := range catalogue {
		if st == status {
			codes = append(codes, string(c))
		}
	}
	slices.Sort(codes)
	return codes
}

// withCodes writes the whole catalogue into the error envelope's schema: the code is one of
// its codes, and x-status maps each code to its HTTP status (docs/api.md lists the same table).
func withCodes(envelope map[string]any) {
	codes := make([]string, 0, len(catalogue))
	status := map[string]int{}
	for c, st := range catalogue {
		codes = append(codes, string(c))
		status[string(c)] = st
	}
	slices.Sort(codes)
	inner := envelope["properties"].(map[string]any)["error"].(map[string]any)
	props := maps.Clone(inner["properties"].(map[string]any))
	props["code"] = map[string]any{"type": "string", "enum": codes, "x-status": status,
		"description": "stable and machine-readable: clients branch on it; x-status gives each code's HTTP status"}
	inner["properties"] = props
}

// successContent is the content map of a route's success answer: JSON with its schema (if
// it has one) and the other media types of routeMedia.
func successContent(key, response string) map[string]any {
	content := map[string]any{}
	if response != "" {
		content["application/json"] = map[string]any{"schema": ref(response)}
	}
	for mt, schema := range routeMedia[key] {
		s := str
		if schema != "" {
			s = ref(schema)
		}
		content[mt] = map[string]any{"schema": s}
	}
	return content
}

// mediaSchemas are the schemas of the answers that are not plain JSON objects of a resource:
// this document, the streamed import lines, the JSON-LD export.
func mediaSchemas() map[string]any {
	open := map[string]any{"type": "object"}
	waAnnotation := obj(map[string]any{"id": str, "type": str, "motivation": str,
		"body":    map[string]any{"type": "array", "items": open},
		"target":  obj(map[string]any{"source": str, "selector": map[string]any{"type": "array", "items": open}}, "source", "selector"),
		"creator": obj(map[string]any{"id": str, "type": str, "name": str}, "id", "type"),
		// generator: the machine suggester whose suggestion the creator accepted (origin suggestion).
		"generator": obj(map[string]any{"id": str, "type": map[string]any{"type": "string", "enum": []string{"Software"}}, "name": str}, "id", "type"),
		"created":   tstamp, "modified": tstamp}, "id", "type", "body", "target")
	return map[string]any{
		"OpenAPIDocument": obj(map[string]any{"openapi": str, "info": open, "servers": map[string]any{"type": "array"},
			"paths": open, "components": open, "security": map[string]any{"type": "array"}}, "openapi", "info", "paths"),
		"RebuildResult": obj(map[string]any{"indexed": integer, "took_ms": integer}, "indexed", "took_ms"),
		"ImportProgressLine": map[string]any{"description": "one line of a streamed import (Accept: application/x-ndjson): progress while it works, then the result or an error",
			"oneOf": []any{
				obj(map[string]any{"progress": obj(map[string]any{"items": integer, "bytes": integer, "total": integer}, "items", "bytes", "total")}, "progress"),
				obj(map[string]any{"result": ref("ImportReport")}, "result"),
				obj(map[string]any{"error": obj(map[string]any{"code": str, "message": str, "field": str, "details": map[string]any{}}, "code", "message")}, "error"),
			}},
		"AnnotationCollection": obj(map[string]any{"@context": str, "id": str, "type": str, "label": str, "total": integer,
			"first": obj(map[string]any{"id": str, "type": str, "partOf": str, "startIndex": integer,
				"items": map[string]any{"type": "array", "items": waAnnotation}}, "id", "type", "items")}, "@context", "id", "type", "total", "first"),
	}
}

// suggestionList is a list of suggestions with the warning given when the external model
// failed and only the built-in rules answered.
func suggestionList() map[string]any {
	l := listOf("Suggestion")
	props := maps.Clone(l["properties"].(map[string]any))
	props["warning"] = str
	props["hidden"] = map[string]any{"type": "boolean", "description": "true: the reader's assignment hides machine suggestions on this article, and items is empty"}
	l["properties"] = props
	return l
}
