package suggest

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// example is one training unit: its features (ids in a featDict) and whether it carries the
// label. Weight scales its share of the loss (a reviewer's own decision counts more than a
// third-party row); zero means 1.
type example struct {
	feats  []int32
	y      bool
	weight float64
}

// featDict numbers feature strings so that examples stay small in memory.
type featDict struct {
	ids   map[string]int32
	names []string
}

func newFeatDict() *featDict { return &featDict{ids: map[string]int32{}} }

func (d *featDict) encode(feats []string) []int32 {
	out := make([]int32, 0, len(feats))
	for _, f := range feats {
		id, ok := d.ids[f]
		if !ok {
			id = int32(len(d.names))
			d.ids[f] = id
			d.names = append(d.names, f)
		}
		out = append(out, id)
	}
	return out
}

// trainOptions fix everything the trainer does, so that one data set always gives one model.
type trainOptions struct {
	Epochs   int     // passes over the data
	L2       float64 // penalty on (w - prior)², per example seen
	Rate     float64 // AdaGrad base learning rate
	MinCount int     // a feature seen in fewer examples is dropped
	Seed     uint64  // order of the examples in each pass
	Prune    float64 // weights closer than this to zero (and absent from the prior) are not kept
	// PosWeight scales the loss of positive examples; 0 means the square root of the ratio of
	// negatives to positives, which lifts rare labels without trusting them blindly.
	PosWeight float64
	NoChars   bool // leave out letter trigrams
	// Drop lists feature families (their prefixes, "t:" for word trigrams) the label's model
	// leaves out.
	Drop []string
	// Folds, when above 1, chooses the thresholds and trusted rules on out-of-fold predictions
	// instead of on the calibration part: the fit and calibration parts together are cut into
	// this many folds (by doc group), each fold is scored by a model trained on the others, and
	// the final model is trained on both parts (trainLabelFolds).
	Folds int
	// CueLists become the label model's CueLists (LabelModel).
	CueLists []string
	// ListLists become the label model's ListLists, with a threshold of their own chosen after
	// the other two (experiments only: TestExpFeatures, "%"; EVALUATION.md, "Eleventh round").
	ListLists []string
	// Domain adds the example's data set as a feature ("d:basil") in training only: it takes up
	// the data sets' different base rates, so that the shared weights need not; the scores
	// never see it. Experiments only (TestExpFeatures, "~"; EVALUATION.md, "Tenth round").
	Domain bool
}

