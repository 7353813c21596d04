// Package synth generates deterministic synthetic news corpora with planted
// reprints, for measuring the reprint detector's recall and precision and
// for benchmarks.
//
// Text is made of invented words drawn with a Zipf distribution (a few very
// common words, a long tail of rare ones), in capitalised sentences grouped
// into paragraphs, with quotations in straight or curly quotes, so its
// statistics resemble language: common shingles recur across articles as
// they do in news. A planted reprint copies a passage of an earlier article
// into a later one and alters it the way copying does: the quote style is
// swapped, whitespace changed, and up to MaxEditRate of the words replaced.
// The same Config always yields the same corpus.
package synth

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate/reprint"
)

// Config describes a corpus. Zero fields take the defaults of Default.
type Config struct {
	Articles        int     // number of articles
	Words           int     // mean words per article (±15%)
	Vocabulary      int     // distinct words
	ZipfS           float64 // Zipf exponent, > 1
	ReprintRate     float64 // share of articles (after the first) that receive a planted reprint
	MinReprintWords int     // planted passage length range, in words
	MaxReprintWords int
	MaxEditRate     float64 // each plant replaces a uniform share in [0, MaxEditRate] of its words
	Outlets         int     // articles are spread over this many outlets
	FirstID         int64   // ID of the first article
	Seed            uint64
	Start           time.Time // publication time of the first article; one per minute after
}

