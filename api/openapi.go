package api

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// routeDoc describes one route for the OpenAPI document: a summary, the request body
// schema, the success status and its response schema (component names, or "" for none).
type routeDoc struct {
	Summary  string
	Request  string
	Status   int
	Response string
	Query    []string // query parameters
}

// routeDocs documents every route of Routes(); a test fails when one is missing.
var routeDocs = map[string]routeDoc{
	"POST /api/v1/auth/login":                            {"Sign in; sets the session cookie", "Login", 200, "LoginResult", nil},
	"POST /api/v1/auth/logout":                           {"Sign out; ends the session", "", 204, "", nil},
	"GET /api/v1/me":                                     {"The signed-in user and the CSRF token", "", 200, "Me", nil},
	"GET /api/v1/openapi.json":                           {"This document", "", 200, "OpenAPIDocument", nil},
	"GET /api/v1/tokens":                                 {"The signed-in user's API tokens", "", 200, "TokenList", nil},
	"POST /api/v1/tokens":                                {"Create an API token; shown only this once", "TokenCreate", 201, "TokenCreated", nil},
	"DELETE /api/v1/tokens/{id}":                         {"Revoke an API token", "", 204, "", nil},
	"GET /api/v1/users":                                  {"List accounts", "", 200, "UserList", []string{"limit", "cursor"}},
	"POST /api/v1/users":                                 {"Create an account", "UserCreate", 201, "User", nil},
	"PATCH /api/v1/users/{id}":                           {"Change an account (role, disabled, password…); a new password or disabling revokes its API tokens", "UserWrite", 200, "User", nil},
	"DELETE /api/v1/users/{id}":                          {"Delete an account (its annotations are kept)", "", 204, "", nil},
	"GET /api/v1/outlets":                                {"List outlets; q matches names, aliases and domains", "", 200, "OutletList", []string{"q", "limit", "cursor"}},
	"GET /api/v1/outlets/{id}":                           {"One outlet", "", 200, "Outlet", nil},
	"POST /api/v1/outlets":                               {"Create an outlet", "OutletCreate", 201, "Outlet", nil},
	"PATCH /api/v1/outlets/{id}":                         {"Change an outlet (with its version, or none for the current one); a PATCH that changes nothing keeps the version and is not audited", "OutletWrite", 200, "Outlet", nil},
	"DELETE /api/v1/outlets/{id}":                        {"Delete an outlet nothing refers to (409 in_use otherwise)", "", 204, "", nil},
	"POST /api/v1/outlets/{id}/merge":                    {"Merge an outlet into another, keeping its names as aliases; an article whose text the other has is folded into that one (moved.duplicates); a second merge of the same outlet is 404", "Merge", 200, "MergeResult", nil},
	"GET /api/v1/outlets/{id}/merge-preview":             {"What a merge of this outlet would move; with into_id, also how many of its articles that outlet has already (duplicates: kept once, their annotations, regions and reviews moved to the staying article)", "", 200, "MergePreview", []string{"into_id"}},
	"GET /api/v1/outlets/{id}/feeds":                     {"The outlet's feeds, each with its last poll, status, counts and last error", "", 200, "FeedList", nil},
	"POST /api/v1/outlets/{id}/poll":                     {"Poll the outlet's feeds now and import what they list (409 in_use while a poll runs)", "", 200, "FeedList", nil},
	"GET /api/v1/articles":                               {"List articles (without text)", "", 200, "ArticleList", []string{"outlet_id", "limit", "cursor"}},
	"POST /api/v1/articles":                              {"Store an article", "ArticleWrite", 201, "ArticleText", nil},
	"POST /api/v1/articles/import":                       {"Import articles: newline-delimited JSON (default), a JSON array, plain text or HTML; a body with no article in it (empty, blank, an empty array) is 422 invalid", "", 200, "ImportReport", []string{"format", "outlet", "url", "title", "filename"}},
	"GET /api/v1/articles/{id}":                          {"One article with its text and the reader's review; include=annotations,regions adds the annotations the reader may see (narrowed by user_id) and the regions, to open an article in one request", "", 200, "ArticleText", []string{"include", "user_id"}},
	"GET /api/v1/articles/{id}/annotations":              {"An article's annotations (blind until the reviewer completes); layer=consensus lists the consensus layer (not for reviewers)", "", 200, "AnnotationList", []string{"user_id", "layer", "limit", "cursor"}},
	"POST /api/v1/articles/{id}/annotations":             {"Annotate a passage; 409 review_completed when the reader has marked the article done (reopen first), review_locked when their review is frozen", "AnnotationCreate", 201, "Annotation", nil},
	"GET /api/v1/articles/{id}/regions":                  {"Quote and comment regions: the detected ones, each with the reader's own status (proposed until they decide), and manual ones (a reviewer sees only their own)", "", 200, "RegionList", nil},
	"POST /api/v1/articles/{id}/regions":                 {"Mark a quote or comments region", "RegionCreate", 201, "Region", nil},
	"POST /api/v1/articles/{id}/complete":                {"The signed-in reviewer has finished the article; with {\"layer\": \"consensus\"} (curator, admin) the article is adjudicated", "Completion?", 200, "Review", nil},
	"DELETE /api/v1/articles/{id}/complete":              {"Reopen the signed-in reviewer's finished review; 409 review_locked once they have been shown the others' work (only an admin can reopen it then); with ?layer=consensus (curator, admin) reopen the adjudication", "", 200, "Review", []string{"layer"}},
	"GET /api/v1/adjudications":                          {"The articles open to curators (every assigned reviewer finished, or opened by an admin), with their adjudication status", "", 200, "CurationQueue", []string{"limit", "cursor"}},
	"GET /api/v1/articles/{id}/adjudication":             {"Every finished reviewer's annotations and regions grouped into units (same label or kind, overlapping spans) with how many reviewers marked each, disagreements first, beside the consensus; the first opening pre-merges the units every finished reviewer agrees on", "", 200, "Adjudication", nil},
	"POST /api/v1/articles/{id}/adjudication/accept":     {"Accept all of one finished reviewer's annotations of one label into the consensus (those it has already are skipped)", "AcceptUnits", 200, "AcceptUnitsResult", nil},
	"POST /api/v1/articles/{id}/adjudication/open":       {"Open the article to curators before every assigned reviewer has finished", "", 200, "AdjudicationOpened", nil},
	"GET /api/v1/articles/{id}/reprints":                 {"Passages this article shares with others, with the label counts there that the reader may see (blind review holds on the other article too)", "", 200, "ReprintList", nil},
	"POST /api/v1/articles/{id}/rescan":                  {"Run reprint detection again for one article", "", 200, "RegionList", nil},
	"POST /api/v1/reprints/rebuild":                      {"Rebuild the reprint index from the database", "", 200, "RebuildResult", nil},
	"PATCH /api/v1/annotations/{id}":                     {"Change an annotation (with its version, or none for the current one); a PATCH that changes nothing keeps the version and is not audited", "AnnotationWrite", 200, "Annotation", nil},
	"DELETE /api/v1/annotations/{id}":                    {"Delete an annotation", "", 204, "", nil},
	"PATCH /api/v1/regions/{id}":                         {"Accept or reject a region for oneself (status), or re-credit it (a manual region: its author or an admin, 403 otherwise; a detected one: an admin); 409 review_completed or review_locked when the reader's review takes no changes; a PATCH that changes nothing keeps the version and is not audited", "RegionWrite", 200, "Region", nil},
	"DELETE /api/v1/regions/{id}":                        {"Delete a region (a manual one: its author or an admin; a detected one: an admin)", "", 204, "", nil},
	"GET /api/v1/articles/{id}/suggestions":              {"Machine suggestions for the signed-in reviewer (never counted in scores)", "", 200, "SuggestionList", nil},
	"POST /api/v1/articles/{id}/suggestions/accept":      {"Accept a suggestion: it becomes the reviewer's annotation", "SuggestionDecision", 201, "Annotation", nil},
	"POST /api/v1/articles/{id}/suggestions/reject":      {"Reject a suggestion (counted against its rule)", "SuggestionDecision", 204, "", nil},
	"DELETE /api/v1/articles/{id}/suggestions/decisions": {"Take back a decision on a suggestion (undo a rejection)", "SuggestionDecision", 204, "", nil},
	"GET /api/v1/suggestions/rules":                      {"Each suggestion rule with its acceptance rate", "", 200, "SuggestionRuleList", nil},
	"PATCH /api/v1/suggestions/rules/{rule}":             {"Switch a suggestion rule on or off", "SuggestionRuleWrite", 200, "SuggestionRuleList", nil},
	"GET /api/v1/suggestions/models":                     {"The suggestion models: the built-in one and every retrained one, with what each was trained on and its figures per label", "", 200, "SuggestionModelList", nil},
	"POST /api/v1/suggestions/models/train":              {"Retrain the suggestion models from the finished reviews in the background", "", 202, "TrainJob", nil},
	"GET /api/v1/suggestions/models/train/{id}":          {"A retraining job: queued, running, done, kept (the new model measured worse) or failed", "", 200, "TrainJob", nil},
	"GET /api/v1/queue":                                  {"The signed-in reviewer's articles still to do, assigned first", "", 200, "Queue", []string{"limit", "cursor"}},
	"GET /api/v1/audit":                                  {"Every change, newest first", "", 200, "AuditList", []string{"entity", "action", "actor_id", "limit", "cursor"}},
	"GET /api/v1/scores/outlets":                         {"Per-outlet label shares with 95% intervals, agreement and credibility (format=csv for CSV; by=month per month)", "", 200, "OutletScores", scoreParams},
	"GET /api/v1/scores/articles":                        {"Per-article scores per credited outlet (format=csv for every row as CSV)", "", 200, "ArticleScores", articleScoreParams},
	"GET /api/v1/scores/reviewers":                       {"Each reviewer's agreement with the others and shares beside the peers'", "", 200, "ReviewerScores", scoreParams},
	"GET /api/v1/scores/agreement":                       {"Krippendorff's alpha over the whole corpus, overall and per label", "", 200, "CorpusAgreement", scoreParams},
	"GET /api/v1/exports/annotations":                    {"Every annotation, streamed: format=jsonl (default), csv or jsonld (W3C Web Annotation AnnotationCollection)", "", 200, "", exportParams},
	"GET /api/v1/exports/datapackage.json":               {"Frictionless Data Package describing the CSV downloads (csv=raw: pointing at the raw ones)", "", 200, "DataPackage", []string{"csv"}},
	"GET /api/v1/exports/datapackage.zip":                {"A self-contained Frictionless Data Package (datapackage.json with the CSV files beside it, and the score inputs: articles, finished reviews, regions) for a Zenodo or OSF deposit", "", 200, "", nil},

	// Admin console: assignments, import preview, audit download.
	"POST /api/v1/assignments":             {"Assign articles to per_article distinct reviewers each, balanced by open assignments, never twice to one", "AssignRequest", 200, "AssignResult", nil},
	"POST /api/v1/assignments/remove":      {"Unassign articles from reviewers (from all when reviewer_ids is absent); an article id that names no article is 422 unknown_article and nothing is unassigned", "UnassignRequest", 200, "AssignResult", nil},
	"GET /api/v1/assignments/progress":     {"Progress per reviewer and per assigned article", "", 200, "AssignmentProgress", []string{"limit", "cursor"}},
	"POST /api/v1/articles/{id}/reopen":    {"Reopen a reviewer's finished review, frozen or not; it heads their queue again, and one reopened after its reviewer saw the others is marked reopened_after_viewing for good", "Reopen", 200, "Review", nil},
	"POST /api/v1/articles/import/urls":    {"Fetch article pages by URL (internal addresses refused unless --feed-allow-private), extract their text and import each, or with preview say what importing would do; a page not fetched or read is an error of its URL (refused, too_large, fetch_failed)", "URLImport", 200, "URLImportReport", nil},
	"POST /api/v1/articles/import/preview": {"What importing the body would do, per line (created, duplicate, error); stores nothing; a body with no article in it is 422 invalid", "", 200, "ImportReport", []string{"format", "outlet", "url", "title", "filename"}},
	"GET /api/v1/exports/audit":            {"Download the audit trail as CSV or JSON Lines, newest first", "", 200, "", []string{"format", "csv", "entity", "action", "actor_id"}},
}

