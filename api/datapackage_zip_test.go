package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/score"
)

// dpField and dpResource are the parts of a Frictionless descriptor the tests read.
type dpField struct{ Name, Type string }

type dpResource struct {
	Name, Path, Format string
	Schema             struct {
		Fields        []dpField
		MissingValues []string `json:"missingValues"`
	}
}

type zipPackage struct {
	Profile     string
	Version     string
	DataVersion string `json:"data_version"`
	Citation    string
	Methodology struct{ Version, URL string }
	Resources   []dpResource
	files       map[string][]byte
}

// downloadZip fetches the self-contained package and reads every file of it.
func downloadZip(t *testing.T, e *env) (zipPackage, string) {
	t.Helper()
	r := e.must("researcher", "GET", "/api/v1/exports/datapackage.zip", nil, 200, nil)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("the package is not a zip: %v", err)
	}
	var dp zipPackage
	dp.files = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dp.files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	if err := json.Unmarshal(dp.files["datapackage.json"], &dp); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	return dp, r.Header.Get("Content-Disposition")
}

// readTable reads a CSV of the package as rows keyed by column.
func readTable(t *testing.T, dp zipPackage, name string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(dp.files[name])).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v (%d records)", name, err, len(recs))
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// castCell checks one cell against its Table Schema type, as Frictionless tools cast it.
func castCell(kind, v string) bool {
	switch kind {
	case "integer":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && !math.IsInf(f, 0)
	case "boolean": // Table Schema's default trueValues and falseValues
		return slices.Contains([]string{"true", "True", "TRUE", "1", "false", "False", "FALSE", "0"}, v)
	case "datetime":
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	}
	return true
}

// TestDataPackageZip: the zip holds datapackage.json with every resource beside it under a
// relative path (openable offline by Frictionless tools), the methodology and data versions
// and a citation in its metadata, the very bytes of the downloads it stands for, and every
// cell of every CSV casts to its declared Table Schema type (empty only where missing values
// are allowed).
func TestDataPackageZip(t *testing.T) {
	e := newEnv(t)
	newCorpus(t, e, 9, 11)
	dp, disposition := downloadZip(t, e)
	var agreement struct {
		Methodology string `json:"methodology"`
		DataVersion string `json:"data_version"`
	}
	e.must("researcher", "GET", "/api/v1/scores/agreement", nil, 200, &agreement)
	if dp.Profile != "tabular-data-package" || dp.DataVersion != agreement.DataVersion || dp.Version != agreement.DataVersion ||
		dp.Methodology.Version != score.MethodologyVersion || !strings.HasSuffix(dp.Methodology.URL, "/methodology") {
		t.Errorf("metadata: profile %q version %q data_version %q methodology %+v; the scores say %+v", dp.Profile, dp.Version, dp.DataVersion, dp.Methodology, agreement)
	}
	if !strings.Contains(dp.Citation, agreement.DataVersion) || !strings.Contains(dp.Citation, score.MethodologyVersion) {
		t.Errorf("citation %q", dp.Citation)
	}
	if want := "credence-data-package_data-" + agreement.DataVersion + "_" + time.Now().UTC().Format("2006-01-02") + ".zip"; !strings.Contains(disposition, want) {
		t.Errorf("Content-Disposition %q, want the file name %s", disposition, want)
	}
	names := map[string]bool{}
	for _, res := range dp.Resources {
		names[res.Name] = true
		if strings.Contains(res.Path, "/") || strings.Contains(res.Path, ":") {
			t.Errorf("%s: path %q is not a file beside datapackage.json", res.Name, res.Path)
		}
		body, ok := dp.files[res.Path]
		if !ok {
			t.Errorf("%s: %s is not in the zip", res.Name, res.Path)
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Errorf("%s: %v, %d records", res.Path, err, len(recs))
			continue
		}
		for i, f := range res.Schema.Fields {
			if recs[0][i] != f.Name {
				t.Errorf("%s: column %d is %q, described as %q", res.Path, i, recs[0][i], f.Name)
			}
			for n, rec := range recs[1:] {
				if v := rec[i]; !(v == "" && len(res.Schema.MissingValues) > 0) && !castCell(f.Type, v) {
					t.Errorf("%s line %d: %s = %q is not a %s", res.Path, n+2, f.Name, v, f.Type)
				}
			}
		}
	}
	for _, want := range []string{"outlet-scores", "article-scores", "annotations", "articles", "reviews", "regions"} {
		if !names[want] {
			t.Errorf("the package lacks the resource %s (has %v)", want, names)
		}
	}
	outlets := e.must("researcher", "GET", "/api/v1/scores/outlets?format=csv&csv=raw", nil, 200, nil)
	if !bytes.Equal(dp.files["outlet-scores.csv"], outlets.Body) {
		t.Errorf("outlet-scores.csv differs from the raw outlet scores download")
	}
}

