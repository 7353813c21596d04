package api

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/app/scoring"
	"github.com/credence-project/credence/models"
)

// scoreQuery is the parsed query of a score route.
type scoreQuery struct {
	format string // "json" or "csv"
	scoring.Query
}

// filters echoes the query in the response, so that a published table says how it was made.
func (q scoreQuery) filters() gin.H {
	f := gin.H{"outlet_id": q.Outlets, "min_articles": q.MinArticles, "hide_low_sample": q.HideLow}
	if !q.Dates.From.IsZero() {
		f["from"] = q.Dates.From
	}
	if !q.Dates.To.IsZero() {
		f["to"] = q.Dates.To
	}
	if q.ByMonth {
		f["by"] = "month"
	}
	f["layer"] = models.LayerReview
	if q.Variant.Consensus() {
		f["layer"] = models.LayerConsensus
	}
	if q.Variant.Suggestions != models.ArmAll {
		f["suggestions"] = q.Variant.Suggestions
	}
	return f
}

// parseScoreQuery reads the query parameters shared by the score routes; bad values are 400.
func parseScoreQuery(c *gin.Context) (scoreQuery, error) {
	q := scoreQuery{Query: scoring.Query{MinArticles: score.DefaultMinArticles}}
	var err error
	if q.format, err = parseFormat(c, "json", "json", "csv"); err != nil {
		return q, err
	}
	if q.Excluded, err = parseIDList(c, "exclude_reviewers"); err != nil {
		return q, err
	}
	if q.Outlets, err = parseIDList(c, "outlet_id"); err != nil {
		return q, err
	}
	if q.Dates, err = parseDates(c); err != nil {
		return q, err
	}
	if v := c.Query("min_articles"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return q, fieldErr(CodeBadRequest, "min_articles", "min_articles must be a whole number from 1 to 1000000")
		}
		q.MinArticles = n
	}
	if q.HideLow, err = parseBool(c, "hide_low_sample"); err != nil {
		return q, err
	}
	switch v := c.Query("by"); v {
	case "":
	case "month":
		q.ByMonth = true
	default:
		return q, fieldErr(CodeBadRequest, "by", "by must be \"month\" or absent, not %q", v)
	}
	if q.Variant, err = parseVariant(c); err != nil {
		return q, err
	}
	// A curator's scores come from the articles open to curators only.
	q.Curated = isCurator(c)
	return q, nil
}

// parseVariant reads ?layer=review|consensus and ?suggestions=shown|hidden: which layer is
// scored and, in the reviewers' layer, which suggestion arm. The consensus layer has no arm.
func parseVariant(c *gin.Context) (models.ScoreVariant, error) {
	var v models.ScoreVariant
	layer, err := queryLayer(c)
	if err != nil {
		return v, err
	}
	if layer == models.LayerConsensus {
		v.Layer = models.LayerConsensus
	}
	switch a := c.Query("suggestions"); a {
	case "":
	case models.ArmShown, models.ArmHidden:
		if v.Consensus() {
			return v, fieldErr(CodeBadRequest, "suggestions", "suggestions splits the reviewers' layer; the consensus layer has no suggestion arms")
		}
		v.Suggestions = a
	default:
		return v, fieldErr(CodeBadRequest, "suggestions", "suggestions must be shown or hidden, not %q", a)
	}
	return v, nil
}

func parseFormat(c *gin.Context, def string, allowed ...string) (string, error) {
	v := c.DefaultQuery("format", def)
	if !slices.Contains(allowed, v) {
		return "", fieldErr(CodeBadFormat, "format", "format must be one of %s, not %q", strings.Join(allowed, ", "), v)
	}
	return v, nil
}

func parseBool(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fieldErr(CodeBadRequest, name, "%s must be true or false", name)
	}
	return b, nil
}

const maxIDList = 1000

// parseIDList reads a comma-separated list of positive ids (repeated parameters add up),
// sorted and without duplicates; nil when absent.
func parseIDList(c *gin.Context, name string) ([]int64, error) {
	var out []int64
	for _, v := range c.QueryArray(name) {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, fieldErr(CodeBadRequest, name, "%s must be comma-separated positive integer ids; %q is not one", name, part)
			}
			out = append(out, id)
		}
	}
	if len(out) > maxIDList {
		return nil, fieldErr(CodeBadRequest, name, "%s may list at most %d ids", name, maxIDList)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// parseDates reads ?from= and ?to= (RFC 3339, or a date YYYY-MM-DD). from is inclusive; to is
// exclusive for a time and includes the whole day for a date.
func parseDates(c *gin.Context) (scoring.Dates, error) {
	var d scoring.Dates
	parse := func(name string, endOfDay bool) (time.Time, error) {
		v := c.Query(name)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err == nil {
			t = t.UTC()
		} else if t, err = time.Parse(time.DateOnly, v); err == nil && endOfDay {
			t = t.AddDate(0, 0, 1)
			if t.Year() > 9999 { // to=9999-12-31 takes in the last day there is
				t = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
			}
		}
		// A time outside years 0 to 9999 cannot be written back in RFC 3339 (the answer echoes it).
		if err != nil || t.Year() < 0 || t.Year() > 9999 {
			return time.Time{}, fieldErr(CodeBadRequest, name, "%s must be a date (2024-05-31) or an RFC 3339 time, not %q", name, v)
		}
		return t, nil
	}
	var err error
	if d.From, err = parse("from", false); err != nil {
		return d, err
	}
	if d.To, err = parse("to", true); err != nil {
		return d, err
	}
	if !d.From.IsZero() && !d.To.IsZero() && !d.From.Before(d.To) {
		return d, fieldErr(CodeBadRequest, "to", "to must be after from")
	}
	return d, nil
}