var ginParam = regexp.MustCompile(`:(\w+)`)

// openAPIPath turns gin's /x/:id into OpenAPI's /x/{id}.
func openAPIPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func listOf(name string) map[string]any {
	return obj(map[string]any{"items": map[string]any{"type": "array", "items": ref(name)}, "next_cursor": str}, "items", "next_cursor")
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer", "format": "int64"}
	number  = map[string]any{"type": "number"}
	boolean = map[string]any{"type": "boolean"}
	tstamp  = map[string]any{"type": "string", "format": "date-time"}
	strs    = map[string]any{"type": "array", "items": str}
	label   = map[string]any{"type": "string", "enum": []string{"sourced_fact", "speculation", "opinion", "loaded_language"}}
	nullInt = orNull(integer)
	// layerSchema: the layer of an annotation or region (annotate.LayerReview, LayerConsensus).
	layerSchema = map[string]any{"type": "string", "enum": []string{"review", "consensus"}, "description": "review: a reviewer's own work (the default); consensus: a curator's adjudication"}
)

// auditSnapshot is an audit entry's before or after: the row as JSON, its fields named as the
// API names them (models.APIName), or null.
var auditSnapshot = map[string]any{"description": "the row before or after the change, or null; its fields have the API's names (outlet_id, source_url), also in entries stored before that was so"}

