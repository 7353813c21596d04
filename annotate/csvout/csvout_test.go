package csvout

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestNeutraliseFormulas: cells a spreadsheet would run get a leading "'"; numbers, and
// everything else, are written as encoding/csv writes them.
func TestNeutraliseFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://evil.example\")": "'=HYPERLINK(\"http://evil.example\")",
		"+1+1":                                "'+1+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1", "\r=1": "'\r=1",
		"-0.25": "-0.25", "+3": "+3", "-1e-3": "-1e-3", "": "", "plain": "plain", " =1": " =1", "a=b": "a=b",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriterAsEncodingCSV: raw, the writer's bytes are encoding/csv's for the same records;
// by default they differ only in the neutralised cells, and read back (encoding/csv) to them.
func TestWriterAsEncodingCSV(t *testing.T) {
	records := [][]string{
		{"id", "name", "note"},
		{"1", "=cmd|' /C calc'!A0", "a, \"quoted\"\nline"},
		{"-2", " lead", `\.`},
		{"3", "@x", "\r\nend"},
		{"", "-", "+"},
	}
	var want bytes.Buffer
	cw := csv.NewWriter(&want)
	_ = cw.WriteAll(records)
	var raw, safe bytes.Buffer
	for _, c := range []struct {
		b   *bytes.Buffer
		raw bool
	}{{&raw, true}, {&safe, false}} {
		w := NewWriter(c.b, c.raw)
		for _, r := range records {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		if w.Error() != nil {
			t.Fatal(w.Error())
		}
	}
	if raw.String() != want.String() {
		t.Fatalf("raw:\n%q\nencoding/csv:\n%q", raw.String(), want.String())
	}
	back, err := csv.NewReader(&safe).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range records {
		for j, f := range r {
			// encoding/csv's reader turns \r\n inside a quoted field into \n.
			if back[i][j] != strings.ReplaceAll(Neutralise(f), "\r\n", "\n") {
				t.Errorf("record %d field %d: read back %q, want %q", i, j, back[i][j], Neutralise(f))
			}
		}
	}
}

// FuzzAppendField: any field, neutralised or raw, reads back with encoding/csv as one field
// equal to Neutralise(field) or field.
func FuzzAppendField(f *testing.F) {
	for _, s := range []string{"=1", "a,b", "\"", "\r\n", " x", `\.`, "-3", "@", "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, raw := range []bool{true, false} {
			line := AppendField(nil, s, raw)
			line = append(line, ",x\n"...)
			r := csv.NewReader(bytes.NewReader(line))
			r.FieldsPerRecord = 2
			rec, err := r.Read()
			want := s
			if !raw {
				want = Neutralise(s)
			}
			if err != nil {
				// encoding/csv's reader drops a lone \r and normalises \r\n inside quotes: compare what it can read.
				if bytes.ContainsAny([]byte(s), "\r") {
					return
				}
				t.Fatalf("%q (raw %v) as %q: %v", s, raw, line, err)
			}
			if rec[0] != want && !bytes.ContainsAny([]byte(s), "\r") {
				t.Fatalf("%q (raw %v): read back %q", s, raw, rec[0])
			}
		}
	})
}
