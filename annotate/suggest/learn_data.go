package suggest

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
)

// Parts of a data set. Test is never trained on and never used to choose anything; calib chooses
// the thresholds; fit trains.
const (
	partFit   = "fit"
	partCalib = "calib"
	partTest  = "test"
	partSplit = "split" // a split that loadOpinion shares between fit and calib
)

// corpusDoc is one unit of labelled data: a sentence row (Sentence set, Positive its label) or a
// document with gold spans.
type corpusDoc struct {
	Dataset  string
	ID       string
	Part     string
	Text     string
	Sentence bool
	Positive bool
	Spans    []Gold // DocID is ID
	// Group keeps docs together when a part is split into folds: a BASIL event triplet, a
	// WikiWeasel sentence's text as given; "" means the doc alone.
	Group string
}

// Corpus is the labelled data of every label, read by LoadCorpus.
type Corpus struct {
	Docs    map[annotate.Label][]corpusDoc // by label
	Lists   wordLists
	Sources []DataSource
}

// DataSource says what a model was trained on.
type DataSource struct {
	Dataset string `json:"dataset"`
	Label   string `json:"label"`
	Licence string `json:"licence"`
	Fit     int    `json:"fit"`
	Calib   int    `json:"calib"`
	Test    int    `json:"test"`
	Unit    string `json:"unit"`
}