// orNull lets a schema also be null. The document is OpenAPI 3.1, whose schemas are JSON
// Schema 2020-12: null is a type of its own (3.0's "nullable" keyword means nothing there).
func orNull(s map[string]any) map[string]any {
	if t, ok := s["type"].(string); ok {
		n := maps.Clone(s)
		n["type"] = []string{t, "null"}
		return n
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// schemas are the components of the OpenAPI document, group by group.
func schemas() map[string]any {
	s := accountSchemas()
	for _, g := range []map[string]any{outletSchemas(), corpusSchemas(), researchSchemas(), suggestionSchemas()} {
		maps.Copy(s, g)
	}
	// One article (GET /articles/{id}, POST /articles) always has its text; a list's do not.
	s["ArticleText"] = requiring(s["Article"].(map[string]any), "text")
	// A create needs what a change may leave out (the handlers answer 422 invalid without it).
	s["UserCreate"] = requiring(s["UserWrite"].(map[string]any), "email", "name", "role", "password")
	s["OutletCreate"] = requiring(s["OutletWrite"].(map[string]any), "name")
	s["AnnotationCreate"] = requiring(s["AnnotationWrite"].(map[string]any), "label", "start", "end")
	s["RegionCreate"] = requiring(s["RegionWrite"].(map[string]any), "kind", "start", "end")
	return s
}

// requiring is an object schema with more of its properties required.
func requiring(o map[string]any, fields ...string) map[string]any {
	n := maps.Clone(o)
	req, _ := o["required"].([]string)
	n["required"] = append(slices.Clone(req), fields...)
	return n
}

// accountSchemas: sign-in, the caller, tokens and accounts.
func accountSchemas() map[string]any {
	user := map[string]any{"id": integer, "email": str, "name": str, "role": map[string]any{"type": "string", "enum": []string{"admin", "reviewer", "researcher", "curator"}}, "disabled": boolean}
	return map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{"code": str, "message": str, "field": str, "details": map[string]any{}}, "code", "message"),
			// A version_conflict carries the resource as it is now, in error.details.current and here.
			"current": map[string]any{"type": "object", "description": "on version_conflict: the resource as it is now"}}, "error"),
		"Login":       obj(map[string]any{"email": str, "password": str}, "email", "password"),
		"LoginResult": obj(map[string]any{"user": ref("User"), "csrf_token": str}, "user", "csrf_token"),
		"User":        obj(user, "id", "email", "name", "role", "disabled"),
		"UserList":    listOf("User"),
		"UserWrite":   obj(map[string]any{"email": str, "name": str, "role": map[string]any{"type": "string", "enum": []string{"admin", "reviewer", "researcher", "curator"}}, "password": str, "disabled": boolean}),
		"Me": obj(map[string]any{"id": integer, "email": str, "name": str, "role": str, "disabled": boolean, "user": ref("User"),
			"csrf_token": map[string]any{"type": "string", "description": "with a session cookie only"}}, "id", "email", "name", "role", "disabled", "user"),
		"TokenCreate":  obj(map[string]any{"name": str}, "name"),
		"TokenCreated": obj(map[string]any{"id": integer, "name": str, "token": str, "created_at": tstamp}, "id", "name", "token", "created_at"),
		"TokenList": obj(map[string]any{"items": map[string]any{"type": "array", "items": obj(map[string]any{"id": integer, "name": str, "created_at": tstamp,
			"last_used_at": orNull(tstamp)}, "id", "name", "created_at", "last_used_at")}, "next_cursor": str}, "items", "next_cursor"),
	}
}

