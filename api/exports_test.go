package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/credence-project/credence/annotate/csvout"
	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

// webAnnotationSchema compiles testdata/web-annotation-collection.schema.json, written from
// the requirements of the W3C Web Annotation Data Model, with format assertions on.
func webAnnotationSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/web-annotation-collection.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("web-annotation-collection.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("web-annotation-collection.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExportJSONLD validates the JSON-LD export against the Web Annotation schema and checks
// what the schema cannot: each annotation matches its JSONL row (label, selectors, creator).
func TestExportJSONLD(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 4, 4)
	r := e.must("researcher", "GET", "/api/v1/exports/annotations?format=jsonld", nil, 200, nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/ld+json") {
		t.Errorf("Content-Type %q", ct)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	schema := webAnnotationSchema(t)
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("the export does not conform to the Web Annotation model: %v", err)
	}
	// The schema rejects what the model forbids: a sanity check that it is not vacuous.
	var broken map[string]any
	_ = json.Unmarshal(r.Body, &broken)
	items := broken["first"].(map[string]any)["items"].([]any)
	delete(items[0].(map[string]any), "target")
	if err := schema.Validate(broken); err == nil {
		t.Fatal("the schema accepts an annotation without a target")
	}

	var coll struct {
		Context string `json:"@context"`
		Type    string `json:"type"`
		Total   int    `json:"total"`
		First   struct {
			Type  string `json:"type"`
			Items []struct {
				ID         string `json:"id"`
				Type       string `json:"type"`
				Motivation string `json:"motivation"`
				Body       []struct {
					Type, Purpose, Value string
				} `json:"body"`
				Target struct {
					Source   string           `json:"source"`
					Selector []map[string]any `json:"selector"`
				} `json:"target"`
				Creator struct {
					ID, Type, Name string
				} `json:"creator"`
				Created, Modified string
			} `json:"items"`
		} `json:"first"`
	}
	r.json(t, &coll)
	rows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	if coll.Context != "http://www.w3.org/ns/anno.jsonld" || coll.Type != "AnnotationCollection" || coll.Total != len(rows) || len(coll.First.Items) != len(rows) {
		t.Fatalf("collection %s %s total %d with %d items, want %d annotations", coll.Context, coll.Type, coll.Total, len(coll.First.Items), len(rows))
	}
	for i, a := range coll.First.Items {
		row := rows[i]
		if a.Type != "Annotation" || a.Motivation != "tagging" || a.Body[0].Type != "TextualBody" || a.Body[0].Purpose != "tagging" || a.Body[0].Value != row.Label {
			t.Errorf("annotation %d: %+v", row.ID, a)
		}
		if !strings.HasSuffix(a.ID, "#annotation-"+itoa(row.ID)) || !strings.HasPrefix(a.Target.Source, "https://example.org/a/") {
			t.Errorf("annotation %d: id %s, source %s", row.ID, a.ID, a.Target.Source)
		}
		var quote, pos map[string]any
		for _, s := range a.Target.Selector {
			switch s["type"] {
			case "TextQuoteSelector":
				quote = s
			case "TextPositionSelector":
				pos = s
			}
		}
		if quote == nil || pos == nil || quote["exact"] != row.Exact || pos["start"] != float64(row.Start) || pos["end"] != float64(row.End) {
			t.Errorf("annotation %d selectors %v, want exact %q [%d,%d)", row.ID, a.Target.Selector, row.Exact, row.Start, row.End)
		}
		if !strings.HasSuffix(a.Creator.ID, "/users/"+itoa(row.UserID)) || a.Creator.Type != "Person" || a.Creator.Name == "" {
			t.Errorf("annotation %d creator %+v", row.ID, a.Creator)
		}
		if _, err := time.Parse(time.RFC3339, a.Created); err != nil {
			t.Errorf("annotation %d created %q", row.ID, a.Created)
		}
	}
	_ = c
}

