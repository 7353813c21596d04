package api

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/credence-project/credence/annotate/score"
)

// Query parameters of the score and export routes, for the OpenAPI document.
var (
	scoreParams        = []string{"format", "csv", "exclude_reviewers", "outlet_id", "from", "to", "min_articles", "hide_low_sample", "by", "layer", "suggestions"}
	articleScoreParams = append(slices.Clone(scoreParams), "limit", "cursor")
	exportParams       = []string{"format", "csv", "outlet_id", "from", "to", "label", "user_id", "layer"}
)

// scoreSchemas are the OpenAPI schemas of the score and export responses, built from the
// score package's column lists so that they cannot drift from the rows.
func scoreSchemas() map[string]any {
	columns, perLabel := columnSchemas, perLabelSchema
	meta := map[string]any{
		"methodology": str, "data_version": str, "next_cursor": str,
		"excluded_reviewers": map[string]any{"type": "array", "items": integer},
		"options": obj(map[string]any{"seed": integer, "resamples": integer, "min_articles": integer, "confidence": number,
			"exclude_reviewers": map[string]any{"type": "array", "items": integer}}),
		"filters": map[string]any{"type": "object"},
	}
	withItems := func(item map[string]any) map[string]any {
		props := maps.Clone(meta)
		props["items"] = map[string]any{"type": "array", "items": item}
		return obj(props, "items", "methodology", "excluded_reviewers")
	}
	outletRow := columns(append([]string{"period"}, score.OutletColumns()...))
	reviewer := obj(map[string]any{"reviewer_id": integer, "reviewer": str, "articles": integer, "scored_chars": integer,
		"share": perLabel(number), "shared_articles": integer, "shared_chars": integer, "shared_share": perLabel(number),
		"peer_share": perLabel(number), "agreement_alpha": nullNum, "label_alpha": perLabel(nullNum)})
	agreement := maps.Clone(meta)
	agreement["agreement_alpha"] = nullNum
	agreement["label_alpha"] = perLabel(nullNum)
	agreement["region_alpha"] = nullNum
	agreement["articles"], agreement["reviewers"], agreement["scored_chars"] = integer, integer, integer
	export := exportRecordSchema()
	return map[string]any{
		"OutletScores":    withItems(obj(outletRow, outletRowRequired()...)),
		"ArticleScores":   withItems(obj(columns(score.ArticleColumns()))),
		"ReviewerScores":  withItems(reviewer),
		"CorpusAgreement": obj(agreement, "agreement_alpha", "label_alpha", "region_alpha"),
		"ExportRecord": obj(export, "id", "article_id", "outlet_id", "user_id", "label", "start", "end", "exact",
			// docs/api.md "Exports" and API.md "Second round": what every exported annotation carries.
			"article_url", "article_title", "published_at", "user", "reviewer_completed", "reopened_after_viewing",
			"credited_outlet_id", "credits", "origin", "suggestion_model", "layer"),
		"DataPackage": obj(map[string]any{"profile": str, "name": str, "title": str, "description": str, "created": tstamp,
			"resources": map[string]any{"type": "array", "items": obj(map[string]any{"name": str, "path": str, "title": str,
				"profile": str, "format": str, "mediatype": str, "encoding": str, "schema": map[string]any{"type": "object"},
				// neutralised: formula cells start with an added "'" (the default); raw: ?csv=raw
				"description": str, "csv_cells": map[string]any{"type": "string", "enum": []string{"neutralised", "raw"}}})}}),
	}
}

var nullNum = orNull(number)

// outletRowRequired are the columns API.md ("Outlet scores") promises in every outlet row,
// and docs/api.md's low_sample and ci_reason.
func outletRowRequired() []string {
	req := []string{"outlet_id", "outlet", "articles", "reviewers", "scored_chars"}
	for _, l := range score.AllLabels {
		req = append(req, string(l)+"_share", string(l)+"_ci_low", string(l)+"_ci_high")
	}
	return append(req, "agreement_alpha", "credibility", "credibility_ci_low", "credibility_ci_high", "low_sample", "ci_reason")
}

// columnSchemas types the columns of a score table by their names.
func columnSchemas(names []string) map[string]any {
	props := map[string]any{}
	for _, n := range names {
		switch {
		case n == "outlet" || n == "period":
			props[n] = str
		case n == "low_sample":
			props[n] = boolean
		case n == "ci_reason":
			props[n] = map[string]any{"type": "string", "enum": []string{"", score.CIReasonTooFewArticles},
				"description": "why the row's intervals are null: too_few_articles below " + strconv.Itoa(score.MinIntervalArticles) + " scored articles; empty when they are given"}
		case strings.HasSuffix(n, "_alpha"), strings.Contains(n, "_ci_"):
			props[n] = nullNum
		case strings.HasSuffix(n, "_id") || n == "articles" || n == "reviewers" || n == "scored_chars":
			props[n] = integer
		default:
			props[n] = number
		}
	}
	return props
}

// perLabelSchema is an object with one s per label.
func perLabelSchema(s map[string]any) map[string]any {
	props := map[string]any{}
	for _, l := range score.AllLabels {
		props[string(l)] = s
	}
	return obj(props)
}

// exportRecordSchema is the properties of an exported annotation, from the CSV columns.
func exportRecordSchema() map[string]any {
	export := map[string]any{"credits": map[string]any{"type": "array", "items": obj(map[string]any{"start": integer, "end": integer, "outlet_id": nullInt, "excluded": str})}}
	for _, col := range exportColumns {
		if col.name == "credits" {
			continue
		}
		switch col.kind {
		case "integer":
			export[col.name] = integer
		case "boolean":
			export[col.name] = boolean
		case "datetime":
			export[col.name] = tstamp
			if col.name == "published_at" {
				export[col.name] = orNull(tstamp) // articles without a date (a feed entry may have none)
			}
		default:
			export[col.name] = str
		}
	}
	export["credited_outlet_id"] = nullInt
	export["published_at"] = orNull(tstamp) // an article without a date
	export["origin"] = map[string]any{"type": "string", "enum": []string{"manual", "suggestion"}}
	export["layer"] = layerSchema
	return export
}