// outletSchemas: outlets, their feeds and merges.
func outletSchemas() map[string]any {
	outlet := map[string]any{"id": integer, "name": str, "slug": str, "homepage": str, "domains": strs, "aliases": strs, "country": str, "notes": str, "article_count": integer, "version": integer,
		"feeds": strs, // the feed URLs set with PATCH {feeds}; their polls are in GET /outlets/{id}/feeds
		// Present only when there is something to flag: a name or alias mixing scripts (code mixed_scripts).
		"warnings": map[string]any{"type": "array", "items": obj(map[string]any{"field": str, "code": map[string]any{"type": "string", "enum": []string{"mixed_scripts"}}, "message": str}, "field", "code", "message")}}
	return map[string]any{
		"Outlet":     obj(outlet, "id", "name", "slug", "homepage", "domains", "aliases", "country", "notes", "article_count", "version", "feeds"),
		"OutletList": listOf("Outlet"),
		"OutletWrite": obj(map[string]any{"version": integer, "name": str, "slug": str, "homepage": str, "domains": strs, "aliases": strs, "country": str, "notes": str,
			"feeds": map[string]any{"type": "array", "items": str, "description": "RSS, Atom or sitemap URLs; replaces the outlet's feeds"}}),
		"Feed": obj(map[string]any{"id": integer, "outlet_id": integer, "url": str, "last_polled_at": orNull(tstamp),
			"status": map[string]any{"type": "string", "enum": []string{"never", "ok", "not_modified", "error", "refused"}}, "last_error": str,
			"polls": integer, "not_modified": integer, "created": integer, "updated": integer, "skipped_duplicates": integer, "errors": integer},
			"id", "outlet_id", "url", "last_polled_at", "status", "last_error", "polls", "not_modified", "created", "updated", "skipped_duplicates", "errors"),
		"FeedList": listOf("Feed"),
		"Merge":    obj(map[string]any{"into_id": integer}, "into_id"),
		"MergeResult": obj(map[string]any{"outlet": ref("Outlet"), "moved": obj(map[string]any{"articles": integer, "regions": integer, "duplicates": integer}),
			// The outlet kept, also at the top level (as the first answers had it).
			"id": integer, "name": str, "aliases": strs, "domains": strs, "article_count": integer}, "outlet", "moved"),
		"MergePreview": obj(map[string]any{"outlet": ref("Outlet"), "moves": obj(map[string]any{"articles": integer, "regions": integer, "duplicates": integer}), "aliases_kept": strs, "domains_moved": strs}),
	}
}

