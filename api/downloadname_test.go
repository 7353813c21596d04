package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestDownloadNames: every download is named by what it holds, its filters, the data version
// and the day, so files saved side by side never overwrite each other (issue 17: they all
// saved as outlet-scores.csv).
func TestDownloadNames(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Named Outlet", nil, nil)
	art := e.article(o, "Named", "A passage to tag for the names.")
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 9}, 201, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/complete", nil, 200, nil)
	var v struct {
		DataVersion string `json:"data_version"`
	}
	e.must("researcher", "GET", "/api/v1/scores/agreement", nil, 200, &v)
	day := time.Now().UTC().Format("2006-01-02")
	id := itoa(o)
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/scores/outlets?format=csv", "credence-outlet-scores_data-" + v.DataVersion + "_" + day + ".csv"},
		{"/api/v1/scores/outlets?format=csv&by=month&outlet_id=" + id + "&from=2024-01-01&to=2024-06-30",
			"credence-outlet-scores_by-month_outlet-" + id + "_from-2024-01-01_to-2024-06-30_data-" + v.DataVersion + "_" + day + ".csv"},
		{"/api/v1/scores/articles?format=csv&outlet_id=" + id + ",99", "credence-article-scores_outlet-" + id + "+99_data-" + v.DataVersion + "_" + day + ".csv"},
		{"/api/v1/scores/reviewers?format=csv&exclude_reviewers=7", "credence-reviewer-scores_excluding-7_data-" + v.DataVersion + "_" + day + ".csv"},
		{"/api/v1/exports/annotations?label=opinion", "credence-annotations_label-opinion_data-" + v.DataVersion + "_" + day + ".jsonl"},
		{"/api/v1/exports/annotations?format=csv&user_id=" + itoa(e.ids["reviewer"]), "credence-annotations_reviewer-" + itoa(e.ids["reviewer"]) + "_data-" + v.DataVersion + "_" + day + ".csv"},
		{"/api/v1/exports/annotations?format=jsonld", "credence-annotations_data-" + v.DataVersion + "_" + day + ".jsonld"},
		{"/api/v1/exports/datapackage.zip", "credence-data-package_data-" + v.DataVersion + "_" + day + ".zip"},
	} {
		r := e.must("researcher", "GET", tc.path, nil, 200, nil)
		if got := r.Header.Get("Content-Disposition"); !strings.Contains(got, `filename="`+tc.want+`"`) {
			t.Errorf("%s: Content-Disposition %q, want the file name %s", tc.path, got, tc.want)
		}
	}
}
