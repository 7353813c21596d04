package score

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenArticles is a fixed multi-outlet dataset: outlet 1 reprints outlet 2 (a quote) and
// carries comments; outlet 3 publishes only two articles (low sample); reviewer 4 tags nearly
// everything as loaded language; reviewer 5 never completes anything.
func goldenArticles() []Article {
	var arts []Article
	for i := range 8 {
		id := int64(10 + i)
		a := Article{ID: id, OutletID: 1, Length: 400 + 25*i, Reviewers: []int64{1, 2}}
		if i%3 == 0 {
			a.Reviewers = append(a.Reviewers, 4)
		}
		a.Regions = []Region{
			{Kind: RegionQuote, Start: 50, End: 150 + 5*i, OriginOutletID: 2},
			{Kind: RegionComments, Start: a.Length - 60, End: a.Length},
		}
		a.Annotations = []Annotation{
			{ReviewerID: 1, Label: SourcedFact, Start: 60, End: 120 + 3*i},
			{ReviewerID: 2, Label: SourcedFact, Start: 65, End: 125},
			{ReviewerID: 1, Label: Opinion, Start: 200, End: 240 + 4*i},
			{ReviewerID: 2, Label: Opinion, Start: 210, End: 250},
			{ReviewerID: 2, Label: LoadedLanguage, Start: 215, End: 222 + i},
			{ReviewerID: 1, Label: Speculation, Start: 300, End: 320 + i},
			{ReviewerID: 4, Label: LoadedLanguage, Start: 0, End: a.Length - 80},
			{ReviewerID: 5, Label: Opinion, Start: 0, End: a.Length},
		}
		arts = append(arts, a)
	}
	for i := range 6 {
		a := Article{ID: int64(30 + i), OutletID: 2, Length: 300, Reviewers: []int64{2, 3}}
		a.Annotations = []Annotation{
			{ReviewerID: 2, Label: SourcedFact, Start: 0, End: 100 + 10*i},
			{ReviewerID: 3, Label: SourcedFact, Start: 10, End: 110},
			{ReviewerID: 3, Label: Speculation, Start: 150, End: 160 + 5*i},
		}
		arts = append(arts, a)
	}
	arts = append(arts,
		Article{ID: 50, OutletID: 3, Length: 200, Reviewers: []int64{1}, Annotations: []Annotation{
			{ReviewerID: 1, Label: LoadedLanguage, Start: 0, End: 80}, {ReviewerID: 1, Label: Opinion, Start: 40, End: 120}}},
		Article{ID: 51, OutletID: 3, Length: 150, Reviewers: []int64{3}, Annotations: []Annotation{
			{ReviewerID: 3, Label: Opinion, Start: 0, End: 150}}},
		Article{ID: 52, OutletID: 3, Length: 150, Annotations: []Annotation{ // not completed: no scores
			{ReviewerID: 5, Label: SourcedFact, Start: 0, End: 150}}},
	)
	return arts
}

var goldenNames = map[int64]string{1: "Gossip Blog", 2: "OK! Magazine", 3: "The \"Daily\" Post, Ltd"}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGoldenOutletScores(t *testing.T) {
	rows := OutletScores(goldenArticles(), Options{})
	for i := range rows {
		rows[i].Outlet = goldenNames[rows[i].OutletID]
	}
	js, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "outlets.golden.json", append(js, '\n'))
	var csv bytes.Buffer
	if err := WriteOutletsCSV(&csv, rows); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "outlets.golden.csv", csv.Bytes())

	arows := ArticleScores(goldenArticles(), Options{})
	for i := range arows {
		arows[i].Outlet = goldenNames[arows[i].OutletID]
	}
	csv.Reset()
	if err := WriteArticlesCSV(&csv, arows); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "articles.golden.csv", csv.Bytes())

	revs, err := json.MarshalIndent(ReviewerAgreement(goldenArticles(), Options{}), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "reviewers.golden.json", append(revs, '\n'))
}

