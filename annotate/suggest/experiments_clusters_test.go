//go:build experiments

package suggest

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"gonum.org/v1/gonum/mat"

	"github.com/credence-project/credence/annotate"
)

// Word clusters: words grouped by the company they keep in unlabelled text, so that a word the
// labelled data never shows weighs like the words used as it is ("catastrophic" beside
// "disastrous"). This is the classic distributional feature of small-data taggers (Brown clusters
// in Turian et al. 2010's terms); here each word's contexts (the words up to two before and after
// it in its sentence, on either side apart) are weighed by positive pointwise mutual information
// and the words grouped by spherical k-means, coarse and then fine.
//
// Written by hand: the Go ecosystem's clustering packages (gonum has no k-means; the others are
// unmaintained toys) do not cluster sparse vectors, and a dense 12,000 × 6,000 matrix would take
// half a gigabyte. The parts are each a few lines of arithmetic, and TestWordClusters checks them
// on text whose groups are known.
//
// The clusters are lexicons (coarse "kc:WORD", fine "kf:WORD", named by their most frequent word),
// so that training reads them as every other list (l:kf:disastrous, l-1:, l+1:). Measured for the
// loaded-language model in the eleventh round and not adopted (EVALUATION.md, "Eleventh round"):
// experiments only, EXP_CLUSTERS=1 adds them to the corpus's lexicons (loadExpCorpus).

// clusterConfig sets the clustering's sizes.
type clusterConfig struct {
	MinCount int // a word seen fewer times is not clustered
	MaxWords int // at most this many words, the most frequent
	Contexts int // the most frequent words are the contexts, on each side apart
	Window   int // words on each side
	Coarse   int // coarse clusters
	FineSize int // a coarse cluster is split into clusters of about this many words
	Iters    int // k-means passes at most
	SVD      int // the vectors reduced to this many dimensions first (0: not reduced)
}

func defaultClusterConfig() clusterConfig {
	return clusterConfig{MinCount: 8, MaxWords: 12000, Contexts: 3000, Window: 2, Coarse: 64, FineSize: 24, Iters: 20, SVD: 100}
}

// clusterPrefixCoarse and clusterPrefixFine start the clusters' list names.
const (
	clusterPrefixCoarse = "kc:"
	clusterPrefixFine   = "kf:"
)

// sparseVec is a unit vector over the contexts.
type sparseVec struct {
	idx []int32
	val []float64
}

