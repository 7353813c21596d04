//go:build experiments

// The TF-IDF plus logistic-regression baseline of issue 15 (TestExpBaseline,
// experiments_baseline_test.go): term weighting as scikit-learn's TfidfVectorizer with
// sublinear_tf=True (tf 1 + ln count, idf ln((1 + n) / (1 + df)) + 1, each vector scaled to unit
// length) and an L2-regularised logistic regression as its LogisticRegression(C=1) with the
// lbfgs solver (intercept not penalised), here solved by L-BFGS.
package suggest

import (
	"math"
	"slices"
)

// tfidfVocab numbers the terms seen in the training units and holds their idf.
type tfidfVocab struct {
	ids map[string]int32
	idf []float64
}

// fitTFIDF learns the vocabulary and idf from the training units' terms (every term, min_df 1),
// numbered in sorted order so that one data set always gives one model.
func fitTFIDF(units [][]string) *tfidfVocab {
	df := map[string]int{}
	for _, terms := range units {
		seen := map[string]bool{}
		for _, t := range terms {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	names := make([]string, 0, len(df))
	for t := range df {
		names = append(names, t)
	}
	slices.Sort(names)
	v := &tfidfVocab{ids: make(map[string]int32, len(names)), idf: make([]float64, len(names))}
	n := float64(len(units))
	for i, t := range names {
		v.ids[t] = int32(i)
		v.idf[i] = math.Log((1+n)/(1+float64(df[t]))) + 1
	}
	return v
}

// sparseRow is a unit's TF-IDF vector: term ids in increasing order and their values.
type sparseRow struct {
	ids  []int32
	vals []float64
}

// transform is the unit's vector: terms outside the vocabulary are ignored, as a fitted
// vectoriser ignores them.
func (v *tfidfVocab) transform(terms []string) sparseRow {
	tf := map[int32]int{}
	for _, t := range terms {
		if id, ok := v.ids[t]; ok {
			tf[id]++
		}
	}
	var r sparseRow
	for id := range tf {
		r.ids = append(r.ids, id)
	}
	slices.Sort(r.ids)
	norm := 0.0
	for _, id := range r.ids {
		x := (1 + math.Log(float64(tf[id]))) * v.idf[id]
		r.vals = append(r.vals, x)
		norm += x * x
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range r.vals {
			r.vals[i] /= norm
		}
	}
	return r
}

// tfidfLR is a fitted baseline: p = σ(b + w·x).
type tfidfLR struct {
	vocab *tfidfVocab
	w     []float64
	b     float64
	iters int     // L-BFGS iterations used
	gmax  float64 // largest gradient component at the end (of the objective divided by the weight sum)
}

func (m *tfidfLR) prob(terms []string) float64 {
	r := m.vocab.transform(terms)
	z := m.b
	for k, id := range r.ids {
		z += m.w[id] * r.vals[k]
	}
	return sigmoid(z)
}

// softplus is ln(1 + e^z) without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// fitTFIDFLR fits the vocabulary and the regression on units (terms, label). With balanced, each
// class weighs n / (2 n_class), as class_weight="balanced"; otherwise every unit weighs 1. The
// objective is scikit-learn's: (Σ s_i logloss_i + ‖w‖² / 2C) / Σ s_i, minimised until no gradient
// component exceeds gtol or after maxIter iterations (scikit-learn's defaults are 1e-4 and 100;
// here 1e-5 and 300, closer to the optimum).
func fitTFIDFLR(terms [][]string, ys []bool, balanced bool, C float64) *tfidfLR {
	v := fitTFIDF(terms)
	rows := make([]sparseRow, len(terms))
	for i, t := range terms {
		rows[i] = v.transform(t)
	}
	pos := 0
	for _, y := range ys {
		if y {
			pos++
		}
	}
	wPos, wNeg := 1.0, 1.0
	if balanced && pos > 0 && pos < len(ys) {
		n := float64(len(ys))
		wPos, wNeg = n/(2*float64(pos)), n/(2*float64(len(ys)-pos))
	}
	swSum := wPos*float64(pos) + wNeg*float64(len(ys)-pos)
	nf := len(v.idf)
	fg := func(x, g []float64) float64 {
		clear(g)
		f, b := 0.0, x[nf]
		for i, r := range rows {
			z := b
			for k, id := range r.ids {
				z += x[id] * r.vals[k]
			}
			s, y := wNeg, 0.0
			if ys[i] {
				s, y = wPos, 1
				f += s * softplus(-z)
			} else {
				f += s * softplus(z)
			}
			res := s * (sigmoid(z) - y)
			for k, id := range r.ids {
				g[id] += res * r.vals[k]
			}
			g[nf] += res
		}
		for j := range nf {
			f += x[j] * x[j] / (2 * C)
			g[j] += x[j] / C
		}
		for j := range g {
			g[j] /= swSum
		}
		return f / swSum
	}
	x := make([]float64, nf+1)
	iters, gmax := lbfgs(x, fg, 300, 1e-5)
	return &tfidfLR{vocab: v, w: x[:nf], b: x[nf], iters: iters, gmax: gmax}
}

// lbfgs minimises f from x (updated in place) by limited-memory BFGS with 10 correction pairs
// and a backtracking (Armijo) line search; fg returns f(x) and writes its gradient into g. It
// stops when no gradient component exceeds gtol or after maxIter iterations, and returns the
// iterations used and the largest gradient component.
func lbfgs(x []float64, fg func(x, g []float64) float64, maxIter int, gtol float64) (int, float64) {
	const m = 10
	n := len(x)
	g, gn, xn, d := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	f := fg(x, g)
	var S, Y [][]float64
	var rho []float64
	alpha := make([]float64, m)
	dot := func(a, b []float64) float64 {
		s := 0.0
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	gmax := func() float64 {
		mx := 0.0
		for _, v := range g {
			mx = max(mx, math.Abs(v))
		}
		return mx
	}
	for it := range maxIter {
		if gm := gmax(); gm <= gtol {
			return it, gm
		}
		// Two-loop recursion: d = H g.
		copy(d, g)
		k := len(S)
		for i := k - 1; i >= 0; i-- {
			alpha[i] = rho[i] * dot(S[i], d)
			for j := range d {
				d[j] -= alpha[i] * Y[i][j]
			}
		}
		gamma := 1 / math.Sqrt(dot(g, g))
		if k > 0 {
			gamma = dot(S[k-1], Y[k-1]) / dot(Y[k-1], Y[k-1])
		}
		for j := range d {
			d[j] *= gamma
		}
		for i := range k {
			beta := rho[i] * dot(Y[i], d)
			for j := range d {
				d[j] += (alpha[i] - beta) * S[i][j]
			}
		}
		gd := -dot(g, d)
		if gd >= 0 { // not a descent direction: start again from the gradient
			S, Y, rho = nil, nil, nil
			sc := 1 / math.Sqrt(dot(g, g))
			for j := range d {
				d[j] = g[j] * sc
			}
			gd = -dot(g, d)
		}
		step, fnew := 1.0, 0.0
		for ls := 0; ; ls++ {
			for j := range x {
				xn[j] = x[j] - step*d[j]
			}
			fnew = fg(xn, gn)
			if fnew <= f+1e-4*step*gd || ls >= 40 {
				break
			}
			step /= 2
		}
		var s, y []float64
		if len(S) == m { // reuse the oldest pair's storage
			s, y = S[0], Y[0]
			S, Y, rho = S[1:], Y[1:], rho[1:]
		} else {
			s, y = make([]float64, n), make([]float64, n)
		}
		for j := range x {
			s[j], y[j] = xn[j]-x[j], gn[j]-g[j]
		}
		if sy := dot(s, y); sy > 1e-12 {
			S, Y, rho = append(S, s), append(Y, y), append(rho, 1/sy)
		}
		copy(x, xn)
		copy(g, gn)
		f = fnew
	}
	return maxIter, gmax()
}
