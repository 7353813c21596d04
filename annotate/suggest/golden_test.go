package suggest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// -update rewrites testdata/golden_learned.json.gz from the current implementation. Run it only
// when the output is meant to change (new weights: see EVALUATION.md, "Benchmarks"), never to make
// a speed-up pass.
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden_learned.json.gz")

const goldenPath = "testdata/golden_learned.json.gz"

// goldenCase is one text and the suggester options it is run with.
type goldenCase struct {
	name     string
	text     string
	disabled []string // learned and rule ids switched off
}

// goldenRecord is what the golden file pins for a case: every suggestion, and a digest of every
// feature string the trainer reads on the text (so feature extraction, and with it the bytes
// "credence suggest train" writes, stays the same).
type goldenRecord struct {
	Name        string       `json:"name"`
	Suggestions []Suggestion `json:"suggestions"`
	Features    string       `json:"features"`
}

type goldenFile struct {
	Model string         `json:"model"`
	Cases []goldenRecord `json:"cases"`
}

func goldenCases(t testing.TB) []goldenCase {
	files, err := filepath.Glob("testdata/seeds/*.txt") // verbatim copies of ../shared/corpus/seeds
	if err != nil || len(files) != 5 {
		t.Fatalf("seed articles: %v %v", files, err)
	}
	var cases []goldenCase
	var all, reversed strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, goldenCase{name: filepath.Base(f), text: string(raw)})
		all.Write(raw)
		all.WriteString("\n")
	}
	demo, err := os.ReadFile("testdata/demo_harbor_gossip.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, goldenCase{name: "demo_harbor_gossip.txt", text: string(demo)})
	// Long texts: the benchmark's 20,000 words, the seeds' lines in reverse order joined without
	// paragraph breaks (long paragraphs, sentences meeting across articles), and typographic
	// variants of the seeds (straight quotes curly, hyphens non-breaking, capitals).
	cases = append(cases, goldenCase{name: "bench20k", text: benchText(t)})
	lines := strings.Split(all.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		reversed.WriteString(lines[i])
		reversed.WriteString(" ")
	}
	cases = append(cases, goldenCase{name: "seeds-reversed-one-paragraph", text: reversed.String()})
	variant := strings.NewReplacer(`"`, "“", "'", "’", "-", "\u2011", " the ", " THE ", ". ", "!  ", "\n\n", "\n• ").Replace(all.String())
	cases = append(cases, goldenCase{name: "seeds-typographic-variants", text: variant})
	// The fallback path: two learned labels switched off (served by the rules), one rule off.
	cases = append(cases, goldenCase{name: "seeds-fallback", text: all.String(),
		disabled: []string{LearnedRuleID(LabelOpinion), LearnedRuleID(LabelLoadedLanguage), "speculation.hedge", "loaded.metaphor"}})
	cases = append(cases, goldenCase{name: "short", text: learnedText})
	return cases
}

// benchText is the seed articles repeated to 20,000 words, as BenchmarkLearnedSuggest20kWords reads.
func benchText(t testing.TB) string {
	var sb strings.Builder
	files, _ := filepath.Glob("testdata/seeds/*.txt")
	if len(files) == 0 {
		t.Fatal("no testdata/seeds/*.txt to build the 20,000-word text from")
	}
	for words := 0; words < 20000; {
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sb.Write(raw)
			sb.WriteString("\n")
			words += len(strings.Fields(string(raw)))
		}
	}
	return sb.String()
}