// partByHash holds back a tenth of the keys for calibration and a fifth for testing, by a hash of
// the key: by document, so no sentence of a test article is trained on.
func partByHash(dataset, key string) string {
	h := fnv.New64a()
	h.Write([]byte(dataset + "\x00" + key))
	switch h.Sum64() % 10 {
	case 0, 1:
		return partTest
	case 2:
		return partCalib
	}
	return partFit
}

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// readJSONL calls fn for each line of a JSON-lines file.
func readJSONL(path string, fn func(line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("training data: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// LoadCorpus reads the shared training data (see MODEL.md for every set, its licence and the
// label mapping) from dir.
func LoadCorpus(dir string) (*Corpus, error) {
	c := &Corpus{Docs: map[annotate.Label][]corpusDoc{}}
	steps := []func(string, *Corpus) error{loadLists, loadOpinion, loadSpeculation, loadPolNeAR, loadBASIL, loadSemEval, loadWNC}
	for _, step := range steps {
		if err := step(dir, c); err != nil {
			return nil, err
		}
	}
	// By data set, then by a hash of the id: a --max-docs subset is then a fair sample of files
	// that are sorted by label.
	for _, l := range Labels() {
		slices.SortStableFunc(c.Docs[l], func(a, b corpusDoc) int {
			if a.Dataset != b.Dataset {
				return compareStrings(a.Dataset, b.Dataset)
			}
			ha, hb := idHash(a.ID), idHash(b.ID)
			if ha != hb {
				if ha < hb {
					return -1
				}
				return 1
			}
			return compareStrings(a.ID, b.ID)
		})
	}
	return c, nil
}

func (c *Corpus) add(label annotate.Label, licence, unit string, docs []corpusDoc) {
	src := DataSource{Dataset: docs[0].Dataset, Label: string(label), Licence: licence, Unit: unit}
	for _, d := range docs {
		switch d.Part {
		case partFit:
			src.Fit++
		case partCalib:
			src.Calib++
		case partTest:
			src.Test++
		}
	}
	c.Sources = append(c.Sources, src)
	c.Docs[label] = append(c.Docs[label], docs...)
}

var listFiles = map[string]string{
	"hedge":       "lexicons/recasens2013/hedges_hyland2005.txt",
	"hedge_lrec":  "lexicons/hedging-lrec2020/hedge_words.txt",
	"booster":     "lexicons/hedging-lrec2020/booster_words.txt",
	"discourse":   "lexicons/hedging-lrec2020/discourse_markers.txt",
	"report":      "lexicons/recasens2013/report_verbs.txt",
	"bias":        "lexicons/recasens2013/bias-lexicon.original-654.txt",
	"factive":     "lexicons/recasens2013/factives_hooper1975.txt",
	"assertive":   "lexicons/recasens2013/assertives_hooper1975.txt",
	"implicative": "lexicons/recasens2013/implicatives_karttunen1971.txt",
}

// chargedList is the project's own list of charged words (lists/charged.txt), a feature of the
// loaded-language model only (EVALUATION.md, "Tenth round").
//
//go:embed lists/charged.txt
var chargedList string

// loadLists reads the lexicons: the training data's and the project's own.
func loadLists(dir string, c *Corpus) error {
	c.Lists = wordLists{}
	for name, file := range listFiles {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return fmt.Errorf("training data: %w", err)
		}
		c.Lists[name] = parseList(string(raw))
	}
	c.Lists["charged"] = parseList(chargedList)
	return nil
}

// parseList reads a word list: one entry a line of up to three words, "#" lines skipped. Single
// verbs are listed in their base form ("accuse"), so the usual inflections are added ("accuses",
// "accused", "accusing").
func parseList(raw string) map[string]bool {
	set := map[string]bool{}
	for line := range strings.SplitSeq(raw, "\n") {
		line = strings.ToLower(strings.TrimSpace(line))
		if line == "" || strings.HasPrefix(line, "#") || len(strings.Fields(line)) > 3 {
			continue
		}
		line = strings.Join(strings.Fields(strings.ReplaceAll(line, "’", "'")), " ")
		set[line] = true
		if !strings.Contains(line, " ") {
			for _, v := range inflections(line) {
				set[v] = true
			}
		}
	}
	return set
}

func inflections(w string) []string {
	stem := strings.TrimSuffix(w, "e")
	out := []string{w + "s", w + "ed", stem + "ed", stem + "ing", w + "ing"}
	if strings.HasSuffix(w, "y") {
		out = append(out, strings.TrimSuffix(w, "y")+"ies", strings.TrimSuffix(w, "y")+"ied")
	}
	if strings.HasSuffix(w, "s") || strings.HasSuffix(w, "sh") || strings.HasSuffix(w, "ch") {
		out = append(out, w+"es")
	}
	return out
}

type sentenceRow struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Label       string `json:"label"`
	Split       string `json:"split"`
	InNewsSD    bool   `json:"in_newssd_eng"`
	SolvedConfl any    `json:"solved_conflict"`
}

// loadOpinion reads NewsSD-ENG (train → fit, val → calib, test → test) and the CheckThat! 2025
// English rows that are not NewsSD duplicates (train_en → fit, dev_en half fit and half calib by
// a hash of the row id, dev_test_en → test). Only 17 train_en rows are not NewsSD duplicates, so
// without half of dev_en the model would learn CheckThat's sentences from NewsSD alone.
func loadOpinion(dir string, c *Corpus) error {
	read := func(dataset, file string, parts map[string]string) ([]corpusDoc, error) {
		var docs []corpusDoc
		n := 0
		err := readJSONL(filepath.Join(dir, file), func(b []byte) error {
			var r sentenceRow
			if err := json.Unmarshal(b, &r); err != nil {
				return err
			}
			n++
			if r.InNewsSD {
				return nil
			}
			id := r.ID
			if id == "" {
				id = fmt.Sprintf("%s-%05d", r.Split, n)
			}
			part := parts[r.Split]
			if part == partSplit {
				part = partCalib
				if idHash(dataset+"\x00"+id)%2 == 0 {
					part = partFit
				}
			}
			docs = append(docs, corpusDoc{Dataset: dataset, ID: id, Part: part, Text: r.Text,
				Sentence: true, Positive: r.Label == "SUBJ"})
			return nil
		})
		return docs, err
	}
	nd, err := read("newssd-eng", "newssd-eng/newssd-eng.jsonl", map[string]string{"train": partFit, "val": partCalib, "test": partTest})
	if err != nil {
		return err
	}
	c.add(LabelOpinion, "CC BY 4.0", "sentence", nd)
	ct, err := read("checkthat2025-en", "checkthat2025-task1-subjectivity-en/checkthat-en.jsonl",
		map[string]string{"train_en": partFit, "dev_en": partSplit, "dev_test_en": partTest})
	if err != nil {
		return err
	}
	c.add(LabelOpinion, "CC BY-NC-SA 4.0", "sentence", ct)
	return nil
}

// loadSpeculation reads WikiWeasel; it has no test split, so sentences are held back by a hash of
// their text. The conversion's Treebank escapes are undone (untokenisePTB).
func loadSpeculation(dir string, c *Corpus) error {
	var docs []corpusDoc
	n := 0
	err := readJSONL(filepath.Join(dir, "wikiweasel-train/wikiweasel-train.jsonl"), func(b []byte) error {
		var r sentenceRow
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		n++
		// The part goes by the row's text as given, so that undoing the Treebank escapes moves no
		// sentence between fit, calibration and test.
		docs = append(docs, corpusDoc{Dataset: "wikiweasel", ID: fmt.Sprintf("%05d", n), Part: partByHash("wikiweasel", r.Text),
			Group: r.Text, Text: untokenisePTB(r.Text), Sentence: true, Positive: r.Label == "uncertain"})
		return nil
	})
	if err != nil {
		return err
	}
	c.add(LabelSpeculation, "none stated", "sentence", docs)
	return nil
}

type spanRow struct {
	ID             string `json:"id"`
	AnnotationFile string `json:"annotation_file"`
	ArticleUUID    string `json:"article_uuid"`
	Split          string `json:"split"`
	Text           string `json:"text"`
	Spans          []struct {
		Start   int    `json:"start"`
		End     int    `json:"end"`
		Label   string `json:"label"`
		Rel     string `json:"rel"`
		RelType string `json:"rel_type"`
		Quote   string `json:"quote"`
	} `json:"spans"`
}

// loadPolNeAR reads the PolNeAR train articles, one annotator's file per article (the first by
// name), held back by article. The gold passage of an attribution runs from the first to the last
// code point of its source, cue and content.
func loadPolNeAR(dir string, c *Corpus) error {
	best := map[string]spanRow{}
	err := readJSONL(filepath.Join(dir, "polnear-train/polnear-train.jsonl"), func(b []byte) error {
		var r spanRow
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if old, ok := best[r.ID]; !ok || r.AnnotationFile < old.AnnotationFile {
			best[r.ID] = r
		}
		return nil
	})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var docs []corpusDoc
	for _, id := range ids {
		r := best[id]
		ext := map[string][2]int{}
		var rels []string
		for _, s := range r.Spans {
			if s.RelType != "Attribution" {
				continue
			}
			e, ok := ext[s.Rel]
			if !ok {
				e = [2]int{s.Start, s.End}
				rels = append(rels, s.Rel)
			}
			ext[s.Rel] = [2]int{min(e[0], s.Start), max(e[1], s.End)}
		}
		d := corpusDoc{Dataset: "polnear", ID: id, Part: partByHash("polnear", id), Text: r.Text}
		for _, rel := range rels {
			d.Spans = append(d.Spans, Gold{DocID: id, Label: LabelSourcedFact, Start: ext[rel][0], End: ext[rel][1]})
		}
		docs = append(docs, d)
	}
	c.add(LabelSourcedFact, "none stated (cite Newell et al., LREC 2018)", "document", docs)
	return nil
}

// loadBASIL joins each article's sentences (title first) with line breaks and keeps its
// lexical-bias spans; articles are held back by event triplet, so the three outlets' versions of
// one event fall in one part.
func loadBASIL(dir string, c *Corpus) error {
	type art struct {
		triplet string
		text    strings.Builder
		n       int
		spans   []Gold
	}
	arts := map[string]*art{}
	var order []string
	err := readJSONL(filepath.Join(dir, "basil/basil.jsonl"), func(b []byte) error {
		var r spanRow
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		a := arts[r.ArticleUUID]
		if a == nil {
			a = &art{triplet: strings.SplitN(r.ID, "/", 2)[0]}
			arts[r.ArticleUUID] = a
			order = append(order, r.ArticleUUID)
		}
		if a.n > 0 {
			a.text.WriteString("\n")
			a.n++
		}
		off := a.n
		a.text.WriteString(r.Text)
		a.n += len([]rune(r.Text))
		for _, s := range r.Spans {
			if s.Label == "lexical_bias" {
				a.spans = append(a.spans, Gold{DocID: r.ArticleUUID, Label: LabelLoadedLanguage, Start: off + s.Start, End: off + s.End})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var docs []corpusDoc
	for _, id := range order {
		a := arts[id]
		docs = append(docs, corpusDoc{Dataset: "basil", ID: id, Part: partByHash("basil", a.triplet), Text: a.text.String(), Spans: a.spans,
			Group: a.triplet})
	}
	c.add(LabelLoadedLanguage, "none stated", "document", docs)
	return nil
}

// loadSemEval reads the meme texts with their Loaded Language and Name calling spans, in the
// upstream splits (training → fit, dev → calib, test → test).
func loadSemEval(dir string, c *Corpus) error {
	parts := map[string]string{"training_set_task2": partFit, "dev_set_task2": partCalib, "test_set_task2": partTest}
	var docs, doubt []corpusDoc
	err := readJSONL(filepath.Join(dir, "semeval2021-task6-memes/semeval2021-task6-memes.jsonl"), func(b []byte) error {
		var r spanRow
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		d := corpusDoc{Dataset: "semeval2021-memes", ID: r.Split + "/" + r.ID, Part: parts[r.Split], Text: r.Text}
		dd := d
		for _, s := range r.Spans {
			switch s.Label {
			case "Loaded Language", "Name calling/Labeling":
				d.Spans = append(d.Spans, Gold{DocID: d.ID, Label: LabelLoadedLanguage, Start: s.Start, End: s.End})
			case "Doubt":
				dd.Spans = append(dd.Spans, Gold{DocID: d.ID, Label: LabelSpeculation, Start: s.Start, End: s.End})
			}
		}
		docs, doubt = append(docs, d), append(doubt, dd)
		return nil
	})
	if err != nil {
		return err
	}
	c.add(LabelLoadedLanguage, "free for general research use", "document", docs)
	// Doubt ("questioning the credibility of someone or something") is the memes' speculation:
	// the only training data with rhetorical questions.
	c.add(LabelSpeculation, "free for general research use", "document", doubt)
	return nil
}

// loadWNC reads the Wiki Neutrality Corpus sample: the words an NPOV edit replaced or deleted.
// Its own train pairs are split into fit and calib by hash; its test pairs are the test part.
// The wiki markup left in the text is taken out first (stripWikiMarkup), and the edits that
// only touched markup with it.
func loadWNC(dir string, c *Corpus) error {
	var docs []corpusDoc
	err := readJSONL(filepath.Join(dir, "wnc-sample/wnc-sample.jsonl"), func(b []byte) error {
		var r spanRow
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		part := partTest
		if strings.HasPrefix(r.ID, "train/") {
			part = partFit
			if partByHash("wnc", r.ID) == partCalib {
				part = partCalib
			}
		}
		var spans [][2]int
		for _, s := range r.Spans {
			spans = append(spans, [2]int{s.Start, s.End})
		}
		text, spans := stripWikiMarkup(r.Text, spans)
		if strings.TrimSpace(text) == "" {
			return nil
		}
		d := corpusDoc{Dataset: "wnc-sample", ID: r.ID, Part: part, Text: text}
		for _, s := range spans {
			d.Spans = append(d.Spans, Gold{DocID: r.ID, Label: LabelLoadedLanguage, Start: s[0], End: s[1]})
		}
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return err
	}
	c.add(LabelLoadedLanguage, "MIT (repository); text CC BY-SA", "document", docs)
	return nil
}

// ptbMarks are the Penn Treebank escapes and quotation marks of the WikiWeasel conversion, with
// what news text writes instead.
var ptbMarks = strings.NewReplacer(
	"-LRB- ", "(", " -RRB-", ")", "-LRB-", "(", "-RRB-", ")",
	"-LSB- ", "[", " -RSB-", "]", "-LSB-", "[", "-RSB-", "]",
	"-LCB- ", "{", " -RCB-", "}", "-LCB-", "{", "-RCB-", "}",
	"`` ", "“", "``", "“", " ''", "”", "''", "”",
)

// untokenisePTB undoes the Treebank escapes of a WikiWeasel sentence ("-LRB- 2-10-2 -RRB-", and
// quotations opened by two backticks and closed by two apostrophes), so that the model reads brackets and quotations as it will in news text
// (the quotation features fire on them) and learns no word that only this conversion writes.
func untokenisePTB(s string) string { return ptbMarks.Replace(s) }

// wikiMarkup matches what the WNC sample's lower-cased, tokenised Wikipedia source still holds
// of wiki markup: HTML tags, even with spaces inside or cut off ("<del class =\" diffchange
// diffchange - inline \">", "< ref>", "<ref name =\" hist \" /"), templates ("{{ cite web |
// url = … }}", or cut off at either end of the row), the table and link separators ("|", "||"),
// infobox keys ("| caption ="), left-over link brackets, bold and italic marks (two or three apostrophes), and
// image options ("thumb", "right", "250px").
var wikiMarkup = regexp.MustCompile(`<\s*/?\s*[a-z]+(\s[^<>]*)?(>|$|/\s*$)|\{\{[^{}]*(\}\}|$)|^[^{}]*\}\}|\|\s*[a-z_0-9]+\s*=|(^|\|)\s*(left|right|center|upright)\s*\||\|+|\[\[|\]\s*\]|'{2,}|\b(thumb|thumbnail|\d+px)\b`)

// stripWikiMarkup removes wikiMarkup from text (code points), squeezing the spaces left behind,
// and moves each span (code-point offsets, end-exclusive) to the same words in the result. A span
// that held only markup is dropped; spans are trimmed to the words they keep.
func stripWikiMarkup(text string, spans [][2]int) (string, [][2]int) {
	runes := []rune(text)
	drop := make([]bool, len(runes)+1)
	for _, m := range wikiMarkup.FindAllStringIndex(text, -1) {
		from, to := utf8.RuneCountInString(text[:m[0]]), utf8.RuneCountInString(text[:m[1]])
		for i := from; i < to; i++ {
			drop[i] = true
		}
	}
	// at[i] is the offset in the result of the first kept code point at or after i.
	at := make([]int, len(runes)+1)
	var out []rune
	for i, r := range runes {
		at[i] = len(out)
		space := drop[i] || unicode.IsSpace(r)
		if space && (len(out) == 0 || out[len(out)-1] == ' ') {
			continue
		}
		if space {
			r = ' '
		}
		out = append(out, r)
	}
	at[len(runes)] = len(out)
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	var kept [][2]int
	for _, sp := range spans {
		s, e := at[max(0, min(sp[0], len(runes)))], at[max(0, min(sp[1], len(runes)))]
		e = min(e, len(out))
		for s < e && out[s] == ' ' {
			s++
		}
		for e > s && out[e-1] == ' ' {
			e--
		}
		if s < e {
			kept = append(kept, [2]int{s, e})
		}
	}
	return string(out), kept
}
