package api

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// downloadFilters are the query parameters that change what a download holds, with the word
// its file name uses for each, in the order they appear in the name.
var downloadFilters = []struct{ param, word string }{
	{"by", "by"}, {"layer", "layer"}, {"outlet_id", "outlet"}, {"from", "from"}, {"to", "to"},
	{"label", "label"}, {"user_id", "reviewer"}, {"exclude_reviewers", "excluding"},
	{"min_articles", "min-articles"}, {"hide_low_sample", "hide-low-sample"}, {"suggestions", "suggestions"}, {"csv", "csv"},
}

// downloadName names a download by what it holds, the filters of its query, the data version
// and the day, e.g. credence-outlet-scores_outlet-3_from-2024-01-01_data-16.13.13_2026-12-01.csv,
// so that files saved side by side never overwrite each other and each says where it came
// from (issue 17: every download used to save as outlet-scores.csv).
func downloadName(c *gin.Context, what, dataVersion, ext string) string {
	parts := []string{"credence-" + what}
	for _, f := range downloadFilters {
		if v := c.Query(f.param); v != "" {
			parts = append(parts, f.word+"-"+fileSafe(v))
		}
	}
	if dataVersion != "" {
		parts = append(parts, "data-"+fileSafe(dataVersion))
	}
	parts = append(parts, time.Now().UTC().Format(time.DateOnly))
	return strings.Join(parts, "_") + "." + ext
}

// fileSafe keeps a value to letters, digits, dots and dashes (a list's commas become "+"),
// at most 40 characters, so it is a file name on every system and needs no quoting.
func fileSafe(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		case r == ',':
			b.WriteByte('+')
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