// featureDigest hashes every feature string of the text as the trainer reads them: the whole text
// as one sentence, each sentence, each token.
func featureDigest(text string, lists wordLists) string {
	fc := newFeatCtx(text, lists)
	h := sha256.New()
	write := func(feats []string) {
		for _, f := range feats {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	write(fc.sentenceFeatures(-1))
	for si := range fc.d.sentences {
		write(fc.sentenceFeatures(si))
	}
	for ti := range fc.d.tokens {
		write(fc.tokenFeatures(ti))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func goldenRun(t testing.TB) goldenFile {
	m := BuiltinModel()
	out := goldenFile{Model: m.ID()}
	for _, c := range goldenCases(t) {
		rules := NewRules()
		for _, id := range c.disabled {
			_ = rules.Disable(id)
		}
		got, err := NewLearned(m, rules, c.disabled...).Suggest(context.Background(), c.text)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got == nil {
			got = []Suggestion{}
		}
		out.Cases = append(out.Cases, goldenRecord{Name: c.name, Suggestions: got, Features: featureDigest(c.text, m.Lists)})
	}
	return out
}

// TestLearnedGolden pins the learned suggester's exact output (labels, offsets, texts, rules,
// cues, reasons, confidences and model) on the seed articles and long texts, and the feature
// strings the trainer reads, against testdata/golden_learned.json.gz. A speed-up must leave it
// passing; new weights change it, and the file is then rewritten with -update after checking the
// old code and the new give the same file with the new weights.
func TestLearnedGolden(t *testing.T) {
	got := goldenRun(t)
	if *updateGolden {
		raw, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", goldenPath, b.Len())
		return
	}
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("%v (generate it with -update)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var want goldenFile
	if err := json.NewDecoder(zr).Decode(&want); err != nil {
		t.Fatal(err)
	}
	if got.Model != want.Model {
		t.Fatalf("model %s, the golden file was written with %s: regenerate it (-update) with the code it was written by", got.Model, want.Model)
	}
	if len(got.Cases) != len(want.Cases) {
		t.Fatalf("%d cases, golden %d", len(got.Cases), len(want.Cases))
	}
	// Again in reverse order: the suggester reuses its buffers from one text to the next.
	cases := goldenCases(t)
	for i := len(cases) - 1; i >= 0; i-- {
		c := cases[i]
		rules := NewRules()
		for _, id := range c.disabled {
			_ = rules.Disable(id)
		}
		again, err := NewLearned(BuiltinModel(), rules, c.disabled...).Suggest(context.Background(), c.text)
		if err != nil || !slices.Equal(again, got.Cases[i].Suggestions) && len(again)+len(got.Cases[i].Suggestions) > 0 {
			t.Errorf("%s: another run after other texts gives other suggestions (%v)", c.name, err)
		}
	}
	for i, g := range got.Cases {
		w := want.Cases[i]
		if g.Name != w.Name {
			t.Fatalf("case %d is %s, golden %s", i, g.Name, w.Name)
		}
		if g.Features != w.Features {
			t.Errorf("%s: the trainer's feature strings changed", g.Name)
		}
		if len(g.Suggestions) != len(w.Suggestions) {
			t.Errorf("%s: %d suggestions, golden %d", g.Name, len(g.Suggestions), len(w.Suggestions))
		}
		for k := range min(len(g.Suggestions), len(w.Suggestions)) {
			if g.Suggestions[k] != w.Suggestions[k] {
				t.Errorf("%s: suggestion %d\n got  %+v\n want %+v", g.Name, k, g.Suggestions[k], w.Suggestions[k])
				break
			}
		}
	}
}

// TestFeatureNumbersMatchStrings: the suggester's feature numbers (found without building the
// feature strings, each word's once) are exactly the numbers of the trainer's feature strings
// that the model knows, for every sentence and token of the golden texts.
func TestFeatureNumbersMatchStrings(t *testing.T) {
	m := BuiltinModel()
	l := NewLearned(m, nil)
	cm := l.compiled
	for _, c := range goldenCases(t) {
		fc := newFeatCtxIndexed(c.text, cm.lists)
		ic := l.infer(fc)
		check := func(kind string, i int, vocab *unitVocab, strs []string, got []int32) {
			var want []int32
			for _, f := range strs {
				if id, ok := vocab.ids[f]; ok {
					want = append(want, id)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %s %d: numbers %v, from the strings %v (%v)", c.name, kind, i, got, want, strs)
			}
		}
		n := 0
		for si, s := range fc.d.sentences {
			if s.wordCount() >= minSentenceWords {
				check("sentence", si, cm.vocab[unitSentence], fc.sentenceFeatures(si), ic.sentence.of(si))
				n++
			}
		}
		for ti, tok := range fc.d.tokens {
			if tok.sent >= 0 {
				check("token", ti, cm.vocab[unitToken], fc.tokenFeatures(ti), ic.token.of(ti))
				n++
			}
		}
		if n == 0 {
			t.Fatalf("%s: no unit checked", c.name)
		}
	}
}

// TestTokenTexts: a token's texts and a span's (substrings of the whole text) are its code points,
// folded and as written, also in text that is not valid UTF-8 (training data is not checked).
func TestTokenTexts(t *testing.T) {
	texts := []string{"Don’t “quote” me\xff\xfeon naïve CAFÉ\u00a0prices… 42 ‐ \xc3 end’s", learnedText}
	for _, c := range goldenCases(t) {
		texts = append(texts, c.text)
	}
	for _, text := range texts {
		d := analyse(text, builtinLexicon())
		if len(d.tokens) == 0 {
			t.Fatalf("no tokens in %q", text[:min(40, len(text))])
		}
		for _, tok := range d.tokens {
			if tok.norm != string(d.norm[tok.start:tok.end]) || tok.orig != string(d.runes[tok.start:tok.end]) {
				t.Fatalf("token %d-%d: %q %q, code points %q %q", tok.start, tok.end, tok.norm, tok.orig,
					string(d.norm[tok.start:tok.end]), string(d.runes[tok.start:tok.end]))
			}
		}
		step := 1
		if len(d.runes) > 2000 {
			step = 97 // long texts: a sample of the spans
		}
		for i := 0; i <= len(d.runes); i += step {
			for _, e := range []int{i, min(i+1, len(d.runes)), min(i+7, len(d.runes)), min(i+500, len(d.runes))} {
				if got := d.slice(i, e); got != string(d.runes[i:e]) {
					t.Fatalf("slice %d-%d: %q, code points %q", i, e, got, string(d.runes[i:e]))
				}
			}
		}
	}
}

// TestLearnedConcurrent: requests running at once (sharing the compiled model and the pooled
// buffers) get the suggestions each gets alone.
func TestLearnedConcurrent(t *testing.T) {
	l := NewLearned(BuiltinModel(), nil)
	cases := goldenCases(t)[:6]
	want := make([][]Suggestion, len(cases))
	for i, c := range cases {
		var err error
		if want[i], err = l.Suggest(context.Background(), c.text); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(cases))
	for g := range 4 {
		wg.Go(func() {
			for k := range cases {
				i := (k + g) % len(cases)
				got, err := l.Suggest(context.Background(), cases[i].text)
				if err != nil || !slices.Equal(got, want[i]) {
					errs <- cases[i].name
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for name := range errs {
		t.Errorf("%s: other suggestions when run beside other requests", name)
	}
}

// TestIsWordRuneASCII: the ASCII shortcut of isWordRune says what the unicode tables say.
func TestIsWordRuneASCII(t *testing.T) {
	for r := rune(0); r < 0x100; r++ {
		if want := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r); isWordRune(r) != want {
			t.Errorf("isWordRune(%q) = %v", r, !want)
		}
	}
}