func TestGoldenDatasetFacts(t *testing.T) {
	// Facts about the golden dataset that hold whatever the golden files say.
	rows := OutletScores(goldenArticles(), Options{})
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want 3", len(rows))
	}
	if r := rows[2]; r.OutletID != 3 || r.Articles != 2 || !r.LowSample || r.AgreementAlpha.Valid {
		t.Errorf("outlet 3 = %+v: want 2 articles (the uncompleted one left out), low sample, undefined alpha (one reviewer per article)", r)
	}
	if r := rows[1]; r.Articles != 14 || r.LowSample {
		t.Errorf("outlet 2 = %+v: want 6 own articles + 8 quoted in outlet 1", r)
	}
	// Reviewer 4's loaded-language share towers over their peers'.
	for _, r := range ReviewerAgreement(goldenArticles(), Options{}) {
		if r.ReviewerID == 4 && !(r.SharedShare.Get(LoadedLanguage) > 10*r.PeerShare.Get(LoadedLanguage)) {
			t.Errorf("reviewer 4: shared %v, peers %v", r.SharedShare.Get(LoadedLanguage), r.PeerShare.Get(LoadedLanguage))
		}
		if r.ReviewerID == 5 {
			t.Error("reviewer 5 never completed an article but has a row")
		}
	}
	// Excluding reviewer 4 lowers outlet 1's loaded-language share.
	excl := OutletScores(goldenArticles(), Options{ExcludeReviewers: []int64{4}})
	if !(excl[0].LoadedLanguageShare < rows[0].LoadedLanguageShare) {
		t.Errorf("excluding reviewer 4: %v, with: %v", excl[0].LoadedLanguageShare, rows[0].LoadedLanguageShare)
	}
}

func TestColumnsMatchJSON(t *testing.T) {
	apiOrder := []string{"outlet_id", "outlet", "articles", "reviewers", "scored_chars"}
	for _, l := range AllLabels {
		apiOrder = append(apiOrder, string(l)+"_share", string(l)+"_ci_low", string(l)+"_ci_high")
	}
	apiOrder = append(apiOrder, "agreement_alpha", "credibility", "credibility_ci_low", "credibility_ci_high", "low_sample")
	cols := OutletColumns()
	if !slices.Equal(cols[:len(apiOrder)], apiOrder) {
		t.Fatalf("CSV columns start %v, want the API order %v", cols[:len(apiOrder)], apiOrder)
	}
	check := func(name string, v any, cols []string, record []string) {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		keys := regexp.MustCompile(`"([a-z_]+)":`).FindAllStringSubmatch(string(js), -1)
		var names []string
		for _, k := range keys {
			names = append(names, k[1])
		}
		if !slices.Equal(names, cols) {
			t.Errorf("%s: JSON keys %v, CSV columns %v", name, names, cols)
		}
		var m map[string]any
		_ = json.Unmarshal(js, &m)
		for i, c := range cols {
			switch v := m[c].(type) {
			case float64:
				if f, _ := strconv.ParseFloat(record[i], 64); f != v {
					t.Errorf("%s.%s: CSV %q, JSON %v", name, c, record[i], v)
				}
			case nil:
				if record[i] != "" {
					t.Errorf("%s.%s: CSV %q for a JSON null", name, c, record[i])
				}
			}
		}
	}
	rows := OutletScores(goldenArticles(), Options{})
	check("OutletRow", rows[0], cols, rows[0].Record())
	arows := ArticleScores(goldenArticles(), Options{})
	check("ArticleRow", arows[0], ArticleColumns(), arows[0].Record())
}

func TestMethodologyPage(t *testing.T) {
	page := MethodologyHTML
	if !strings.Contains(page, MethodologyVersion) {
		t.Errorf("page does not name %q", MethodologyVersion)
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("page contains a script")
	}
	// The suggested citation names this version too (issue 17: a citation on the page), and
	// the page names what recomputing needs besides the annotation export.
	if i := strings.Index(page, `id="citation-template"`); i < 0 || !strings.Contains(page[i:], MethodologyVersion+").") {
		t.Errorf("the page's suggested citation does not name %q", MethodologyVersion)
	}
	for _, f := range []string{"articles.csv", "reviews.csv", "regions.csv", "datapackage.zip"} {
		if !strings.Contains(page, f) {
			t.Errorf("the page does not say that recomputing needs %s", f)
		}
	}
	// Every default and constant the code uses is stated on the page.
	for _, s := range []string{
		strconv.FormatInt(DefaultSeed, 10), strconv.Itoa(DefaultResamples), strconv.Itoa(DefaultMinArticles),
		"95%", "0.5 + 0.5·sourced_fact − 0.125·speculation − 0.125·opinion − 0.25·loaded_language",
		"SplitMix64", "0x9e3779b97f4a7c15", "Hyndman", "type 7", "comments", "machine suggestions",
		"agreement_alpha", "low_sample", "scored_chars",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page does not state %q", s)
		}
	}
	if CredibilityBase != 0.5 || CredibilitySourcedFact != 0.5 || CredibilitySpeculation != -0.125 ||
		CredibilityOpinion != -0.125 || CredibilityLoadedLanguage != -0.25 {
		t.Error("credibility constants changed: update the page and MethodologyVersion")
	}
}