// corpusSchemas: articles, annotations, regions, reviews, reprints, the queue and the audit trail.
func corpusSchemas() map[string]any {
	source := obj(map[string]any{"text": str, "url": str})
	return map[string]any{
		"Article": obj(map[string]any{"id": integer, "outlet_id": integer, "outlet_name": str, "title": str, "url": str, "author": str,
			"published_at": orNull(tstamp), "text": str, "text_sha256": str, "text_length": integer,
			"revision":   map[string]any{"type": "integer", "minimum": 1, "description": "1 for the first text; each re-import with an edited text adds one"},
			"created_at": tstamp, "review": obj(map[string]any{"status": str, "assigned": boolean, "completed_at": orNull(tstamp), "locked": boolean, "reopened_after_viewing": boolean},
				"status", "assigned", "completed_at", "locked", "reopened_after_viewing"),
			"annotations": map[string]any{"type": "array", "items": ref("Annotation")}, "regions": map[string]any{"type": "array", "items": ref("Region")}},
			"id", "outlet_id", "title", "url", "author", "published_at", "text_sha256", "revision"),
		"ArticleList":  listOf("Article"),
		"ArticleWrite": obj(map[string]any{"outlet_id": integer, "outlet": str, "title": str, "url": str, "author": str, "published_at": tstamp, "text": str}, "title", "text"),
		"ImportResult": obj(map[string]any{"created": integer, "updated": integer, "skipped_duplicates": integer, "ids": map[string]any{"type": "array", "items": integer},
			"errors": map[string]any{"type": "array", "items": obj(map[string]any{"line": integer, "code": str, "message": str, "field": str})}}, "created", "skipped_duplicates", "errors"),
		"Annotation": obj(map[string]any{"id": integer, "article_id": integer, "user_id": integer, "user_name": str, "label": label,
			"start": integer, "end": integer, "exact": str, "prefix": str, "suffix": str, "note": str, "source": orNull(source),
			"status": map[string]any{"type": "string", "enum": []string{"anchored", "orphaned"}}, "version": integer, "created_at": tstamp, "updated_at": tstamp,
			"origin":           map[string]any{"type": "string", "enum": []string{"manual", "suggestion"}, "description": "suggestion: created by accepting a machine suggestion of suggestion_model"},
			"suggestion_model": str,
			"layer":            map[string]any{"type": "string", "enum": []string{"review", "consensus"}, "description": "review: a reviewer's own work; consensus: a curator's adjudication"}},
			"id", "article_id", "user_id", "label", "start", "end", "exact", "note", "source", "status", "version", "origin", "layer"),
		"AnnotationList":  listOf("Annotation"),
		"AnnotationWrite": obj(map[string]any{"version": integer, "label": label, "start": integer, "end": integer, "exact": str, "note": str, "source": orNull(source), "layer": layerSchema}),
		"Region": obj(map[string]any{"id": integer, "article_id": integer, "kind": map[string]any{"type": "string", "enum": []string{"quote", "comments"}},
			"start": integer, "end": integer, "exact": str, "origin_outlet_id": nullInt, "origin_outlet_name": str,
			"origin": map[string]any{"type": "string", "enum": []string{"manual", "detected"}},
			"status": map[string]any{"type": "string", "enum": []string{"proposed", "accepted", "rejected"}},
			"reason": str, "relation": str, "other_article_id": nullInt, "created_by": nullInt, "version": integer, "created_at": tstamp, "layer": layerSchema,
			"anchor": map[string]any{"type": "string", "enum": []string{"anchored", "orphaned"},
				"description": "orphaned when an edit of the article's text lost the passage; exact is then the old text"}},
			"id", "article_id", "kind", "start", "end", "exact", "origin_outlet_id", "origin", "status", "reason", "layer", "version", "anchor"),
		"RegionList": listOf("Region"),
		"RegionWrite": obj(map[string]any{"version": integer, "kind": map[string]any{"type": "string", "enum": []string{"quote", "comments"}}, "start": integer, "end": integer, "exact": str, "origin_outlet_id": nullInt,
			"status": map[string]any{"type": "string", "enum": []string{"proposed", "accepted", "rejected"}}, "layer": layerSchema}),
		"Review": obj(map[string]any{"article_id": integer, "user_id": integer, "completed_at": orNull(tstamp), "status": str,
			"reviewer_id": integer, "assigned": boolean, "locked": boolean, "reopened_after_viewing": boolean,
			"layer": layerSchema, "adjudicated_at": orNull(tstamp), "adjudicated_by": nullInt},
			"article_id", "user_id", "completed_at", "locked", "reopened_after_viewing"),
		"Completion": obj(map[string]any{"layer": layerSchema}),
		"Reprint": obj(map[string]any{"article_id": integer, "outlet_id": integer, "outlet_name": str, "title": str, "start": integer, "end": integer,
			"other_start": integer, "other_end": integer, "similarity": number,
			"annotations": map[string]any{"type": "object", "description": "label counts on the other article's passage", "additionalProperties": integer}}, "article_id", "outlet_id", "start", "end", "other_start", "other_end", "similarity"),
		"ReprintList": listOf("Reprint"),
		"Queue": obj(map[string]any{"items": map[string]any{"type": "array", "items": obj(map[string]any{"article_id": integer, "title": str, "outlet": str,
			"assigned": boolean, "status": map[string]any{"type": "string", "enum": []string{"todo", "in_progress", "completed"}}, "annotations": integer},
			"article_id", "title", "outlet", "assigned", "status", "annotations")}, "next_cursor": str}, "items", "next_cursor"),
		"AuditEntry": obj(map[string]any{"id": integer, "at": tstamp, "actor_id": nullInt, "action": str, "entity": str, "entity_id": integer, "before": auditSnapshot, "after": auditSnapshot},
			"id", "at", "actor_id", "action", "entity", "entity_id", "before", "after"),
		"AuditList": listOf("AuditEntry"),
	}
}