// wordClusters clusters the words of texts. It returns the clusters as lexicons: name → words.
func wordClusters(texts []string, cfg clusterConfig) wordLists {
	lex := builtinLexicon()
	var sents [][]string
	count := map[string]int{}
	for _, text := range texts {
		d := analyse(text, lex)
		var cur []string
		curSent := -1
		for _, t := range d.tokens {
			if t.sent != curSent {
				if len(cur) > 0 {
					sents = append(sents, cur)
				}
				cur, curSent = nil, t.sent
			}
			w := bareWord(t)
			cur = append(cur, w)
			count[w]++
		}
		if len(cur) > 0 {
			sents = append(sents, cur)
		}
	}
	// Words by frequency (then spelling): the contexts are the most frequent of all, the words
	// clustered the most frequent with a letter.
	all := make([]string, 0, len(count))
	for w := range count {
		all = append(all, w)
	}
	slices.SortFunc(all, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ctxID := map[string]int32{}
	for _, w := range all[:min(cfg.Contexts, len(all))] {
		ctxID[w] = int32(len(ctxID))
	}
	var words []string
	for _, w := range all {
		if count[w] < cfg.MinCount || len(words) == cfg.MaxWords {
			break
		}
		if hasLetter(w) {
			words = append(words, w)
		}
	}
	wordID := map[string]int{}
	for i, w := range words {
		wordID[w] = i
	}
	// Co-occurrence counts: context c on the left is 2c, on the right 2c+1.
	co := make([]map[int32]float64, len(words))
	for i := range co {
		co[i] = map[int32]float64{}
	}
	for _, s := range sents {
		for i, w := range s {
			wi, ok := wordID[w]
			if !ok {
				continue
			}
			for j := max(0, i-cfg.Window); j <= min(len(s)-1, i+cfg.Window); j++ {
				c, ok := ctxID[s[j]]
				if j == i || !ok {
					continue
				}
				side := int32(0)
				if j > i {
					side = 1
				}
				co[wi][2*c+side]++
			}
		}
	}
	vecs := ppmiVectors(co, 2*len(ctxID))
	dims := 2 * len(ctxID)
	if cfg.SVD > 0 {
		vecs, dims = svdEmbed(vecs, dims, cfg.SVD, 1), cfg.SVD
	}
	freq := func(i int) int { return count[words[i]] }
	lists := wordLists{}
	all64 := make([]int, len(words))
	for i := range all64 {
		all64[i] = i
	}
	coarse := sphericalKMeans(vecs, all64, cfg.Coarse, dims, cfg.Iters, 1)
	for ci, members := range coarse {
		addCluster(lists, clusterPrefixCoarse, members, words, freq)
		k := max(1, int(math.Round(float64(len(members))/float64(cfg.FineSize))))
		for _, fine := range sphericalKMeans(vecs, members, k, dims, cfg.Iters, uint64(ci)+2) {
			addCluster(lists, clusterPrefixFine, fine, words, freq)
		}
	}
	return lists
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// addCluster adds a cluster as a list named prefix + its most frequent word.
func addCluster(lists wordLists, prefix string, members []int, words []string, freq func(int) int) {
	if len(members) == 0 {
		return
	}
	top := members[0]
	set := map[string]bool{}
	for _, m := range members {
		if f, ft := freq(m), freq(top); f > ft || f == ft && words[m] < words[top] {
			top = m
		}
		set[words[m]] = true
	}
	lists[prefix+words[top]] = set
}

// ppmiVectors weighs co-occurrence counts by positive pointwise mutual information, the
// contexts' probabilities smoothed by the power 0.75 (Levy, Goldberg and Dagan 2015), and
// scales each row to unit length.
func ppmiVectors(co []map[int32]float64, dims int) []sparseVec {
	ctx := make([]float64, dims)
	var total float64
	rows := make([]float64, len(co))
	for i, row := range co {
		for c, n := range row {
			ctx[c] += n
			rows[i] += n
			total += n
		}
	}
	var smooth float64
	for c := range ctx {
		ctx[c] = math.Pow(ctx[c], 0.75)
		smooth += ctx[c]
	}
	out := make([]sparseVec, len(co))
	for i, row := range co {
		keys := make([]int32, 0, len(row))
		for c := range row {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		var v sparseVec
		var norm float64
		for _, c := range keys {
			pmi := math.Log(row[c] * smooth / (rows[i] * ctx[c]))
			if pmi > 0 {
				v.idx = append(v.idx, c)
				v.val = append(v.val, pmi)
				norm += pmi * pmi
			}
		}
		norm = math.Sqrt(norm)
		for j := range v.val {
			v.val[j] /= norm
		}
		out[i] = v
	}
	return out
}

// sphericalKMeans groups the vectors of members into k clusters by cosine similarity: seeds by
// k-means++ (drawn from a PCG generator seeded with seed), then passes that assign each vector
// to its nearest centroid and move each centroid to its members' normalised mean, until nothing
// moves or iters passes. Clusters come out in the order of their first member; members in order.
func sphericalKMeans(vecs []sparseVec, members []int, k, dims, iters int, seed uint64) [][]int {
	if k >= len(members) {
		out := make([][]int, len(members))
		for i, m := range members {
			out[i] = []int{m}
		}
		return out
	}
	if k <= 1 {
		return [][]int{slices.Clone(members)}
	}
	dot := func(c []float64, v sparseVec) float64 {
		var s float64
		for j, i := range v.idx {
			s += c[i] * v.val[j]
		}
		return s
	}
	rng := rand.New(rand.NewPCG(seed, 0xc105))
	cents := make([][]float64, 0, k)
	addCent := func(v sparseVec) {
		c := make([]float64, dims)
		for j, i := range v.idx {
			c[i] = v.val[j]
		}
		cents = append(cents, c)
	}
	addCent(vecs[members[rng.IntN(len(members))]])
	dist := make([]float64, len(members)) // 1 - the best cosine so far
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for len(cents) < k {
		var sum float64
		last := cents[len(cents)-1]
		for i, m := range members {
			dist[i] = min(dist[i], max(0, 1-dot(last, vecs[m])))
			sum += dist[i] * dist[i]
		}
		if sum == 0 {
			break
		}
		r, pick := rng.Float64()*sum, len(members)-1
		for i := range members {
			if r -= dist[i] * dist[i]; r < 0 {
				pick = i
				break
			}
		}
		addCent(vecs[members[pick]])
	}
	assign := make([]int, len(members))
	for i := range assign {
		assign[i] = -1
	}
	for pass := 0; pass < iters; pass++ {
		moved := false
		for i, m := range members {
			best, bestSim := 0, math.Inf(-1)
			for ci, c := range cents {
				if s := dot(c, vecs[m]); s > bestSim {
					best, bestSim = ci, s
				}
			}
			if assign[i] != best {
				assign[i], moved = best, true
			}
		}
		if !moved {
			break
		}
		for _, c := range cents {
			clear(c)
		}
		for i, m := range members {
			c := cents[assign[i]]
			for j, x := range vecs[m].idx {
				c[x] += vecs[m].val[j]
			}
		}
		for _, c := range cents {
			var norm float64
			for _, x := range c {
				norm += x * x
			}
			if norm > 0 {
				norm = math.Sqrt(norm)
				for j := range c {
					c[j] /= norm
				}
			}
		}
	}
	byCent := map[int][]int{}
	var order []int
	for i, m := range members {
		if _, ok := byCent[assign[i]]; !ok {
			order = append(order, assign[i])
		}
		byCent[assign[i]] = append(byCent[assign[i]], m)
	}
	out := make([][]int, 0, len(order))
	for _, ci := range order {
		out = append(out, byCent[ci])
	}
	return out
}

// clusterTexts are the unlabelled texts the clusters are learned from: every doc of a data set
// that no loaded-language model is trained or measured on, outside its test part, each text once.
// So no loaded-language doc, not even its words without their labels, shapes the clusters that
// the loaded-language model is measured with.
func clusterTexts(c *Corpus) []string {
	loaded := map[string]bool{}
	for _, d := range c.Docs[LabelLoadedLanguage] {
		loaded[d.Dataset] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range []annotate.Label{LabelSourcedFact, LabelSpeculation, LabelOpinion} {
		for _, d := range c.Docs[l] {
			if loaded[d.Dataset] || d.Part == partTest || seen[d.Text] {
				continue
			}
			seen[d.Text] = true
			out = append(out, d.Text)
		}
	}
	return out
}

// svdEmbed reduces unit vectors over dims contexts to k dimensions by a truncated singular value
// decomposition of the matrix of their rows (PPMI-SVD, Levy, Goldberg and Dagan 2015): a row is
// its left singular vector's entries weighed by the square roots of the singular values, scaled
// to unit length. The decomposition is the randomized one of Halko, Martinsson and Tropp (2011):
// the row space sampled by k+10 Gaussian directions (a PCG generator seeded with seed), two power
// passes, and the small symmetric eigenproblem left solved by gonum.
func svdEmbed(vecs []sparseVec, dims, k int, seed uint64) []sparseVec {
	n, l := len(vecs), min(k+10, dims, len(vecs))
	k = min(k, l)
	rng := rand.New(rand.NewPCG(seed, 0x5fd))
	omega := make([][]float64, dims) // dims × l
	for c := range omega {
		omega[c] = make([]float64, l)
		for j := range omega[c] {
			omega[c][j] = rng.NormFloat64()
		}
	}
	mul := func(right [][]float64) [][]float64 { // M · right: n × l
		out := make([][]float64, n)
		for i, v := range vecs {
			row := make([]float64, l)
			for j, c := range v.idx {
				x := v.val[j]
				for t, r := range right[c] {
					row[t] += x * r
				}
			}
			out[i] = row
		}
		return out
	}
	mulT := func(left [][]float64) [][]float64 { // Mᵀ · left: dims × l
		out := make([][]float64, dims)
		for c := range out {
			out[c] = make([]float64, l)
		}
		for i, v := range vecs {
			for j, c := range v.idx {
				x := v.val[j]
				for t, r := range left[i] {
					out[c][t] += x * r
				}
			}
		}
		return out
	}
	y := mul(omega)
	orthonormalise(y)
	for range 2 {
		z := mulT(y)
		orthonormalise(z)
		y = mul(z)
		orthonormalise(y)
	}
	bt := mulT(y) // Bᵀ = Mᵀ Q: dims × l
	gram := mat.NewSymDense(l, nil)
	for a := range l {
		for b := a; b < l; b++ {
			var s float64
			for c := range bt {
				s += bt[c][a] * bt[c][b]
			}
			gram.SetSym(a, b, s)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(gram, true) {
		panic("word clusters: the eigendecomposition did not converge")
	}
	vals := eig.Values(nil) // ascending
	var w mat.Dense
	eig.VectorsTo(&w)
	out := make([]sparseVec, n)
	idx := make([]int32, k)
	for t := range idx {
		idx[t] = int32(t)
	}
	for i := range n {
		val := make([]float64, k)
		var norm float64
		for t := range k {
			col := l - 1 - t // the t-th largest
			var s float64
			for a := range l {
				s += y[i][a] * w.At(a, col)
			}
			s *= math.Pow(max(vals[col], 0), 0.25) // √σ, σ = √eigenvalue
			val[t] = s
			norm += s * s
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for t := range val {
				val[t] /= norm
			}
		}
		out[i] = sparseVec{idx: idx, val: val}
	}
	return out
}

// orthonormalise makes the columns of a (rows × columns) orthonormal by modified Gram–Schmidt,
// each column projected out twice ("twice is enough": one pass loses orthogonality when columns
// are nearly dependent). A column that is (nearly) a combination of the earlier ones becomes zero.
func orthonormalise(a [][]float64) {
	if len(a) == 0 {
		return
	}
	cols := len(a[0])
	for j := range cols {
		var before float64
		for i := range a {
			before += a[i][j] * a[i][j]
		}
		for range 2 {
			for p := range j {
				var d float64
				for i := range a {
					d += a[i][j] * a[i][p]
				}
				for i := range a {
					a[i][j] -= d * a[i][p]
				}
			}
		}
		var norm float64
		for i := range a {
			norm += a[i][j] * a[i][j]
		}
		if norm <= 1e-20*before || norm == 0 {
			for i := range a {
				a[i][j] = 0
			}
			continue
		}
		norm = math.Sqrt(norm)
		for i := range a {
			a[i][j] /= norm
		}
	}
}

// clusterTestText is text whose word groups are known: animals, colours and tools each appear in
// their own frames, beside the same few function words.
func clusterTestText() []string {
	groups := map[string][]string{
		"animal": {"cat", "dog", "horse", "cow", "sheep", "goat"},
		"colour": {"red", "blue", "green", "yellow", "purple", "orange"},
		"tool":   {"hammer", "saw", "drill", "wrench", "chisel", "spanner"},
	}
	frames := map[string][]string{
		"animal": {"the %s ran across the field .", "a hungry %s ate the grass .", "our %s sleeps in the barn ."},
		"colour": {"she wore a %s dress to the party .", "the wall was painted bright %s today .", "a %s light shone ."},
		"tool":   {"he fixed the shelf with a %s .", "pass me the %s from the box .", "the %s broke in his hand ."},
	}
	var texts []string
	for round := range 12 {
		for _, g := range []string{"animal", "colour", "tool"} {
			for i, w := range groups[g] {
				f := frames[g][(i+round)%len(frames[g])]
				texts = append(texts, fmt.Sprintf(f, w))
			}
		}
	}
	return texts
}

// TestWordClusters: words used in the same frames fall in one cluster, words of other frames in
// others, with and without the SVD; the clusters are named by their most frequent word and come
// out the same on a second run.
func TestWordClusters(t *testing.T) {
	groups := [][]string{
		{"cat", "dog", "horse", "cow", "sheep", "goat"},
		{"red", "blue", "green", "yellow", "purple", "orange"},
		{"hammer", "saw", "drill", "wrench", "chisel", "spanner"},
	}
	for _, svd := range []int{0, 8} {
		t.Run(fmt.Sprintf("SVD%d", svd), func(t *testing.T) {
			cfg := clusterConfig{MinCount: 5, MaxWords: 1000, Contexts: 40, Window: 2, Coarse: 6, FineSize: 3, Iters: 30, SVD: svd}
			lists := wordClusters(clusterTestText(), cfg)
			fineOf := map[string]string{}
			coarseOf := map[string]string{}
			for name, set := range lists {
				for w := range set {
					switch {
					case strings.HasPrefix(name, clusterPrefixFine):
						if fineOf[w] != "" {
							t.Errorf("%q is in two fine clusters", w)
						}
						fineOf[w] = name
					case strings.HasPrefix(name, clusterPrefixCoarse):
						coarseOf[w] = name
					default:
						t.Errorf("list %q is not a cluster", name)
					}
				}
			}
			for gi, g := range groups {
				for _, w := range g {
					if coarseOf[w] != coarseOf[g[0]] {
						t.Errorf("%s is in %s, %s in %s", w, coarseOf[w], g[0], coarseOf[g[0]])
					}
					for _, other := range groups[gi+1:] {
						if coarseOf[w] == coarseOf[other[0]] {
							t.Errorf("%s and %s share %s", w, other[0], coarseOf[w])
						}
					}
				}
			}
			// Fine clusters split a coarse one: each word's fine cluster lies inside its coarse one.
			for w, f := range fineOf {
				for x := range lists[f] {
					if coarseOf[x] != coarseOf[w] {
						t.Errorf("fine %s holds %s (%s) and %s (%s)", f, w, coarseOf[w], x, coarseOf[x])
					}
				}
				if name := strings.TrimPrefix(f, clusterPrefixFine); !lists[f][name] {
					t.Errorf("cluster %s is not named by a word of its own", f)
				}
			}
			again := wordClusters(clusterTestText(), cfg)
			if fmt.Sprint(again) != fmt.Sprint(lists) {
				t.Error("a second run clustered differently")
			}
		})
	}
}

// TestSVDEmbedMatchesGonum checks the randomized SVD against gonum's exact one on a matrix of
// rank 5: the rows' embeddings must give the same cosines (signs of singular vectors are
// arbitrary, cosines are not).
func TestSVDEmbedMatchesGonum(t *testing.T) {
	const n, dims, rank = 60, 40, 5
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := mat.NewDense(n, rank, nil), mat.NewDense(rank, dims, nil)
	for i := range n {
		for j := range rank {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	for i := range rank {
		for j := range dims {
			if rng.IntN(3) == 0 { // sparse-ish rows, as PPMI's
				b.Set(i, j, rng.Float64())
			}
		}
	}
	var m mat.Dense
	m.Mul(a, b)
	vecs := make([]sparseVec, n)
	for i := range n {
		var norm float64
		for j := range dims {
			norm += m.At(i, j) * m.At(i, j)
		}
		norm = math.Sqrt(norm)
		for j := range dims {
			if x := m.At(i, j); x != 0 {
				vecs[i].idx = append(vecs[i].idx, int32(j))
				vecs[i].val = append(vecs[i].val, x/norm)
				m.Set(i, j, x/norm)
			}
		}
	}
	got := svdEmbed(vecs, dims, rank, 7)

	var svd mat.SVD
	if !svd.Factorize(&m, mat.SVDThin) {
		t.Fatal("gonum's SVD failed")
	}
	var u mat.Dense
	svd.UTo(&u)
	s := svd.Values(nil)
	want := make([][]float64, n)
	for i := range n {
		row := make([]float64, rank)
		var norm float64
		for j := range rank {
			row[j] = u.At(i, j) * math.Sqrt(s[j])
			norm += row[j] * row[j]
		}
		for j := range row {
			row[j] /= math.Sqrt(norm)
		}
		want[i] = row
	}
	worst := 0.0
	for i := range n {
		for k := range n {
			var g, w float64
			for j := range rank {
				g += got[i].val[j] * got[k].val[j]
				w += want[i][j] * want[k][j]
			}
			worst = max(worst, math.Abs(g-w))
		}
	}
	if worst > 1e-8 {
		t.Errorf("cosines differ from gonum's SVD by up to %g", worst)
	}
}

// TestClusterTextsLeaveOutLoadedLanguageData: the clusters read no text of a data set the
// loaded-language model is trained or measured on, and no test part.
func TestClusterTextsLeaveOutLoadedLanguageData(t *testing.T) {
	c := &Corpus{Docs: map[annotate.Label][]corpusDoc{
		LabelOpinion: {
			{Dataset: "newssd", ID: "1", Part: partFit, Text: "opinion fit"},
			{Dataset: "newssd", ID: "2", Part: partCalib, Text: "opinion calibration"},
			{Dataset: "newssd", ID: "3", Part: partTest, Text: "opinion test"},
		},
		LabelSourcedFact: {
			{Dataset: "polnear", ID: "1", Part: partFit, Text: "article fit"},
			{Dataset: "polnear", ID: "2", Part: partFit, Text: "opinion fit"}, // the same text again
		},
		LabelSpeculation: {
			{Dataset: "memes", ID: "1", Part: partFit, Text: "a meme"},
			{Dataset: "wikiweasel", ID: "1", Part: partFit, Text: "a weasel"},
		},
		LabelLoadedLanguage: {
			{Dataset: "memes", ID: "1", Part: partFit, Text: "a meme"},
			{Dataset: "basil", ID: "1", Part: partFit, Text: "a news story"},
		},
	}}
	got := strings.Join(clusterTexts(c), "|")
	if want := "article fit|opinion fit|a weasel|opinion calibration"; got != want {
		t.Errorf("cluster texts %q, want %q", got, want)
	}
}