// TestExportCSVAndFilters checks the CSV form against the JSONL form and every filter.
func TestExportCSVAndFilters(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 8, 5)
	all := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations?format=jsonl", nil, 200, nil).Body)

	r := e.must("admin", "GET", "/api/v1/exports/annotations?format=csv", nil, 200, nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(all)+1 {
		t.Fatalf("%d csv records, want %d rows and a header", len(recs), len(all))
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	for _, name := range []string{"article_id", "outlet_id", "credited_outlet_id", "user_id", "label", "start", "end", "exact", "prefix",
		"suffix", "note", "source_text", "source_url", "article_url", "created_at", "updated_at", "reviewer_completed"} {
		if _, ok := col[name]; !ok {
			t.Errorf("csv has no column %q", name)
		}
	}
	for i, row := range all {
		rec := recs[i+1]
		credited := ""
		if row.CreditedOutletID != nil {
			credited = itoa(*row.CreditedOutletID)
		}
		if rec[col["id"]] != itoa(row.ID) || rec[col["exact"]] != row.Exact || rec[col["label"]] != row.Label ||
			rec[col["credited_outlet_id"]] != credited || rec[col["reviewer_completed"]] != score.CSVBool(row.ReviewerCompleted) {
			t.Errorf("csv row %d %v differs from jsonl %+v", i, rec, row)
		}
	}

	count := func(q string, keep func(exportRow) bool) {
		t.Helper()
		got := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations?"+q, nil, 200, nil).Body)
		var want []int64
		for _, r := range all {
			if keep(r) {
				want = append(want, r.ID)
			}
		}
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if len(want) == 0 || !slices.Equal(ids, want) {
			t.Errorf("%s: ids %v, want %v", q, ids, want)
		}
	}
	pub := map[int64]time.Time{}
	for _, a := range c.articles {
		pub[a.id] = a.published
	}
	count("label=opinion", func(r exportRow) bool { return r.Label == "opinion" })
	count("user_id="+itoa(e.ids["reviewer2"]), func(r exportRow) bool { return r.UserID == e.ids["reviewer2"] })
	count("outlet_id="+itoa(c.outlets[1]), func(r exportRow) bool { return r.OutletID == c.outlets[1] })
	count("from=2024-02-01&to=2024-02-29", func(r exportRow) bool { return pub[r.ArticleID].Month() == time.February })
	count("label=speculation&outlet_id="+itoa(c.outlets[0])+","+itoa(c.outlets[2]), func(r exportRow) bool {
		return r.Label == "speculation" && r.OutletID != c.outlets[1]
	})
}

// TestDataPackage: the Data Package describes the three CSV resources with the columns they
// really have.
func TestDataPackage(t *testing.T) {
	e := newEnv(t)
	newCorpus(t, e, 3, 6)
	var dp struct {
		Profile   string `json:"profile"`
		Resources []struct {
			Name, Path, Format string
			Schema             struct {
				Fields []struct{ Name, Type string }
			}
		} `json:"resources"`
	}
	e.must("researcher", "GET", "/api/v1/exports/datapackage.json", nil, 200, &dp)
	if dp.Profile != "tabular-data-package" || len(dp.Resources) != 3 {
		t.Fatalf("data package %+v", dp)
	}
	types := map[string]bool{"integer": true, "number": true, "string": true, "boolean": true, "datetime": true}
	for _, res := range dp.Resources {
		if res.Format != "csv" || !strings.HasPrefix(res.Path, e.ts.URL+"/api/v1/") {
			t.Errorf("resource %s: format %q path %q", res.Name, res.Format, res.Path)
		}
		r := e.must("researcher", "GET", strings.TrimPrefix(res.Path, e.ts.URL), nil, 200, nil)
		header, err := csv.NewReader(bytes.NewReader(r.Body)).Read()
		if err != nil {
			t.Fatalf("%s: %v", res.Name, err)
		}
		var names []string
		for _, f := range res.Schema.Fields {
			names = append(names, f.Name)
			if !types[f.Type] {
				t.Errorf("%s.%s: type %q is not a Table Schema type", res.Name, f.Name, f.Type)
			}
		}
		if !slices.Equal(names, header) {
			t.Errorf("%s: described fields %v, the CSV has %v", res.Name, names, header)
		}
	}
	if dp.Resources[0].Schema.Fields[0].Type != "integer" || !slices.Equal(score.OutletColumns()[:2], []string{"outlet_id", "outlet"}) {
		t.Errorf("outlet_id is %q", dp.Resources[0].Schema.Fields[0].Type)
	}
}

// flushRecorder records how much of the body had been written at each flush.
type flushRecorder struct {
	*httptest.ResponseRecorder
	flushedAt []int
}

func (f *flushRecorder) Flush() {
	f.flushedAt = append(f.flushedAt, f.Body.Len())
	f.ResponseRecorder.Flush()
}

// TestExportStreams: an export of several thousand rows is written and flushed batch by
// batch while the handler runs, not assembled and sent at the end.
func TestExportStreams(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Streamed", nil, nil)
	a := e.article(o, "Long", strings.Repeat("Words to tag, again and again. ", 40))
	const n = 3500
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i := range n {
		_, err := tx.ExecContext(ctx, rebind(e, `INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a, e.ids["reviewer"], score.AllLabels[i%4], i%100, i%100+5, "xxxxx", now, now)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"jsonl", "csv", "jsonld"} {
		req := httptest.NewRequest("GET", "/api/v1/exports/annotations?format="+format, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
		rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
		e.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", format, rec.Code, rec.Body.String())
		}
		total := rec.Body.Len()
		// A flush every 1,000 rows and a last one: the first thousand rows left the server
		// while most of the export was still to be read.
		if len(rec.flushedAt) < 4 || rec.flushedAt[0] == 0 || rec.flushedAt[0] > total/3 {
			t.Errorf("%s: flushed at %v of %d bytes; want a flush per batch from the start", format, rec.flushedAt, total)
		}
		lines := bytes.Count(rec.Body.Bytes(), []byte("\n"))
		if lines < n {
			t.Errorf("%s: %d lines for %d annotations", format, lines, n)
		}
	}
}

// exportLine mirrors every field of a JSONL export line in the order the export writes them,
// for TestExportEncoding to re-encode with encoding/json.
type exportLine struct {
	ID               int64  `json:"id"`
	ArticleID        int64  `json:"article_id"`
	OutletID         int64  `json:"outlet_id"`
	CreditedOutletID *int64 `json:"credited_outlet_id"`
	Credits          []struct {
		Start    int    `json:"start"`
		End      int    `json:"end"`
		OutletID *int64 `json:"outlet_id"`
		Excluded string `json:"excluded,omitempty"`
	} `json:"credits"`
	UserID            int64      `json:"user_id"`
	User              string     `json:"user"`
	ReviewerCompleted bool       `json:"reviewer_completed"`
	ReopenedAfterView bool       `json:"reopened_after_viewing"`
	Label             string     `json:"label"`
	Start             int        `json:"start"`
	End               int        `json:"end"`
	Exact             string     `json:"exact"`
	Prefix            string     `json:"prefix"`
	Suffix            string     `json:"suffix"`
	Note              string     `json:"note"`
	SourceText        string     `json:"source_text"`
	SourceURL         string     `json:"source_url"`
	Status            string     `json:"status"`
	SuggestionRule    string     `json:"suggestion_rule"`
	Origin            string     `json:"origin"`
	SuggestionModel   string     `json:"suggestion_model"`
	Layer             string     `json:"layer"`
	ArticleURL        string     `json:"article_url"`
	ArticleTitle      string     `json:"article_title"`
	PublishedAt       *time.Time `json:"published_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// TestExportEncoding: the JSONL and CSV exports, written by hand for speed, are byte for
// byte what encoding/json and encoding/csv write for the same values, on text that needs
// escaping and quoting; and the CSV holds the same values as the JSONL.
func TestExportEncoding(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 3, 9) // ordinary rows, with regions and credits
	tricky := []string{
		"", "plain", `<b>&amp; "quoted"</b>`, "back\\slash\\", "line\nbreak\r\nand\ttab\x01\x1f\x7f",
		" leading space", "\tleading tab", "\u00a0leading no-break space", "sep\u2028ara\u2029tors", "comma, here",
		`\.`, "café 🙄 “quoted” ½", `"`, "trailing quote\"", "\b\f",
	}
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	a := c.articles[0].id
	now := time.Date(2025, 3, 4, 5, 6, 7, 891000000, time.UTC)
	for i, s := range tricky {
		u := tricky[(i+1)%len(tricky)]
		_, err := db.ExecContext(context.Background(), rebind(e, `INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp,
			exact, prefix, suffix, note, source_text, source_url, suggestion_rule, origin, suggestion_model, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a, e.ids["reviewer"], score.AllLabels[i%4], i, i+3, s+"x", u, s, u, s, u, s, []string{"manual", "suggestion"}[i%2], u,
			now, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
	}

	body := e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body
	lines := bytes.SplitAfter(body, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) < len(tricky)+10 {
		t.Fatalf("%d lines", len(lines))
	}
	var rows []exportLine
	seen := map[string]bool{}
	for i, line := range lines {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var r exportLine
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		var re bytes.Buffer
		if err := json.NewEncoder(&re).Encode(&r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(re.Bytes(), line) {
			t.Errorf("line %d is not encoding/json's encoding:\n got %s\nwant %s", i+1, line, re.Bytes())
		}
		seen[r.Suffix] = true
		rows = append(rows, r)
	}
	for _, s := range tricky {
		if !seen[s] {
			t.Errorf("no row has suffix %q", s)
		}
	}

	// The CSV is what encoding/csv writes for the JSONL's values (compared as bytes: a CSV
	// reader would turn the "\r\n" inside a quoted field into "\n"): with ?csv=raw exactly,
	// and by default with the cells a spreadsheet would run as formulas neutralised (csvout).
	rfc := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	opt := func(id *int64) string {
		if id == nil {
			return ""
		}
		return itoa(*id)
	}
	for _, mode := range []struct {
		query string
		cell  func(string) string
	}{{"&csv=raw", func(s string) string { return s }}, {"", csvout.Neutralise}} {
		body = e.must("researcher", "GET", "/api/v1/exports/annotations?format=csv"+mode.query, nil, 200, nil).Body
		header, err := csv.NewReader(bytes.NewReader(body)).Read()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		_ = w.Write(header)
		for _, r := range rows {
			var credits []string
			for _, p := range r.Credits {
				owner := p.Excluded
				if p.OutletID != nil {
					owner = itoa(*p.OutletID)
				}
				credits = append(credits, fmt.Sprintf("%d-%d:%s", p.Start, p.End, owner))
			}
			rec := []string{itoa(r.ID), itoa(r.ArticleID), itoa(r.OutletID), opt(r.CreditedOutletID), strings.Join(credits, ";"),
				itoa(r.UserID), r.User, score.CSVBool(r.ReviewerCompleted), score.CSVBool(r.ReopenedAfterView), r.Label, strconv.Itoa(r.Start), strconv.Itoa(r.End),
				r.Exact, r.Prefix, r.Suffix, r.Note, r.SourceText, r.SourceURL, r.Status, r.SuggestionRule, r.Origin, r.SuggestionModel, r.Layer,
				r.ArticleURL, r.ArticleTitle, rfc(r.PublishedAt), rfc(&r.CreatedAt), rfc(&r.UpdatedAt)}
			for i := range rec {
				rec[i] = mode.cell(rec[i])
			}
			_ = w.Write(rec)
		}
		w.Flush()
		if !bytes.Equal(body, want.Bytes()) {
			got, exp := bytes.SplitAfter(body, []byte("\n")), bytes.SplitAfter(want.Bytes(), []byte("\n"))
			for i := range min(len(got), len(exp)) {
				if !bytes.Equal(got[i], exp[i]) {
					t.Fatalf("CSV%s line %d\n got %q\nwant %q", mode.query, i+1, got[i], exp[i])
				}
			}
			t.Fatalf("CSV%s of %d lines, want %d", mode.query, len(got), len(exp))
		}
	}
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(e *env, q string) string { return models.Rebind(e.store.Dialect(), q) }

// BenchmarkExportRows streams the whole annotation export of the generated corpus (see
// benchCorpus) as JSONL and CSV and reports rows per second and the peak heap growth while it
// runs (sampled every 25 ms, over the heap before the export). "http" goes through a real
// connection with the Go client reading the lines, as a researcher's download would; "direct"
// calls the handler with a ResponseWriter that discards the bytes (counting lines), which is
// the server's own cost without a client competing for the same cores.
func BenchmarkExportRows(b *testing.B) {
	e := benchEnv(b)
	benchCorpus(b, e)
	for _, format := range []string{"jsonl", "csv"} {
		b.Run(format+"/http", func(b *testing.B) {
			measureExport(b, func() int {
				req := newRequest(e.t, "GET", e.ts.URL+"/api/v1/exports/annotations?format="+format, nil)
				req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				defer res.Body.Close()
				rows := 0
				sc := bufio.NewScanner(res.Body)
				sc.Buffer(make([]byte, 1<<20), 1<<20)
				for sc.Scan() {
					rows++
				}
				return rows
			})
		})
		b.Run(format+"/direct", func(b *testing.B) {
			h := e.srv.Handler()
			measureExport(b, func() int {
				req := httptest.NewRequest("GET", "/api/v1/exports/annotations?format="+format, nil)
				req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
				w := &lineCounter{header: http.Header{}}
				h.ServeHTTP(w, req)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
				return w.lines
			})
		})
	}
}

// measureExport runs export b.N times and reports rows/s and peak-heap-MiB.
func measureExport(b *testing.B, export func() (rows int)) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	rows := 0
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		rows += export()
	}
	secs := time.Since(start).Seconds()
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(rows)/secs, "rows/s")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-heap-MiB")
}

// lineCounter is a ResponseWriter that counts the lines written to it and keeps nothing.
type lineCounter struct {
	header http.Header
	code   int
	lines  int
}

func (w *lineCounter) Header() http.Header { return w.header }
func (w *lineCounter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *lineCounter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}
func (w *lineCounter) Flush() {}