// researchSchemas: scores, exports, assignments and imports.
func researchSchemas() map[string]any {
	return map[string]any{
		"OutletScores":    scoreSchemas()["OutletScores"],
		"ArticleScores":   scoreSchemas()["ArticleScores"],
		"ReviewerScores":  scoreSchemas()["ReviewerScores"],
		"CorpusAgreement": scoreSchemas()["CorpusAgreement"],
		"ExportRecord":    scoreSchemas()["ExportRecord"],
		"DataPackage":     scoreSchemas()["DataPackage"],

		"AssignRequest": obj(map[string]any{"article_ids": map[string]any{"type": "array", "items": integer}, "reviewer_ids": map[string]any{"type": "array", "items": integer}, "per_article": integer,
			"suggestions": map[string]any{"type": "boolean", "default": true, "description": "false: the reviewers of the pairs this request creates are shown no machine suggestions on those articles"}}, "article_ids"),
		"UnassignRequest": obj(map[string]any{"article_ids": map[string]any{"type": "array", "items": integer}, "reviewer_ids": map[string]any{"type": "array", "items": integer}}, "article_ids"),
		"AssignResult": obj(map[string]any{"items": map[string]any{"type": "array", "items": obj(map[string]any{"article_id": integer, "reviewer_id": integer, "created": boolean}, "article_id", "reviewer_id")},
			"created": integer}, "items"),
		"AssignmentProgress": obj(map[string]any{
			"reviewers": map[string]any{"type": "array", "items": obj(map[string]any{"reviewer_id": integer, "name": str, "email": str, "disabled": boolean,
				"assigned": integer, "completed": integer, "in_progress": integer, "todo": integer})},
			"articles": map[string]any{"type": "array", "items": obj(map[string]any{"article_id": integer, "title": str, "outlet": str, "assigned": integer, "completed": integer,
				"reviewers": map[string]any{"type": "array", "items": obj(map[string]any{"reviewer_id": integer, "name": str, "assigned": boolean,
					"status": map[string]any{"type": "string", "enum": []string{"todo", "in_progress", "completed"}}, "assigned_at": orNull(tstamp), "completed_at": orNull(tstamp), "annotations": integer})}})},
			"next_cursor": str}, "reviewers", "articles", "next_cursor"),
		"Reopen":    obj(map[string]any{"reviewer_id": integer}, "reviewer_id"),
		"URLImport": obj(map[string]any{"outlet_id": integer, "urls": strs, "preview": boolean}, "urls"),
		"URLImportReport": obj(map[string]any{"dry_run": boolean, "items": map[string]any{"type": "array", "items": obj(map[string]any{"url": str, "report": ref("ImportReport"),
			"error": obj(map[string]any{"code": map[string]any{"type": "string", "enum": []string{"refused", "too_large", "fetch_failed"}}, "message": str}, "code", "message")}, "url")}}, "dry_run", "items"),
		"ImportReport": obj(map[string]any{"created": integer, "updated": integer, "skipped_duplicates": integer, "ids": map[string]any{"type": "array", "items": integer}, "error_count": integer, "truncated": boolean, "format": str, "dry_run": boolean,
			"errors":     map[string]any{"type": "array", "items": obj(map[string]any{"line": integer, "code": str, "message": str, "field": str, "title": str}, "line", "code", "message")},
			"duplicates": map[string]any{"type": "array", "items": obj(map[string]any{"line": integer, "title": str, "url": str, "existing_id": integer, "duplicate_of_line": integer})},
			"items": map[string]any{"type": "array", "items": obj(map[string]any{"line": integer, "status": map[string]any{"type": "string", "enum": []string{"created", "updated", "duplicate", "error"}},
				"title": str, "url": str, "outlet_id": integer, "outlet": str, "id": integer, "existing_id": integer, "revision": integer, "duplicate_of_line": integer, "code": str, "message": str, "field": str})}},
			"created", "updated", "skipped_duplicates", "errors"),
	}
}

