package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
)

// dataPackage answers GET /api/v1/exports/datapackage.json: a Frictionless Tabular Data
// Package describing the CSV downloads, with every field's name and type.
func (s *Server) dataPackage(c *gin.Context) error {
	base := baseURL(c) + "/api/v1"
	scoreField := func(name string) map[string]any {
		kind := "number"
		switch {
		case name == "outlet" || name == "period" || name == "ci_reason":
			kind = "string"
		case name == "low_sample":
			kind = "boolean"
		case strings.HasSuffix(name, "_id") || name == "articles" || name == "reviewers" || name == "scored_chars":
			kind = "integer"
		}
		return map[string]any{"name": name, "type": kind}
	}
	fields := func(names []string) []map[string]any {
		out := make([]map[string]any, len(names))
		for i, n := range names {
			out[i] = scoreField(n)
		}
		return out
	}
	var annFields []map[string]any
	for _, col := range exportColumns {
		f := map[string]any{"name": col.name, "type": col.kind, "description": col.doc}
		if col.kind == "datetime" {
			f["format"] = "any"
		}
		annFields = append(annFields, f)
	}
	// The CSVs neutralise formula cells unless asked for raw ones; the package points at the
	// form it was asked for (?csv=raw here gives raw paths) and says which.
	cells, suffix, how := "neutralised", "", "Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return, and not a number) start with an added ' (add csv=raw to the path for the cells unchanged)."
	if csvRaw(c) {
		cells, suffix, how = "raw", "&csv=raw", "Cells are unchanged (csv=raw): a spreadsheet may run a cell starting with =, +, -, @, tab or carriage return as a formula."
	}
	resource := func(name, path, title string, schema map[string]any) map[string]any {
		return map[string]any{
			"name": name, "path": base + path + suffix, "title": title, "profile": "tabular-data-resource",
			"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
			"description": how, "csv_cells": cells,
		}
	}
	c.JSON(http.StatusOK, gin.H{
		"profile": "tabular-data-package",
		"name":    "credence-scores",
		"title":   "Credence outlet and article scores and annotations",
		"description": "Outlet scores with 95% bootstrap intervals, per-article scores and every annotation. " +
			"Methodology: " + score.MethodologyVersion + " (" + baseURL(c) + "/methodology).",
		"created": time.Now().UTC().Format(time.RFC3339),
		"resources": []any{
			resource("outlet-scores", "/scores/outlets?format=csv", "Outlet scores",
				map[string]any{"fields": fields(score.OutletColumns()), "primaryKey": []string{"outlet_id"}, "missingValues": []string{""}}),
			resource("article-scores", "/scores/articles?format=csv", "Article scores per credited outlet",
				map[string]any{"fields": fields(score.ArticleColumns()), "primaryKey": []string{"article_id", "outlet_id"}, "missingValues": []string{""}}),
			resource("annotations", "/exports/annotations?format=csv", "Annotations",
				map[string]any{"fields": annFields, "primaryKey": []string{"id"}, "missingValues": []string{""}}),
		},
	})
	return nil
}
