package score

import (
	"math"
	"slices"
	"strconv"
)

// Unit is one unit of reliability data for Alpha: the nominal values assigned to it by the
// coders who coded it (a coder who did not code the unit is simply absent), standing for Weight
// identical units. Weight <= 0 counts as 1, so Unit{Values: v} is one unit.
type Unit struct {
	Values []int
	Weight float64
}

// Alpha is Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's
// Alpha-Reliability", section C), computed through the coincidence matrix:
//
//	alpha = 1 - (n-1) * D / (n² - Σ_c n_c²)
//
// where n_c is the number of pairable values of category c, n = Σ_c n_c, and D = Σ_{c≠k} o_ck is
// the off-diagonal mass of the coincidence matrix. Units coded by fewer than two coders are not
// pairable and are left out. ok is false when alpha is undefined: no pairable values at all, or no
// variation (every pairable value is the same category, so the expected disagreement is zero).
func Alpha(units ...Unit) (alpha float64, ok bool) {
	marginals := map[int]float64{}
	var disagree float64
	var sorted []int
	for _, u := range units {
		m := len(u.Values)
		if m < 2 {
			continue
		}
		w := u.Weight
		if w <= 0 {
			w = 1
		}
		sorted = append(sorted[:0], u.Values...)
		slices.Sort(sorted)
		for i := 0; i < m; {
			j := i
			for j < m && sorted[j] == sorted[i] {
				j++
			}
			nc := float64(j - i)
			marginals[sorted[i]] += w * nc
			disagree += w * nc * (float64(m) - nc) / float64(m-1)
			i = j
		}
	}
	keys := make([]int, 0, len(marginals))
	for k := range marginals {
		keys = append(keys, k)
	}
	slices.Sort(keys) // fixed summation order: the same input always gives the same bits
	var n, sumSq float64
	for _, k := range keys {
		n += marginals[k]
		sumSq += marginals[k] * marginals[k]
	}
	a := nominalAlpha(n, sumSq, disagree)
	return a.Float64, a.Valid
}

// nominalAlpha turns the sufficient statistics of the coincidence matrix into alpha.
func nominalAlpha(n, sumSq, disagree float64) NullFloat {
	expected := n*n - sumSq // n(n-1)·De up to the common factor; 0 when there is no variation
	if n <= 1 || expected <= 0 {
		return NullFloat{}
	}
	return NullFloat{Float64: 1 - (n-1)*disagree/expected, Valid: true}
}

// BinaryTally holds the sufficient statistics of nominal alpha for one label, where each coder's
// value for a character is "present" (1) or "absent" (0). Tallies add up across characters,
// articles and outlets, which is what makes per-article caching and roll-ups cheap.
type BinaryTally struct {
	Absent   float64 `json:"absent"`   // n_0: pairable values "absent"
	Present  float64 `json:"present"`  // n_1: pairable values "present"
	Disagree float64 `json:"disagree"` // o_01 + o_10
}

// Add accumulates u into t.
func (t *BinaryTally) Add(u BinaryTally) {
	t.Absent += u.Absent
	t.Present += u.Present
	t.Disagree += u.Disagree
}

// Alpha is Krippendorff's nominal alpha of the tallied data; invalid when undefined.
func (t BinaryTally) Alpha() NullFloat {
	n := t.Absent + t.Present
	return nominalAlpha(n, t.Absent*t.Absent+t.Present*t.Present, t.Disagree)
}

// NumLabelSets is the number of categories of the overall agreement variable: every subset of
// the labels, encoded as a bit set (bit i set when the coder gave the character AllLabels[i]).
const NumLabelSets = 1 << NumLabels

// SetTally holds the sufficient statistics of nominal alpha for the overall variable, whose
// value for a character is the set of labels a coder gave it (one of NumLabelSets categories).
type SetTally struct {
	Values   [NumLabelSets]float64 `json:"values"`   // n_c for each label set c
	Disagree float64               `json:"disagree"` // Σ_{c≠k} o_ck
}