// suggestionSchemas: suggestions, their rules and models.
func suggestionSchemas() map[string]any {
	return map[string]any{
		"Suggestion": obj(map[string]any{"label": label, "start": integer, "end": integer, "exact": str, "reason": str, "rule": str, "cue": str,
			"confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1}, "model": str}, "label", "start", "end", "exact", "reason", "rule", "confidence", "model"),
		"SuggestionList": suggestionList(),
		"SuggestionDecision": obj(map[string]any{"label": label, "start": integer, "end": integer, "rule": str, "note": str,
			"model": map[string]any{"type": "string", "description": "the suggestion's model, recorded as the annotation's suggestion_model"}}, "label", "start", "end", "rule"),
		"SuggestionRule": obj(map[string]any{"rule": str, "label": label, "description": str, "enabled": boolean, "accepted": integer, "rejected": integer,
			"acceptance_rate": orNull(number)}),
		"SuggestionRuleList":  listOf("SuggestionRule"),
		"Adjudication":        adjudicationSchema(),
		"AcceptUnits":         obj(map[string]any{"reviewer_id": integer, "label": label}, "reviewer_id", "label"),
		"AcceptUnitsResult":   obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Annotation")}, "created": integer, "skipped": integer}, "items", "created"),
		"AdjudicationOpened":  obj(map[string]any{"article_id": integer, "opened_at": tstamp, "opened_by": nullInt}),
		"CurationQueue":       listOf("CurationItem"),
		"CurationItem":        curationItemSchema(),
		"SuggestionRuleWrite": obj(map[string]any{"enabled": boolean}, "enabled"),
		"SuggestionModel":     suggestionModelSchema(),
		"SuggestionModelList": listOf("SuggestionModel"),
		"TrainJob":            trainJobSchema(),
	}
}

// OpenAPI builds the OpenAPI 3 document from the route table.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range s.Routes() {
		p := openAPIPath(r.Path)
		op := operation(r, p)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Credence: source-credibility and bias annotator", "version": "1.0.0",
			"description": "Offsets are Unicode code points into the stored (NFC) text, end exclusive. Errors: {error: {code, message, field}}. Cookie-authenticated state changes need the X-CSRF-Token header."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": allSchemas(),
			"securitySchemes": map[string]any{
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
		"security": []any{map[string]any{"cookie": []any{}}, map[string]any{"bearer": []any{}}},
	}
}

// operation documents one route: who may call it, its parameters, body and answers.
func operation(r Route, p string) map[string]any {
	d := routeDocs[r.Method+" "+p]
	op := map[string]any{"summary": d.Summary, "operationId": strings.ToLower(r.Method) + strings.ReplaceAll(strings.NewReplacer("{", "", "}", "", "-", "_").Replace(strings.TrimPrefix(p, "/api/v1")), "/", "_")}
	who := "any signed-in user"
	switch {
	case r.Public:
		who = "anyone"
		op["security"] = []any{}
	case r.Roles != nil:
		who = strings.Join(r.Roles, ", ")
	}
	op["description"] = "Who: " + who + "."
	var params []any
	for _, m := range ginParam.FindAllStringSubmatch(r.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": integer})
	}
	for _, q := range d.Query {
		sch := str
		switch {
		case q == "limit" || strings.HasSuffix(q, "_id"):
			sch = integer
		case q == "layer": // any other value is 400 bad_request (queryLayer)
			sch = map[string]any{"type": "string", "enum": []string{"review", "consensus"}, "description": "review (the default) or consensus; any other value is 400 bad_request"}
		case q == "csv": // API.md "Safer defaults": cells unchanged instead of formulas neutralised
			sch = map[string]any{"type": "string", "enum": []string{"raw"}}
		}
		params = append(params, map[string]any{"name": q, "in": "query", "schema": sch})
	}
	if params != nil {
		op["parameters"] = params
	}
	if d.Request != "" { // "Name?": an optional body
		op["requestBody"] = map[string]any{"required": !strings.HasSuffix(d.Request, "?"),
			"content": map[string]any{"application/json": map[string]any{"schema": ref(strings.TrimSuffix(d.Request, "?"))}}}
	}
	if strings.HasPrefix(r.Path, "/api/v1/articles/import") {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/x-ndjson": map[string]any{"schema": str},
			"application/json": map[string]any{"schema": map[string]any{"type": "array", "items": ref("ArticleWrite")}}, "text/plain": map[string]any{"schema": str}, "text/html": map[string]any{"schema": str}}}
	}
	ok := map[string]any{"description": http.StatusText(d.Status)}
	if content := successContent(r.Method+" "+p, d.Response); len(content) > 0 {
		ok["content"] = content
	}
	responses := map[string]any{itoa(d.Status): ok}
	for _, st := range errorStatuses {
		responses[itoa(st)] = errorResponse(st)
	}
	op["responses"] = responses
	return op
}

func allSchemas() map[string]any {
	s := schemas()
	maps.Copy(s, mediaSchemas())
	withCodes(s["Error"].(map[string]any))
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Server) openapi(c *gin.Context) error { c.JSON(http.StatusOK, s.OpenAPI()); return nil }
