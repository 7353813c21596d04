package api_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// TestCSVFormulasNeutralisedInEveryCSV: names, titles, notes and outlet names that a
// spreadsheet would run as a formula are written with a leading "'" in every CSV the service
// writes (scores, annotations, reviewers, the audit trail), unchanged with ?csv=raw, and the
// data package says which it points at.
func TestCSVFormulasNeutralisedInEveryCSV(t *testing.T) {
	e := newEnv(t)
	const outletName, title, note, reviewer = `=HYPERLINK("http://evil.example","x")`, "+cmd|' /C calc'!A0", "-2+3 said the note", "@SUM(A1:A9)"
	o := e.outlet(outletName, nil, nil)
	art := e.article(o, title, "Some words to annotate here, and a few more words after them.")
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["reviewer"]), map[string]any{"name": reviewer}, 200, nil)
	for _, who := range []string{"reviewer", "reviewer2"} {
		e.must(who, "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 10, "note": note}, 201, nil)
		e.must(who, "POST", "/api/v1/articles/"+itoa(art)+"/complete", nil, 200, nil)
	}
	payloads := []string{outletName, title, note, reviewer}
	for _, path := range []string{
		"/api/v1/scores/outlets?format=csv", "/api/v1/scores/articles?format=csv",
		"/api/v1/scores/reviewers?format=csv", "/api/v1/exports/annotations?format=csv", "/api/v1/exports/audit?format=csv",
	} {
		as := "researcher"
		if strings.Contains(path, "audit") {
			as = "admin"
		}
		for _, raw := range []bool{false, true} {
			p := path
			if raw {
				p += "&csv=raw"
			}
			body := e.must(as, "GET", p, nil, 200, nil).Body
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			found := 0
			for _, rec := range recs {
				for _, cell := range rec {
					if cell == "" || strings.ContainsRune("=+-@\t\r", rune(cell[0])) && isNumber(cell) {
						continue
					}
					if !raw && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("%s: cell %q would run as a formula", p, cell)
					}
					for _, pl := range payloads {
						if cell == pl && raw || cell == "'"+pl && !raw || strings.Contains(cell, pl) && strings.Contains(path, "audit") {
							found++
						}
					}
				}
			}
			if found == 0 {
				t.Errorf("%s: none of the payloads is in the CSV (the test checks nothing):\n%s", p, body)
			}
		}
	}
	if r := e.do("researcher", "GET", "/api/v1/scores/outlets?format=csv&csv=yes", nil); r.Status != 400 || r.errCode() != "bad_request" {
		t.Errorf("?csv=yes: %d %s, want 400 bad_request", r.Status, r.Body)
	}
	for query, want := range map[string]string{"": "neutralised", "?csv=raw": "raw"} {
		var pkg struct {
			Resources []struct {
				Path     string
				CSVCells string `json:"csv_cells"`
			}
		}
		e.must("researcher", "GET", "/api/v1/exports/datapackage.json"+query, nil, 200, &pkg)
		for _, r := range pkg.Resources {
			if r.CSVCells != want || strings.Contains(r.Path, "csv=raw") != (want == "raw") {
				t.Errorf("datapackage%s: resource %s says %q, want %q", query, r.Path, r.CSVCells, want)
			}
		}
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
