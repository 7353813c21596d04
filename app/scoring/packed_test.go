package scoring

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/credence-project/credence/annotate/score"
)

// fill sets v (addressable) to random values: whole and fractional floats, -0, huge and tiny
// numbers, nil and empty slices and maps, so that every branch of pack is taken.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, r.Int64N(2000), math.MaxInt64, math.MinInt64}[r.IntN(6)])
	case reflect.Float64:
		v.SetFloat([]float64{0, math.Copysign(0, -1), 3, -7, 1 << 53, 1<<53 + 2, -(1 << 60), r.Float64() * 1000, 1.0 / 3, 5e-324, math.MaxFloat64}[r.IntN(11)])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.String:
		v.SetString([]string{score.MethodologyVersion, "", "an older one"}[r.IntN(3)])
	case reflect.Array:
		for i := range v.Len() {
			fill(r, v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(r, v.Field(i))
		}
	case reflect.Slice:
		if r.IntN(4) == 0 {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), r.IntN(4), 4)
		for i := range s.Len() {
			fill(r, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(r, k)
			fill(r, e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// TestPackRoundTrip: a packed result unpacks to exactly the result (deeply equal, nil and empty
// kept apart, every float bit for bit as its JSON shows), so the held results score as the
// decoded ones did; and corrupt or cut bytes are an error, never a wrong result.
func TestPackRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		var want score.ArticleResult
		fill(r, reflect.ValueOf(&want).Elem())
		b := pack(&want)
		got, err := unpack(b)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: unpacked\n%+v\nwant\n%+v", i, got, want)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatalf("case %d: unpacked JSON\n%s\nwant\n%s", i, gj, wj)
		}
		for cut := range len(b) {
			if _, err := unpack(b[:cut]); err == nil {
				t.Fatalf("case %d: %d of %d bytes unpacked without error", i, cut, len(b))
			}
		}
	}
}

// TestPackCoversResult fails when score.ArticleResult (or a type in it) gains or loses a
// field: pack and unpack must then be extended, or the field would be dropped silently.
func TestPackCoversResult(t *testing.T) {
	for _, c := range []struct {
		v      any
		fields int
	}{
		{score.ArticleResult{}, 13}, {score.OutletPart{}, 4}, {score.ReviewerTally{}, 4}, {score.AgreementTally{}, 2},
		{score.BinaryTally{}, 3}, {score.SetTally{}, 2}, {score.OwnerTally{}, 2},
	} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.fields {
			t.Errorf("%T has %d fields, pack knows %d: extend pack and unpack", c.v, n, c.fields)
		}
	}
}

// TestPackSize: a typical two-reviewer result packs to a fraction of its decoded size.
func TestPackSize(t *testing.T) {
	res := score.ArticleResult{ArticleID: 123456, PublisherID: 77, Methodology: score.MethodologyVersion, Length: 1500,
		Reviewers: []int64{3, 9}, Outlets: []score.OutletPart{{OutletID: 77, Chars: 1300, MeanMarked: score.PerLabel[float64]{120, 45.5, 0, 30}}},
		ReviewerTallies: []score.ReviewerTally{{ReviewerID: 3, Marked: score.PerLabel[int]{100, 50, 0, 30}}, {ReviewerID: 9, Marked: score.PerLabel[int]{140, 41, 0, 30}}}}
	res.Outlets[0].Agreement.Labels[0] = score.BinaryTally{Absent: 2200, Present: 400, Disagree: 40}
	res.Outlets[0].Agreement.Overall.Values[0] = 2000
	if n := len(pack(&res)); n > 200 {
		t.Errorf("a two-reviewer result packs to %d bytes, want at most 200", n)
	}
}

// BenchmarkUnpack: the cost of unpacking one typical two-reviewer result (a table over the
// whole corpus pays it once per article).
func BenchmarkUnpack(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var res score.ArticleResult
	fill(r, reflect.ValueOf(&res).Elem())
	res.Outlets, res.ReviewerTallies = res.Outlets[:0:0], res.ReviewerTallies[:0:0]
	res.Outlets = append(res.Outlets, score.OutletPart{OutletID: 7, Chars: 1300, MeanMarked: score.PerLabel[float64]{120, 45.5, 0, 30}})
	res.ReviewerTallies = append(res.ReviewerTallies, score.ReviewerTally{ReviewerID: 3}, score.ReviewerTally{ReviewerID: 9})
	p := pack(&res)
	b.ReportMetric(float64(len(p)), "packed-bytes")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := unpack(p); err != nil {
			b.Fatal(err)
		}
	}
}
