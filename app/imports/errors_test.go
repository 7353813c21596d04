package imports_test

import (
	"context"
	"strings"
	"testing"

	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestImportErrorsSayWhereAndWhat: the report of a one-line JSON array names each failed
// element (they all start on line 1), including the errors found only when the outlet is
// resolved, and a date-only published_at names its field; preview and import say the same,
// and neither stores a failed article.
func TestImportErrorsSayWhereAndWhat(t *testing.T) {
	store := modeltest.Open(t)
	ctx := context.Background()
	if err := store.CreateOutlet(ctx, 0, &models.Outlet{Name: "Planet", Domains: []string{"planet.example"}}); err != nil {
		t.Fatal(err)
	}
	svc := imports.New(store, nil)
	body := `[{"outlet":"Planet","title":"T","text":"x","published_at":"2026-01-02"}, 42, {"outlet":"Nope","title":"N","text":"y"}, {"outlet":"Planet","title":"","text":"z"}]`
	want := []imports.LineError{
		{Line: 1, Code: "bad_request", Field: "published_at", Title: "T",
			Message: `element 1 of the array: field "published_at" must be an RFC 3339 time such as 2026-03-01T09:30:00Z, not "2026-01-02"`},
		{Line: 1, Code: "bad_request", Message: `element 2 of the array must be a JSON object {"outlet", "title", "text", ...}, not a JSON number`},
		{Line: 1, Code: "unknown_outlet", Field: "outlet", Title: "N", Message: `element 3 of the array: no outlet has the name, alias or domain "Nope"`},
		{Line: 1, Code: "invalid", Field: "title", Message: `element 4 of the array: title is required`},
	}
	for _, dry := range []bool{true, false} {
		rep, err := svc.Import(ctx, strings.NewReader(body), imports.Options{Format: "json", DryRun: dry}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 0 || len(rep.Errors) != len(want) {
			t.Fatalf("dry run %v: %+v", dry, rep)
		}
		for i, w := range want {
			if rep.Errors[i] != w {
				t.Errorf("dry run %v, error %d:\n got %+v\nwant %+v", dry, i, rep.Errors[i], w)
			}
		}
	}
	if as, _, err := store.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 10}}); err != nil || len(as) != 0 {
		t.Fatalf("stored %d articles (%v)", len(as), err)
	}
}
