package api_test

import (
	"strings"
	"testing"
)

func TestOutlets(t *testing.T) {
	e := newEnv(t)
	var o struct {
		ID           int64
		Name, Slug   string
		Aliases      []string
		Domains      []string
		Version      int64
		ArticleCount int64 `json:"article_count"`
	}
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": "OK! Magazine", "aliases": []string{"OK!"}, "domains": []string{"https://www.OKMagazine.com/"}, "country": "US"}, 201, &o)
	if o.Slug != "ok-magazine" || o.Domains[0] != "okmagazine.com" || o.Aliases[0] != "OK!" || o.Version != 1 {
		t.Fatalf("created %+v", o)
	}
	t.Run("ErrDuplicateName", func(t *testing.T) {
		r := e.do("admin", "POST", "/api/v1/outlets", map[string]any{"name": "ok!"})
		if r.Status != 409 || r.errCode() != "duplicate" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrBadDomain", func(t *testing.T) {
		e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": "X", "domains": []string{"not a domain"}}, 422, nil)
	})
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o.ID), map[string]any{"version": 1, "country": "GB"}, 200, &o)
	t.Run("ErrVersionConflict", func(t *testing.T) {
		r := e.do("admin", "PATCH", "/api/v1/outlets/"+itoa(o.ID), map[string]any{"version": 1, "country": "FR"})
		if r.Status != 409 || r.errCode() != "version_conflict" || !strings.Contains(string(r.Body), `"GB"`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	// API.md "Second round": no version is the current one (it was 422 "version is required").
	t.Run("NoVersionIsTheCurrentOne", func(t *testing.T) {
		e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o.ID), map[string]any{"country": "GB"}, 200, &o)
	})
	var list struct{ Items []struct{ ID int64 } }
	e.must("reviewer", "GET", "/api/v1/outlets?q=okmag", nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != o.ID {
		t.Fatalf("search by domain: %+v", list)
	}
	e.must("reviewer", "GET", "/api/v1/outlets/999999", nil, 404, nil)
	e.must("reviewer", "GET", "/api/v1/outlets/abc", nil, 404, nil)

	t.Run("Merge", func(t *testing.T) {
		dup := e.outlet("OK Magazine Online", nil, []string{"ok-online.example"})
		art := e.article(dup, "A", "Some text of the duplicate outlet.")
		var pv struct{ Moves map[string]int64 }
		e.must("admin", "GET", "/api/v1/outlets/"+itoa(dup)+"/merge-preview", nil, 200, &pv)
		if pv.Moves["articles"] != 1 {
			t.Fatalf("preview %+v", pv)
		}
		e.must("admin", "DELETE", "/api/v1/outlets/"+itoa(dup), nil, 409, nil)
		e.must("admin", "POST", "/api/v1/outlets/"+itoa(dup)+"/merge", map[string]any{"into_id": dup}, 422, nil)
		e.must("admin", "POST", "/api/v1/outlets/"+itoa(dup)+"/merge", map[string]any{"into_id": 987654}, 422, nil)
		e.must("admin", "POST", "/api/v1/outlets/"+itoa(dup)+"/merge", map[string]any{"into_id": o.ID}, 200, nil)
		var got struct {
			OutletID int64 `json:"outlet_id"`
		}
		e.must("reviewer", "GET", "/api/v1/articles/"+itoa(art), nil, 200, &got)
		if got.OutletID != o.ID {
			t.Fatalf("article outlet after merge: %d", got.OutletID)
		}
		e.must("admin", "GET", "/api/v1/outlets/"+itoa(o.ID), nil, 200, &o)
		if o.ArticleCount != 1 || !contains(o.Aliases, "OK Magazine Online") || !contains(o.Domains, "ok-online.example") {
			t.Fatalf("merged outlet %+v", o)
		}
	})
	t.Run("DeleteUnused", func(t *testing.T) {
		id := e.outlet("Unused", nil, nil)
		e.must("admin", "DELETE", "/api/v1/outlets/"+itoa(id), nil, 204, nil)
		e.must("admin", "GET", "/api/v1/outlets/"+itoa(id), nil, 404, nil)
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestArticles(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Tribune", []string{"The Trib"}, []string{"tribune.example"})
	var a struct {
		ID         int64
		Text       string
		TextSHA256 string `json:"text_sha256"`
		OutletName string `json:"outlet_name"`
	}
	// A BOM, CRLF line endings and a decomposed é (e + U+0301) are normalised once on import.
	e.must("admin", "POST", "/api/v1/articles", map[string]any{"outlet_id": o, "title": "T", "url": "https://tribune.example/1",
		"published_at": "2026-01-02T03:04:05+01:00", "text": "\ufeffCafe\u0301 line\r\nnext"}, 201, &a)
	if a.Text != "Café line\nnext" || len(a.TextSHA256) != 64 || a.OutletName != "Tribune" {
		t.Fatalf("stored %+v", a)
	}
	for name, tc := range map[string]struct {
		body   any
		status int
		code   string
	}{
		"ErrDuplicateURL":  {map[string]any{"outlet_id": o, "title": "T", "url": "https://tribune.example/1", "text": "other"}, 409, "duplicate"},
		"ErrDuplicateText": {map[string]any{"outlet_id": o, "title": "T", "text": "Café line\nnext"}, 409, "duplicate"},
		"ErrNoTitle":       {map[string]any{"outlet_id": o, "text": "x"}, 422, "invalid"},
		"ErrNoText":        {map[string]any{"outlet_id": o, "title": "T", "text": "  "}, 422, "invalid"},
		"ErrUnknownOutlet": {map[string]any{"outlet_id": 99999, "title": "T", "text": "x"}, 422, "unknown_outlet"},
		"ErrBadURL":        {map[string]any{"outlet_id": o, "title": "T", "text": "x", "url": "ftp://x"}, 422, "invalid"},
		"ErrBadDate":       {map[string]any{"outlet_id": o, "title": "T", "text": "x", "published_at": "yesterday"}, 400, "bad_request"},
		"ErrNotJSON":       {"title=T", 400, "bad_request"},
		"ErrTwoObjects":    {`{"title":"a"} {"title":"b"}`, 400, "bad_request"},
		"ErrEmptyBody":     {"", 400, "bad_request"},
		"OutletByAliasOK":  {map[string]any{"outlet": "the trib", "title": "T", "text": "by alias"}, 201, ""},
		"OutletByDomainOK": {map[string]any{"title": "T", "url": "https://www.tribune.example/2", "text": "by domain"}, 201, ""},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("admin", "POST", "/api/v1/articles", tc.body)
			if r.Status != tc.status || r.errCode() != tc.code {
				t.Fatalf("%d %s, want %d %q", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	t.Run("ErrTooLarge", func(t *testing.T) {
		big := strings.Repeat("x", 2<<20)
		r := e.do("admin", "POST", "/api/v1/articles", map[string]any{"outlet_id": o, "title": "T", "text": big})
		if r.Status != 413 || r.errCode() != "too_large" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	var list struct {
		Items []map[string]any
	}
	e.must("researcher", "GET", "/api/v1/articles?outlet_id="+itoa(o), nil, 200, &list)
	if len(list.Items) != 3 {
		t.Fatalf("list: %d items", len(list.Items))
	}
	if _, ok := list.Items[0]["text"]; ok {
		t.Fatal("the list should not carry texts")
	}
	e.must("researcher", "GET", "/api/v1/articles?outlet_id=x", nil, 400, nil)
}

func TestImport(t *testing.T) {
	e := newEnv(t)
	e.outlet("Daily Mail", []string{"Mail Online"}, []string{"dailymail.co.uk"})
	body := strings.Join([]string{
		`{"outlet": "Mail Online", "title": "One", "url": "https://www.dailymail.co.uk/1", "text": "First text"}`,
		`{"outlet": "Nobody", "title": "Two", "text": "Second"}`,
		`not json`,
		``,
		`{"title": "Three", "url": "https://dailymail.co.uk/3", "text": "Third text"}`,
		`{"outlet": "daily mail", "title": "Dup", "url": "https://www.dailymail.co.uk/1", "text": "First text"}`,
		`{"outlet": "daily mail", "title": "", "text": "no title"}`,
	}, "\n")
	var res struct {
		Created           int `json:"created"`
		SkippedDuplicates int `json:"skipped_duplicates"`
		Errors            []struct {
			Line int
			Code string
		}
	}
	e.must("admin", "POST", "/api/v1/articles/import", body, 200, &res)
	if res.Created != 2 || res.SkippedDuplicates != 1 || len(res.Errors) != 3 {
		t.Fatalf("result %+v", res)
	}
	want := map[int]string{2: "unknown_outlet", 3: "bad_request", 7: "invalid"}
	for _, er := range res.Errors {
		if want[er.Line] != er.Code {
			t.Errorf("line %d: code %s, want %s", er.Line, er.Code, want[er.Line])
		}
	}
	// Importing the same file again changes nothing.
	e.must("admin", "POST", "/api/v1/articles/import", body, 200, &res)
	if res.Created != 0 || res.SkippedDuplicates != 3 {
		t.Fatalf("second import %+v", res)
	}
}

func TestNULIsRefused(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("NUL", nil, nil)
	for _, body := range []string{
		`{"outlet_id": ` + itoa(o) + `, "title": "T", "text": "a\u0000b"}`,
		"{\"outlet_id\": " + itoa(o) + ", \"title\": \"T\x00\", \"text\": \"ab\"}",
	} {
		if r := e.do("admin", "POST", "/api/v1/articles", body); r.Status != 422 {
			t.Errorf("%q: %d %s", body, r.Status, r.Body)
		}
	}
	// An escaped backslash before u0000 is plain text, not a NUL.
	e.must("admin", "POST", "/api/v1/articles", `{"outlet_id": `+itoa(o)+`, "title": "T", "text": "a\\u0000b"}`, 201, nil)
	e.must("admin", "POST", "/api/v1/tokens", `{"name": "x\u0000"}`, 422, nil)
}

// TestArticleInclude: the workspace opens an article in one request. The included
// annotations follow the same blind-review rule as the annotations route, and the included
// regions are the regions route's list.
func TestArticleInclude(t *testing.T) {
	e := newEnv(t)
	text := "“Quoted” 🙄 one two three four five six seven."
	art := e.article(e.outlet("O", nil, nil), "T", text)
	base := "/api/v1/articles/" + itoa(art)
	e.must("reviewer", "POST", base+"/annotations", map[string]any{"label": "opinion", "start": 11, "end": 14}, 201, nil)
	e.must("reviewer2", "POST", base+"/annotations", map[string]any{"label": "speculation", "start": 15, "end": 18}, 201, nil)
	// Regions are their reviewer's own: reviewer2 sees their comments region, never reviewer's quote.
	e.must("reviewer2", "POST", base+"/regions", map[string]any{"kind": "comments", "start": 20, "end": 30}, 201, nil)
	e.must("reviewer", "POST", base+"/regions", map[string]any{"kind": "quote", "start": 0, "end": 8}, 201, nil)

	type view struct {
		Text        *string
		Review      struct{ Status string }
		Annotations *[]struct {
			UserID int64  `json:"user_id"`
			Exact  string `json:"exact"`
		}
		Regions *[]struct {
			Kind  string `json:"kind"`
			Start int    `json:"start"`
			Exact string `json:"exact"`
		}
	}
	var plain view
	e.must("reviewer2", "GET", base, nil, 200, &plain)
	if plain.Annotations != nil || plain.Regions != nil || plain.Text == nil || *plain.Text != text {
		t.Fatalf("without include the article carries only its own fields: %+v", plain)
	}

	var v view
	e.must("reviewer2", "GET", base+"?include=annotations,regions", nil, 200, &v)
	if v.Text == nil || *v.Text != text || v.Review.Status != "in_progress" {
		t.Fatalf("article fields: %+v", v)
	}
	if v.Annotations == nil || len(*v.Annotations) != 1 || (*v.Annotations)[0].UserID != e.ids["reviewer2"] || (*v.Annotations)[0].Exact != "two" {
		t.Fatalf("before marking done, reviewer2 must see only their own annotation: %+v", v.Annotations)
	}
	var regions struct{ Items []map[string]any }
	e.must("reviewer2", "GET", base+"/regions", nil, 200, &regions)
	if v.Regions == nil || len(*v.Regions) != len(regions.Items) || len(regions.Items) != 1 || (*v.Regions)[0].Kind != "comments" || (*v.Regions)[0].Start != 20 {
		t.Fatalf("included regions %+v, regions route %+v", v.Regions, regions.Items)
	}
	e.must("reviewer2", "GET", base+"?include=annotations&user_id="+itoa(e.ids["reviewer"]), nil, 403, nil)

	var onlyAnn view
	e.must("researcher", "GET", base+"?include=annotations", nil, 200, &onlyAnn)
	if onlyAnn.Annotations == nil || len(*onlyAnn.Annotations) != 2 || onlyAnn.Regions != nil {
		t.Fatalf("a researcher sees every annotation, and only what was included: %+v", onlyAnn)
	}
	e.must("reviewer2", "POST", base+"/complete", nil, 200, nil)
	var mine view
	e.must("reviewer2", "GET", base+"?include=annotations&user_id="+itoa(e.ids["reviewer"]), nil, 200, &mine)
	if mine.Annotations == nil || len(*mine.Annotations) != 1 || (*mine.Annotations)[0].UserID != e.ids["reviewer"] {
		t.Fatalf("after marking done, user_id narrows to that reviewer: %+v", mine.Annotations)
	}

	r := e.do("reviewer2", "GET", base+"?include=everything", nil)
	if r.Status != 400 || r.errCode() != "bad_request" {
		t.Fatalf("unknown include: %d %s", r.Status, r.errCode())
	}
	if r := e.do("reviewer2", "GET", "/api/v1/articles/999999?include=annotations", nil); r.Status != 404 {
		t.Fatalf("missing article: %d", r.Status)
	}
}