// Add accumulates u into t.
func (t *SetTally) Add(u SetTally) {
	for i := range t.Values {
		t.Values[i] += u.Values[i]
	}
	t.Disagree += u.Disagree
}

// Alpha is Krippendorff's nominal alpha of the tallied data; invalid when undefined.
func (t SetTally) Alpha() NullFloat {
	var n, sumSq float64
	for _, v := range t.Values {
		n += v
		sumSq += v * v
	}
	return nominalAlpha(n, sumSq, t.Disagree)
}

// AgreementTally is everything needed for the per-label and overall alphas of some text.
type AgreementTally struct {
	Labels  PerLabel[BinaryTally] `json:"labels"`
	Overall SetTally              `json:"overall"`
}

// Add accumulates u into t.
func (t *AgreementTally) Add(u AgreementTally) {
	for i := range t.Labels {
		t.Labels[i].Add(u.Labels[i])
	}
	t.Overall.Add(u.Overall)
}

// Alphas returns the overall alpha and one alpha per label.
func (t AgreementTally) Alphas() (overall NullFloat, perLabel PerLabel[NullFloat]) {
	for i := range t.Labels {
		perLabel[i] = t.Labels[i].Alpha()
	}
	return t.Overall.Alpha(), perLabel
}

// addUnit tallies a run of w characters coded by the reviewers whose label sets are masks
// (one entry per reviewer, len(masks) >= 2).
func (t *AgreementTally) addUnit(w float64, masks []uint8) {
	m := len(masks)
	mm1 := float64(m - 1)
	var present [NumLabels]int
	var sets [NumLabelSets]int
	for _, s := range masks {
		sets[s]++
		for i := range present {
			present[i] += int(s >> i & 1)
		}
	}
	for i, p := range present {
		a := m - p
		t.Labels[i].Present += w * float64(p)
		t.Labels[i].Absent += w * float64(a)
		t.Labels[i].Disagree += w * 2 * float64(p*a) / mm1
	}
	for c, nc := range sets {
		if nc == 0 {
			continue
		}
		t.Overall.Values[c] += w * float64(nc)
		t.Overall.Disagree += w * float64(nc*(m-nc)) / mm1
	}
}

// addPairs tallies, for reviewer number r of masks, the pair units (r, o) for every other
// reviewer o on a run of w characters: each pair is a two-coder unit, so it adds two pairable
// values and, if they differ, 2 to the disagreement.
func (t *AgreementTally) addPairs(w float64, masks []uint8, r int) {
	mine := masks[r]
	for o, theirs := range masks {
		if o == r {
			continue
		}
		for i := range t.Labels {
			a, b := mine>>i&1, theirs>>i&1
			t.Labels[i].addValue(w, a)
			t.Labels[i].addValue(w, b)
			if a != b {
				t.Labels[i].Disagree += 2 * w
			}
		}
		t.Overall.Values[mine] += w
		t.Overall.Values[theirs] += w
		if mine != theirs {
			t.Overall.Disagree += 2 * w
		}
	}
}

func (t *BinaryTally) addValue(w float64, bit uint8) {
	if bit == 1 {
		t.Present += w
	} else {
		t.Absent += w
	}
}

// NullFloat is a float that may be undefined, like sql.NullFloat64: in JSON an undefined value
// is null, in CSV an empty field. Alphas use it, because alpha does not exist without variation.
type NullFloat struct {
	Float64 float64
	Valid   bool
}

// MarshalJSON writes null for an undefined value.
func (f NullFloat) MarshalJSON() ([]byte, error) {
	if !f.Valid || math.IsNaN(f.Float64) || math.IsInf(f.Float64, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f.Float64, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number or null.
func (f *NullFloat) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*f = NullFloat{}
		return nil
	}
	v, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return err
	}
	*f = NullFloat{Float64: v, Valid: true}
	return nil
}

// String formats the value for CSV: shortest round-trip form, or "" when undefined.
func (f NullFloat) String() string {
	if !f.Valid {
		return ""
	}
	return formatFloat(f.Float64)
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
