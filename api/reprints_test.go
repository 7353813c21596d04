package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReprintsOnSeeds imports the shared corpus's two sibling reprints and checks that the
// service proposes their quote regions, credited to the outlets the texts name, and links the
// shared paragraphs through the reprints route.
func TestReprintsOnSeeds(t *testing.T) {
	e := newEnv(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "annotate", "reprint", "testdata", "seeds", name))
		if err != nil {
			t.Fatalf("seed fixtures: %v", err)
		}
		return string(b)
	}
	ok := e.outlet("OK! Magazine", []string{"OK!", "OK Magazine"}, []string{"okmagazine.com"})
	dm := e.outlet("Daily Mail", []string{"The Daily Mail", "Mail Online"}, []string{"dailymail.co.uk"})
	a := e.article(e.outlet("Blog A", nil, nil), "Blog A", read("000_e837f9e330f3ba1f.txt"))
	b := e.article(e.outlet("Blog B", nil, nil), "Blog B", read("001_7b18f15062fc41bf.txt"))

	var regions struct {
		Items []struct {
			Kind           string
			OriginOutletID *int64 `json:"origin_outlet_id"`
			Origin, Status string
			Exact, Reason  string
		}
	}
	credited := func(article, outlet int64, contains string) bool {
		e.must("reviewer", "GET", "/api/v1/articles/"+itoa(article)+"/regions", nil, 200, &regions)
		for _, r := range regions.Items {
			if r.Origin == "detected" && r.Status == "proposed" && r.OriginOutletID != nil && *r.OriginOutletID == outlet && strings.Contains(r.Exact, contains) && r.Reason != "" {
				return true
			}
		}
		return false
	}
	if !credited(a, ok, "prosecutor") {
		t.Errorf("blog A: no proposal crediting OK! with the prosecutor's letter: %+v", regions.Items)
	}
	if !credited(b, dm, "prosecutor") {
		t.Errorf("blog B: no proposal crediting the Daily Mail with the prosecutor's letter: %+v", regions.Items)
	}
	var reprints struct {
		Items []struct {
			ArticleID  int64 `json:"article_id"`
			Start, End int
			Similarity float64
		}
	}
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(b)+"/reprints", nil, 200, &reprints)
	if len(reprints.Items) == 0 || reprints.Items[0].ArticleID != a || reprints.Items[0].Similarity <= 0 {
		t.Fatalf("reprints of blog B: %+v", reprints.Items)
	}
	e.must("reviewer", "GET", "/api/v1/articles/999999/reprints", nil, 404, nil)
	var rebuilt struct{ Indexed int }
	e.must("admin", "POST", "/api/v1/reprints/rebuild", nil, 200, &rebuilt)
	if rebuilt.Indexed != 2 {
		t.Fatalf("rebuild indexed %d", rebuilt.Indexed)
	}
}