// Default is the corpus the quality test uses: 10,000 articles of about 600
// words, a third of them carrying a reprint of 40–120 words with up to 10% of
// the words changed.
func Default() Config {
	return Config{
		Articles:        10000,
		Words:           600,
		Vocabulary:      20000,
		ZipfS:           1.1,
		ReprintRate:     0.3,
		MinReprintWords: 40,
		MaxReprintWords: 120,
		MaxEditRate:     0.10,
		Outlets:         50,
		FirstID:         1,
		Seed:            1,
		Start:           time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func (c Config) withDefaults() Config {
	d := Default()
	if c.Articles <= 0 {
		c.Articles = d.Articles
	}
	if c.Words <= 0 {
		c.Words = d.Words
	}
	if c.Vocabulary <= 0 {
		c.Vocabulary = d.Vocabulary
	}
	if c.ZipfS <= 1 {
		c.ZipfS = d.ZipfS
	}
	if c.ReprintRate <= 0 {
		c.ReprintRate = d.ReprintRate
	}
	if c.MinReprintWords <= 0 {
		c.MinReprintWords = d.MinReprintWords
	}
	if c.MaxReprintWords < c.MinReprintWords {
		c.MaxReprintWords = max(c.MinReprintWords, d.MaxReprintWords)
	}
	if c.MaxEditRate < 0 {
		c.MaxEditRate = 0
	}
	if c.Outlets <= 0 {
		c.Outlets = d.Outlets
	}
	if c.FirstID == 0 {
		c.FirstID = d.FirstID
	}
	if c.Start.IsZero() {
		c.Start = d.Start
	}
	return c
}

// Plant is the ground truth of one planted reprint: the passage
// Source[SourceStart:SourceEnd] reappears, altered, as
// Article[Start:End] (code point offsets into each article's final Text).
type Plant struct {
	ArticleID, SourceID    int64
	Start, End             int
	SourceStart, SourceEnd int
	Words                  int     // words copied
	Changed                int     // words replaced
	EditRate               float64 // Changed / Words
}

// Corpus is a generated corpus. Articles are in publication order, so a
// plant's source is always published before its article.
type Corpus struct {
	Articles []reprint.Article
	Plants   []Plant
}

// word is one word of an original text, in code points of that text.
type word struct{ start, end int }

type draft struct {
	text  []rune
	words []word
	paras []int // code point offsets where a paragraph may be inserted (after "\n\n" or at the end)
	used  [][2]int
}

// Generate builds the corpus described by cfg.
func Generate(cfg Config) Corpus {
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x73796e7468))
	vocab := vocabulary(rng, cfg.Vocabulary)
	zipf := rand.NewZipf(rng, cfg.ZipfS, 1, uint64(len(vocab)-1))

	drafts := make([]draft, cfg.Articles)
	for i := range drafts {
		n := cfg.Words*85/100 + rng.IntN(cfg.Words*30/100+1)
		drafts[i] = write(rng, zipf, vocab, n)
	}

	// Plan the plants first: each source range is used once and never
	// overlaps another range of the same source, so the ground truth has no
	// hidden sibling pairs; insertion points avoid source ranges so sources
	// stay intact.
	type plan struct {
		target, source int
		w0, w1         int // source word range
		at             int // insertion offset in the target's original text
	}
	var plans []plan
	for i := 1; i < cfg.Articles; i++ {
		if rng.Float64() >= cfg.ReprintRate {
			continue
		}
		for range 8 { // a few tries to find a free range
			j := rng.IntN(i)
			L := cfg.MinReprintWords + rng.IntN(cfg.MaxReprintWords-cfg.MinReprintWords+1)
			if L >= len(drafts[j].words) {
				continue
			}
			w0 := rng.IntN(len(drafts[j].words) - L)
			if overlaps(drafts[j].used, w0, w0+L) {
				continue
			}
			drafts[j].used = append(drafts[j].used, [2]int{w0, w0 + L})
			plans = append(plans, plan{target: i, source: j, w0: w0, w1: w0 + L})
			break
		}
	}
	// Choose insertion points now that all source ranges are known.
	for p := range plans {
		d := &drafts[plans[p].target]
		var free []int
		for _, off := range d.paras {
			if !insideUsed(d, off) {
				free = append(free, off)
			}
		}
		plans[p].at = free[rng.IntN(len(free))]
	}

	// Render the plants and splice them in, per target, in text order.
	type insertion struct {
		at   int
		text []rune
		plan int
		edit float64
		chg  int
	}
	byTarget := make(map[int][]insertion)
	for p, pl := range plans {
		src := drafts[pl.source]
		text, changed := alter(rng, src.text, src.words[pl.w0:pl.w1], vocab, cfg.MaxEditRate)
		byTarget[pl.target] = append(byTarget[pl.target], insertion{at: pl.at, text: text, plan: p, chg: changed})
	}
	final := make([][]rune, cfg.Articles)
	// shift[i] maps an original offset of article i to its final offset.
	shifts := make([]func(int) int, cfg.Articles)
	plantStart := make([]int, len(plans))
	plantEnd := make([]int, len(plans))
	for i := range drafts {
		ins := byTarget[i]
		slices.SortStableFunc(ins, func(x, y insertion) int { return x.at - y.at })
		var out []rune
		prev := 0
		var points []int // original offsets of insertions
		var added []int  // cumulative length added at each point
		total := 0
		for _, in := range ins {
			out = append(out, drafts[i].text[prev:in.at]...)
			prev = in.at
			plantStart[in.plan] = len(out)
			out = append(out, in.text...)
			plantEnd[in.plan] = len(out)
			sep := []rune("\n\n")
			out = append(out, sep...)
			total += len(in.text) + len(sep)
			points = append(points, in.at)
			added = append(added, total)
		}
		out = append(out, drafts[i].text[prev:]...)
		final[i] = out
		shifts[i] = func(off int) int {
			n := 0
			for k, pt := range points {
				if pt <= off {
					n = added[k]
				}
			}
			return off + n
		}
	}

	var c Corpus
	for i := range drafts {
		c.Articles = append(c.Articles, reprint.Article{
			ID:          cfg.FirstID + int64(i),
			OutletID:    1 + int64(rng.IntN(cfg.Outlets)),
			PublishedAt: cfg.Start.Add(time.Duration(i) * time.Minute),
			Text:        string(final[i]),
		})
	}
	for p, pl := range plans {
		src := drafts[pl.source]
		ins := byTarget[pl.target]
		chg := 0
		for _, in := range ins {
			if in.plan == p {
				chg = in.chg
			}
		}
		words := pl.w1 - pl.w0
		c.Plants = append(c.Plants, Plant{
			ArticleID:   cfg.FirstID + int64(pl.target),
			SourceID:    cfg.FirstID + int64(pl.source),
			Start:       plantStart[p],
			End:         plantEnd[p],
			SourceStart: shifts[pl.source](src.words[pl.w0].start),
			SourceEnd:   shifts[pl.source](src.words[pl.w1-1].end),
			Words:       words,
			Changed:     chg,
			EditRate:    float64(chg) / float64(words),
		})
	}
	return c
}