// dropped reports whether the options leave feature f out.
func (o trainOptions) dropped(f string) bool {
	if o.NoChars && strings.HasPrefix(f, "c:") {
		return true
	}
	for _, p := range o.Drop {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

func defaultTrainOptions() trainOptions {
	return trainOptions{Epochs: 8, L2: 1e-5, Rate: 0.2, MinCount: 3, Seed: 15, Prune: 0.01}
}

// linear is a logistic regression over string features: p = σ(bias + Σ weights[f]).
type linear struct {
	Bias    float64            `json:"bias"`
	Weights map[string]float64 `json:"weights"`
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// prob scores a feature list.
func (m *linear) prob(feats []string) float64 {
	z := m.Bias
	for _, f := range feats {
		z += m.Weights[f]
	}
	return sigmoid(z)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trainLinear fits an L2-regularised logistic regression by AdaGrad stochastic gradient descent.
// With a prior, the penalty pulls weights towards it instead of towards zero: retraining on a few
// reviewed articles then adjusts the model trained on the built-in data rather than forgetting it.
// The result depends only on the examples, their order and the options: features are numbered in
// sorted order, the passes visit examples in an order drawn from a seeded generator, and every sum
// is taken in a fixed order.
func trainLinear(exs []example, dict *featDict, prior *linear, o trainOptions, progress func(float64)) *linear {
	count := make([]int, len(dict.names))
	for _, e := range exs {
		for _, f := range e.feats {
			count[f]++
		}
	}
	var vocab []string
	for id, f := range dict.names {
		if o.dropped(f) {
			continue
		}
		if count[id] >= o.MinCount {
			vocab = append(vocab, f)
		}
	}
	if prior != nil {
		for f := range prior.Weights {
			if id, ok := dict.ids[f]; !ok || count[id] < o.MinCount {
				vocab = append(vocab, f)
			}
		}
	}
	slices.Sort(vocab)
	remap := make([]int32, len(dict.names))
	for i := range remap {
		remap[i] = -1
	}
	for i, f := range vocab {
		if id, ok := dict.ids[f]; ok {
			remap[id] = int32(i)
		}
	}
	w := make([]float64, len(vocab))
	p0 := make([]float64, len(vocab))
	bias := 0.0
	if prior != nil {
		for i, f := range vocab {
			p0[i] = prior.Weights[f]
		}
		copy(w, p0)
		bias = prior.Bias
	}
	ids := make([][]int32, len(exs))
	for i, e := range exs {
		for _, f := range e.feats {
			if k := remap[f]; k >= 0 {
				ids[i] = append(ids[i], k)
			}
		}
		slices.Sort(ids[i])
		ids[i] = slices.Compact(ids[i])
	}
	posW := o.PosWeight
	if posW == 0 {
		pos := 0
		for _, e := range exs {
			if e.y {
				pos++
			}
		}
		posW = 1
		if pos > 0 && pos < len(exs) {
			posW = math.Sqrt(float64(len(exs)-pos) / float64(pos))
		}
	}
	g2 := make([]float64, len(vocab))
	bg2 := 0.0
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	for epoch := range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			z := bias
			for _, k := range ids[i] {
				z += w[k]
			}
			y := 0.0
			if exs[i].y {
				y = 1
			}
			weight := exs[i].weight
			if weight == 0 {
				weight = 1
			}
			if exs[i].y {
				weight *= posW
			}
			g := (sigmoid(z) - y) * weight
			bg2 += g * g
			bias -= o.Rate * g / math.Sqrt(bg2+1e-8)
			for _, k := range ids[i] {
				gk := g + o.L2*(w[k]-p0[k])
				g2[k] += gk * gk
				w[k] -= o.Rate * gk / math.Sqrt(g2[k]+1e-8)
			}
		}
		if progress != nil {
			progress(float64(epoch+1) / float64(o.Epochs))
		}
	}
	m := &linear{Bias: round4(bias), Weights: map[string]float64{}}
	for i, f := range vocab {
		v := round4(w[i])
		if math.Abs(v) >= o.Prune || (p0[i] != 0 && v != 0) {
			m.Weights[f] = v
		}
	}
	return m
}

// round4 keeps four decimals: the weights file stays small and prints the same everywhere.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// PRF is a precision, recall and F1 triple with the counts behind it.
type PRF struct {
	Suggested int     `json:"suggested"`
	Matched   int     `json:"matched"`
	Gold      int     `json:"gold"`
	Found     int     `json:"found"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func newPRF(suggested, matched, gold, found int) PRF {
	p := PRF{Suggested: suggested, Matched: matched, Gold: gold, Found: found,
		Precision: ratio(matched, suggested), Recall: ratio(found, gold)}
	if p.Precision+p.Recall > 0 {
		p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
	}
	p.Precision, p.Recall, p.F1 = round4(p.Precision), round4(p.Recall), round4(p.F1)
	return p
}

// MinPrecision is the precision each label's threshold is calibrated for: what reviewers see
// should be right at least six times in ten.
const MinPrecision = 0.6

// thresholdGrid lists the candidate thresholds, low to high.
func thresholdGrid() []float64 {
	var g []float64
	for t := 0.02; t < 0.991; t += 0.02 {
		g = append(g, math.Round(t*100)/100)
	}
	return g
}

// calibrate picks the pair of thresholds (for units without and with the word lists' evidence)
// with the best F1 among those whose precision reaches MinPrecision on the calibration data (never
// the test data). If none does, it takes the most precise pair that still finds a tenth of the
// gold, and reports that the target was missed. Ties go to the first pair tried: the lowest.
func calibrate(measure func(th thresholds) PRF) (th thresholds, at PRF, reached bool) {
	bestF, bestP := -1.0, -1.0
	var fallback thresholds
	var fallbackAt PRF
	grid := thresholdGrid()
	for _, plain := range grid {
		for _, cue := range grid {
			t := thresholds{plain: plain, cue: cue}
			m := measure(t)
			if m.Precision >= MinPrecision && m.F1 > bestF {
				bestF, th, at, reached = m.F1, t, m, true
			}
			if m.Recall >= 0.1 && m.Precision > bestP {
				bestP, fallback, fallbackAt = m.Precision, t, m
			}
		}
	}
	if !reached {
		return fallback, fallbackAt, false
	}
	return th, at, true
}
