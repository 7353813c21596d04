package score

import (
	"math"
	"testing"
)

// missing marks a value a coder did not assign in the reliability matrices below.
const missing = -1

// unitsFromMatrix turns a coders × units matrix into units (columns), dropping missing values.
func unitsFromMatrix(m [][]int) []Unit {
	var units []Unit
	for u := range m[0] {
		var vals []int
		for c := range m {
			if m[c][u] != missing {
				vals = append(vals, m[c][u])
			}
		}
		units = append(units, Unit{Values: vals})
	}
	return units
}

func TestAlphaPublishedExamples(t *testing.T) {
	const m = missing
	tests := []struct {
		name   string
		matrix [][]int
		want   float64 // as published, to three decimals
	}{
		{
			// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
			// nominal data, 4 observers, 12 units, missing values.
			name: "Krippendorff2011_C_Nominal4Coders12UnitsMissing",
			matrix: [][]int{
				{1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m},
				{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3},
				{m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m},
				{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m},
			},
			want: 0.743,
		},
		{
			// Krippendorff (2004), Content Analysis, section 11.3.1 (reproduced as the binary
			// example of the 2011 paper): two observers, binary data, 10 units, no missing data.
			name: "Krippendorff2004_Binary2Coders10Units",
			matrix: [][]int{
				{1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
				{0, 1, 1, 0, 0, 1, 0, 1, 0, 0},
			},
			want: 0.095,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Alpha(unitsFromMatrix(tt.matrix)...)
			if !ok {
				t.Fatal("alpha undefined")
			}
			if math.Abs(got-tt.want) > 0.0005 {
				t.Fatalf("alpha = %.6f, want %.3f", got, tt.want)
			}
		})
	}
}

func TestAlphaExactValue(t *testing.T) {
	// The binary example by hand: o_00 = 10, o_11 = 2, o_01 = o_10 = 4, n_0 = 14, n_1 = 6,
	// n = 20, so alpha = 1 − 19·8 / (400 − 196 − 36) = 1 − 152/168 = 2/21.
	units := unitsFromMatrix([][]int{
		{1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 1, 1, 0, 0, 1, 0, 1, 0, 0},
	})
	got, _ := Alpha(units...)
	if want := 2.0 / 21.0; math.Abs(got-want) > 1e-12 {
		t.Fatalf("alpha = %v, want 2/21 = %v", got, want)
	}
}

func TestAlphaEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		units  []Unit
		want   float64
		wantOK bool
	}{
		{name: "NoUnits", wantOK: false},
		{name: "SingleCoderEverywhere", units: []Unit{{Values: []int{1}}, {Values: []int{0}}}, wantOK: false},
		{name: "NoVariation", units: []Unit{{Values: []int{1, 1}}, {Values: []int{1, 1, 1}}}, wantOK: false},
		{name: "PerfectAgreement", units: []Unit{{Values: []int{1, 1}}, {Values: []int{0, 0}}}, want: 1, wantOK: true},
		// Two units, each split: o_01 = o_10 = 2, n_0 = n_1 = 2, n = 4: 1 − 3·4/(16−8) = −0.5.
		{name: "SystematicDisagreement", units: []Unit{{Values: []int{0, 1}}, {Values: []int{1, 0}}}, want: -0.5, wantOK: true},
		{name: "UnpairableUnitIgnored", units: []Unit{{Values: []int{1, 1}}, {Values: []int{0, 0}}, {Values: []int{7}}}, want: 1, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Alpha(tt.units...)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (alpha %v)", ok, tt.wantOK, got)
			}
			if ok && math.Abs(got-tt.want) > 1e-12 {
				t.Fatalf("alpha = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAlphaWeightEqualsRepetition(t *testing.T) {
	weighted := []Unit{{Values: []int{1, 0, 1}, Weight: 3}, {Values: []int{0, 0}, Weight: 2}, {Values: []int{2, 1}}}
	var repeated []Unit
	for _, u := range weighted {
		n := max(int(u.Weight), 1)
		for range n {
			repeated = append(repeated, Unit{Values: u.Values})
		}
	}
	a, okA := Alpha(weighted...)
	b, okB := Alpha(repeated...)
	if !okA || !okB || math.Abs(a-b) > 1e-12 {
		t.Fatalf("weighted %v (%v) != repeated %v (%v)", a, okA, b, okB)
	}
}

func TestTalliesMatchAlpha(t *testing.T) {
	// The same data through the binary tally used by the scores and through Alpha.
	masks := [][]uint8{{1, 0}, {1, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 1}, {0, 0}, {0, 0}}
	var tally AgreementTally
	var units []Unit
	for _, m := range masks {
		tally.addUnit(1, m)
		units = append(units, Unit{Values: []int{int(m[0]), int(m[1])}})
	}
	want, _ := Alpha(units...)
	if got := tally.Labels[0].Alpha(); !got.Valid || math.Abs(got.Float64-want) > 1e-12 {
		t.Fatalf("binary tally alpha = %+v, want %v", got, want)
	}
	if got := tally.Overall.Alpha(); !got.Valid || math.Abs(got.Float64-want) > 1e-12 {
		t.Fatalf("set tally alpha = %+v, want %v", got, want)
	}
	if got := tally.Labels[1].Alpha(); got.Valid {
		t.Fatalf("label never given: alpha should be undefined, got %v", got.Float64)
	}
}