// TestDataPackageZipRecomputesTheScores: the package is enough to recompute every point
// estimate, as the methodology promises: the outlet shares and credibility rebuilt from its
// annotations, articles (lengths), reviews (also those without a tag) and regions alone equal
// its outlet-scores.csv.
func TestDataPackageZipRecomputesTheScores(t *testing.T) {
	e := newCorpusEnv(t)
	dp, _ := downloadZip(t, e)
	recomputeFromPackage(t, dp, true)
}

// TestDataPackageZipListsOnlyCreditingRegions: regions.csv holds the regions that credit the
// text as the scores credit it, not every region stored: a quote both finished reviewers made
// is listed, a comments region only one of the two made (no majority) is not, and the scores
// recomputed from the files are still the published ones. Before, every region was listed, and
// the minority's comments region took its text out of the recomputed publisher's share.
func TestDataPackageZipListsOnlyCreditingRegions(t *testing.T) {
	e := newCorpusEnv(t)
	o := e.outlet("Minority Publisher", nil, nil)
	other := e.outlet("Minority Origin", nil, nil)
	art := e.article(o, "Regions by majority", strings.Repeat("abcdefghij", 12))
	path := "/api/v1/articles/" + itoa(art)
	for _, who := range []string{"reviewer", "reviewer2"} {
		e.must(who, "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 30}, 201, nil)
		e.must(who, "POST", path+"/regions", map[string]any{"kind": "quote", "start": 40, "end": 60, "origin_outlet_id": other}, 201, nil)
	}
	e.must("reviewer", "POST", path+"/annotations", map[string]any{"label": "loaded_language", "start": 85, "end": 95}, 201, nil)
	e.must("reviewer", "POST", path+"/regions", map[string]any{"kind": "comments", "start": 80, "end": 120}, 201, nil)
	for _, who := range []string{"reviewer", "reviewer2"} {
		e.must(who, "POST", path+"/complete", nil, 200, nil)
	}
	dp, _ := downloadZip(t, e)
	var got []string
	for _, r := range readTable(t, dp, "regions.csv") {
		if r["article_id"] == itoa(art) {
			got = append(got, r["kind"]+" "+r["start"]+"-"+r["end"]+" from "+r["origin_outlet_id"])
		}
	}
	if want := []string{"quote 40-60 from " + itoa(other)}; !slices.Equal(got, want) {
		t.Errorf("regions.csv lists %q for the article, want %q", got, want)
	}
	recomputeFromPackage(t, dp, false)
}

// recomputeFromPackage rebuilds the outlet scores from the package's annotations, articles,
// reviews and regions alone and compares them with its outlet-scores.csv. needSilent: the
// fixture has a finished review without a tag, which shows reviews.csv is needed.
func recomputeFromPackage(t *testing.T, dp zipPackage, needSilent bool) {
	t.Helper()
	atoi := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	articles := map[int64]*score.Article{}
	var order []int64
	for _, r := range readTable(t, dp, "articles.csv") {
		id := atoi(r["article_id"])
		articles[id] = &score.Article{ID: id, OutletID: atoi(r["outlet_id"]), Length: int(atoi(r["text_length"]))}
		order = append(order, id)
	}
	silent := 0
	tagged := map[[2]int64]bool{}
	for _, r := range readTable(t, dp, "annotations.csv") {
		a := articles[atoi(r["article_id"])]
		if a == nil || r["reviewer_completed"] != score.CSVBool(true) {
			continue
		}
		a.Annotations = append(a.Annotations, score.Annotation{ReviewerID: atoi(r["user_id"]), Label: score.Label(r["label"]), Start: int(atoi(r["start"])), End: int(atoi(r["end"]))})
		tagged[[2]int64{a.ID, atoi(r["user_id"])}] = true
	}
	for _, r := range readTable(t, dp, "reviews.csv") {
		a := articles[atoi(r["article_id"])]
		a.Reviewers = append(a.Reviewers, atoi(r["reviewer_id"]))
		if !tagged[[2]int64{a.ID, atoi(r["reviewer_id"])}] {
			silent++
		}
	}
	if needSilent && silent == 0 {
		t.Fatal("no finished review without a tag in the fixture: the test would not show reviews.csv is needed")
	}
	for _, r := range readTable(t, dp, "regions.csv") {
		a := articles[atoi(r["article_id"])]
		a.Regions = append(a.Regions, score.Region{Kind: score.RegionKind(r["kind"]), Start: int(atoi(r["start"])), End: int(atoi(r["end"])), OriginOutletID: atoi(r["origin_outlet_id"])})
	}
	in := make([]score.Article, 0, len(order))
	for _, id := range order {
		in = append(in, *articles[id])
	}
	rows := score.RollUp(score.ScoreArticles(in, nil), score.Options{})
	published := readTable(t, dp, "outlet-scores.csv")
	if len(rows) != len(published) || len(rows) == 0 {
		t.Fatalf("recomputed %d outlet rows, the package has %d", len(rows), len(published))
	}
	for i, row := range rows {
		got := map[string]float64{"sourced_fact_share": row.SourcedFactShare, "speculation_share": row.SpeculationShare,
			"opinion_share": row.OpinionShare, "loaded_language_share": row.LoadedLanguageShare, "credibility": row.Credibility,
			"scored_chars": float64(row.ScoredChars), "articles": float64(row.Articles)}
		for col, v := range got {
			want, _ := strconv.ParseFloat(published[i][col], 64)
			if math.Abs(v-want) > 1e-9 {
				t.Errorf("outlet %d %s: recomputed %v, published %v", row.OutletID, col, v, want)
			}
		}
	}
}

// newCorpusEnv is a service with the scores test corpus.
func newCorpusEnv(t *testing.T) *env {
	e := newEnv(t)
	newCorpus(t, e, 12, 5)
	return e
}

// TestDataPackageZipLoadsInPandasAndR: every CSV of the package loads in pandas (read_csv)
// and in R (read.csv) with the column types its schema declares: integers and numbers as
// numbers, booleans as booleans, empty cells as missing. It runs where python3 with pandas
// and Rscript are installed (Debian: python3-pandas, r-base-core), and skips otherwise, except
// in CI (CI set), which installs them (.ci/run) and where a missing tool fails the test.
func TestDataPackageZipLoadsInPandasAndR(t *testing.T) {
	e := newCorpusEnv(t)
	dp, _ := downloadZip(t, e)
	dir := t.TempDir()
	for name, b := range dp.files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var checks []typeCheck
	for _, res := range dp.Resources {
		for _, f := range res.Schema.Fields {
			checks = append(checks, typeCheck{res.Path, f.Name, f.Type})
		}
	}
	t.Run("pandas", func(t *testing.T) {
		python := ""
		for _, p := range []string{"python3", "/usr/bin/python3"} { // a virtualenv's python3 may lack Debian's pandas
			if exec.Command(p, "-c", "import pandas").Run() == nil {
				python = p
				break
			}
		}
		if python == "" {
			skipUnlessCI(t, "python3 with pandas is not installed (Debian: apt-get install python3-pandas)")
		}
		// pandas infers: int64, or float64 where a column has missing values; bool, or object
		// holding True/False where a boolean column has missing values; float64 for a column
		// with no value at all (as R gives logical).
		script := `
import sys, pandas as pd
want = {"integer": "iuf", "number": "iuf", "boolean": "b", "string": "O", "datetime": "O"}
bad = []
for line in sys.stdin:
    f, col, kind = line.rstrip("\n").split("\t")
    df = pd.read_csv(f, keep_default_na=False, na_values=[""])
    s = df[col]
    ok = s.dtype.kind in want[kind] or s.isna().all()  # a column with no value at all is float NaN
    if kind == "boolean" and not ok:
        ok = s.dtype.kind == "O" and set(s.dropna().unique()) <= {True, False}
    if kind == "datetime":
        ok = s.isna().all() or pd.to_datetime(s.dropna(), utc=True).notna().all()
    if not ok:
        bad.append(f"{f}:{col} is {s.dtype}, declared {kind}")
print("\n".join(bad))
`
		runTypeCheck(t, dir, checks, python, "-c", script)
	})
	t.Run("R", func(t *testing.T) {
		if _, err := exec.LookPath("Rscript"); err != nil {
			skipUnlessCI(t, "Rscript is not installed (Debian: apt-get install r-base-core)")
		}
		script := `
want <- list(integer = c("integer", "numeric"), number = c("numeric", "integer"), boolean = "logical",
             string = c("character", "logical", "integer", "numeric"), datetime = c("character", "logical"))
con <- file("stdin"); lines <- readLines(con); close(con)
bad <- character(0)
for (l in lines) {
  p <- strsplit(l, "\t")[[1]]
  df <- read.csv(p[1], na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
  cls <- class(df[[p[2]]])
  if (!(cls %in% want[[p[3]]])) bad <- c(bad, paste0(p[1], ":", p[2], " is ", cls, ", declared ", p[3]))
}
cat(bad, sep = "\n")
`
		runTypeCheck(t, dir, checks, "Rscript", "-e", script)
	})
}

// typeCheck is one column of one CSV of the package and its declared type.
type typeCheck struct{ file, column, kind string }

// runTypeCheck feeds "file\tcolumn\ttype" lines to a script run in dir and fails the test on
// every line it prints.
func runTypeCheck(t *testing.T, dir string, checks []typeCheck, name string, args ...string) {
	t.Helper()
	var in strings.Builder
	for _, c := range checks {
		in.WriteString(c.file + "\t" + c.column + "\t" + c.kind + "\n")
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("columns that do not load with their declared type in %s:\n%s", name, s)
	}
}

// skipUnlessCI skips a test whose outside tool is missing, or fails it in CI (the CI
// environment variable set), where .ci/run installs the tool and a skip would hide a test
// that never ran.
func skipUnlessCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI is set: CI must run this test", why)
	}
	t.Skip(why)
}