func overlaps(used [][2]int, a, b int) bool {
	for _, u := range used {
		if a < u[1] && u[0] < b {
			return true
		}
	}
	return false
}

func insideUsed(d *draft, off int) bool {
	for _, u := range d.used {
		if d.words[u[0]].start < off && off <= d.words[u[1]-1].end {
			return true
		}
	}
	return false
}

// vocabulary invents n distinct pronounceable words from syllables.
func vocabulary(rng *rand.Rand, n int) []string {
	cons := []string{"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "st", "tr", "ch", "sh", "pl"}
	vows := []string{"a", "e", "i", "o", "u", "ai", "ea", "ou"}
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		// Frequent words are short, as in language: length grows with rank.
		syll := 1 + min(3, len(out)/200) + rng.IntN(2)
		var b strings.Builder
		for range syll {
			b.WriteString(cons[rng.IntN(len(cons))])
			b.WriteString(vows[rng.IntN(len(vows))])
		}
		if rng.IntN(3) == 0 {
			b.WriteString(cons[rng.IntN(len(cons))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// write produces one original article of about n words.
func write(rng *rand.Rand, zipf *rand.Zipf, vocab []string, n int) draft {
	var d draft
	emit := func(s string) { d.text = append(d.text, []rune(s)...) }
	words := 0
	for words < n {
		sentences := 2 + rng.IntN(4)
		for s := range sentences {
			if s > 0 {
				emit(" ")
			}
			L := 6 + rng.IntN(19)
			quoteAt, quoteLen := -1, 0
			if rng.IntN(4) == 0 {
				quoteLen = 3 + rng.IntN(6)
				quoteAt = rng.IntN(max(1, L-quoteLen))
			}
			open, shut := "“", "”"
			if rng.IntN(2) == 0 {
				open, shut = `"`, `"`
			}
			for k := range L {
				if k > 0 {
					if rng.IntN(12) == 0 {
						emit(",")
					}
					emit(" ")
				}
				if k == quoteAt {
					emit(open)
				}
				w := vocab[zipf.Uint64()]
				if k == 0 {
					w = capitalise(w)
				}
				start := len(d.text)
				emit(w)
				d.words = append(d.words, word{start: start, end: len(d.text)})
				if quoteAt >= 0 && k == quoteAt+quoteLen-1 {
					emit(shut)
				}
				words++
			}
			if quoteAt >= 0 && quoteAt+quoteLen-1 >= L {
				emit(shut)
			}
			emit(".")
		}
		emit("\n\n")
		d.paras = append(d.paras, len(d.text))
	}
	return d
}

func capitalise(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:]
}

// alter copies the text of a word range the way a reprint does: straight and
// curly double quotes are swapped, some spaces doubled or turned into line
// breaks, and a random share in [0, maxEdit] of the words replaced by other
// words of the vocabulary.
func alter(rng *rand.Rand, text []rune, words []word, vocab []string, maxEdit float64) ([]rune, int) {
	rate := rng.Float64() * maxEdit
	changes := int(rate * float64(len(words)))
	replace := make(map[int]bool, changes)
	for _, k := range rng.Perm(len(words))[:changes] {
		replace[k] = true
	}
	base := words[0].start
	var out []rune
	pos := base
	for k, w := range words {
		for _, r := range text[pos:w.start] {
			out = append(out, alterRune(rng, r)...)
		}
		if replace[k] {
			orig := string(text[w.start:w.end])
			nw := orig
			for nw == strings.ToLower(orig) || nw == orig {
				nw = vocab[rng.IntN(len(vocab))]
			}
			if unicode.IsUpper([]rune(orig)[0]) {
				nw = capitalise(nw)
			}
			out = append(out, []rune(nw)...)
		} else {
			out = append(out, text[w.start:w.end]...)
		}
		pos = w.end
	}
	return out, changes
}

func alterRune(rng *rand.Rand, r rune) []rune {
	switch r {
	case '“', '”':
		return []rune{'"'}
	case '"':
		if rng.IntN(2) == 0 {
			return []rune{'“'}
		}
		return []rune{'”'}
	case ' ':
		switch rng.IntN(10) {
		case 0:
			return []rune("  ")
		case 1:
			return []rune{'\n'}
		}
	case '\n':
		return []rune{' '}
	}
	return []rune{r}
}
