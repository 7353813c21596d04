package api

// The OpenAPI schemas of the adjudication routes (adjudication.go).

// adjudicationSchema is the answer of GET /articles/{id}/adjudication.
func adjudicationSchema() map[string]any {
	unit := obj(map[string]any{"kind": map[string]any{"type": "string", "description": "the label, or for a region unit quote or comments"},
		"start": integer, "end": integer, "exact": str, "reviewers": integer, "of": integer,
		"agreed":       map[string]any{"type": "boolean", "description": "every finished reviewer marked this very span once (such units are pre-merged)"},
		"in_consensus": boolean, "annotations": map[string]any{"type": "array", "items": ref("Annotation")},
		"regions":        map[string]any{"type": "array", "items": ref("Region")},
		"mark_reviewers": map[string]any{"type": "array", "items": integer, "description": "who made each mark, in the order of annotations (or regions)"}},
		"kind", "start", "end", "reviewers", "of", "agreed", "in_consensus", "mark_reviewers")
	units := map[string]any{"type": "array", "items": unit, "description": "disagreements first, then in text order"}
	return obj(map[string]any{"article_id": integer, "status": map[string]any{"type": "string", "enum": []string{"open", "adjudicated"}},
		"opened_by_admin": boolean, "adjudicated_at": orNull(tstamp), "adjudicated_by": nullInt,
		"premerged": map[string]any{"type": "integer", "description": "annotations and regions this opening merged into the consensus (only the first opening merges)"},
		"reviewers": map[string]any{"type": "array", "items": obj(map[string]any{"reviewer_id": integer, "name": str, "completed_at": tstamp}, "reviewer_id", "name", "completed_at")},
		"units":     units, "region_units": units,
		"consensus": obj(map[string]any{"annotations": map[string]any{"type": "array", "items": ref("Annotation")}, "regions": map[string]any{"type": "array", "items": ref("Region")}},
			"annotations", "regions")},
		"article_id", "status", "opened_by_admin", "adjudicated_at", "adjudicated_by", "premerged", "reviewers", "units", "region_units", "consensus")
}

// curationItemSchema is one article of GET /api/v1/adjudications.
func curationItemSchema() map[string]any {
	return obj(map[string]any{"article_id": integer, "title": str, "outlet": str, "finished_reviews": integer,
		"status": map[string]any{"type": "string", "enum": []string{"open", "adjudicated"}}, "opened_by_admin": boolean,
		"adjudicated_at": orNull(tstamp)}, "article_id", "title", "outlet", "finished_reviews", "status", "opened_by_admin", "adjudicated_at")
}
