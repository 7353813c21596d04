package suggest

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/credence-project/credence/annotate"
)

// ReviewDoc is one finished review of the project: the article's text, the reviewer's annotations
// and the suggestions they rejected (both as Gold passages, DocID the article).
type ReviewDoc struct {
	ArticleID int64
	Text      string
	Tagged    []Gold
	Rejected  []Gold
}

// RetrainResult is what Retrain measured: the candidate and the current model on the project's
// held-back reviews, per label.
type RetrainResult struct {
	Model     *Model
	Candidate map[annotate.Label]PRF
	Current   map[annotate.Label]PRF
	FitDocs   int
	HeldBack  int
	Better    bool // the candidate measures at least as well as the current model
}

// Review weights: a reviewer's rejection is stronger evidence than a passage they did not tag.
const (
	weightReviewed = 1.0
	weightRejected = 2.0
)

// HeldBack reports whether an article's reviews are held back from retraining, to measure
// retrained models on: a fifth of the articles, by a hash of the id.
func HeldBack(articleID int64) bool {
	return partByHash("reviews", strconv.FormatInt(articleID, 10)) == partTest
}

// Retrain learns from the project's finished reviews on top of base (the model trained on the
// built-in data): each label's weights start from base's and are pulled back towards them, so the
// built-in data keeps its say while the project's own articles add words and correct weights.
// Thresholds stay base's. The articles for which HeldBack holds are never trained on; the
// candidate and current are both measured on them, and Better says whether the candidate should
// replace current (mean F1 over the labels reviewers tagged there at least as high).
func Retrain(ctx context.Context, base, current *Model, reviews []ReviewDoc, progress func(float64)) (*RetrainResult, error) {
	res := &RetrainResult{Candidate: map[annotate.Label]PRF{}, Current: map[annotate.Label]PRF{}}
	var fit, held []corpusDoc
	var fitArticles []int64
	for _, r := range reviews {
		d := corpusDoc{Dataset: "project reviews", ID: strconv.FormatInt(r.ArticleID, 10), Text: r.Text, Spans: r.Tagged}
		if HeldBack(r.ArticleID) {
			d.Part = partTest
			held = append(held, d)
			res.HeldBack++
			continue
		}
		d.Part = partFit
		fit = append(fit, d)
		res.FitDocs++
		fitArticles = append(fitArticles, r.ArticleID)
	}
	slices.Sort(fitArticles)
	fitArticles = slices.Compact(fitArticles)
	m := &Model{Name: ModelName, Labels: map[annotate.Label]*LabelModel{}, Lists: base.Lists,
		TrainedOn: append(slices.Clone(base.TrainedOn), DataSource{Dataset: "project reviews", Label: "all", Licence: "the project's own",
			Fit: res.FitDocs, Test: res.HeldBack, Unit: "document"}),
		Notes:       []string{"retrained from the project's finished reviews on top of " + base.ID()},
		FitArticles: fitArticles}
	rejected := map[string][]Gold{}
	for _, r := range reviews {
		if !HeldBack(r.ArticleID) {
			id := strconv.FormatInt(r.ArticleID, 10)
			rejected[id] = append(rejected[id], r.Rejected...)
		}
	}
	for i, label := range Labels() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bl := base.Labels[label]
		if bl == nil {
			return nil, fmt.Errorf("retraining: the base model has no %s model", label)
		}
		dict := newFeatDict()
		exs := reviewExamples(label, fit, rejected, base.Lists, dict)
		o := labelOptions(label)
		o.Epochs = 12
		o.PosWeight = 1
		lm := &LabelModel{Unit: bl.Unit, Threshold: bl.Threshold, CueThreshold: bl.CueThreshold, CueLists: bl.CueLists,
			ListLists: bl.ListLists, ListThreshold: bl.ListThreshold, Calibrated: bl.Calibrated, AtCalib: bl.AtCalib, Rules: bl.Rules}
		lm.linear = *trainLinear(exs, dict, &bl.linear, o, func(f float64) {
			if progress != nil {
				progress((float64(i) + 0.8*f) / float64(len(Labels())))
			}
		})
		m.Labels[label] = lm
		if cur := current.Labels[label]; cur != nil && len(held) > 0 {
			res.Candidate[label] = measureLearned(label, prepare(label, lm, held, base.Lists), lm.thresholds(), lm.trusted())
			res.Current[label] = measureLearned(label, prepare(label, cur, held, current.Lists), cur.thresholds(), cur.trusted())
		}
	}
	res.Model = m
	// With no held-back passage to measure on, nothing shows the candidate is as good: keep.
	res.Better = res.heldBackGold() > 0 && meanF1(res.Candidate) >= meanF1(res.Current)
	return res, nil
}

// reviewExamples are the units of the reviewed articles, positive where the reviewer tagged the
// label; units a reviewer rejected a suggestion of the label on (and did not tag) weigh more.
func reviewExamples(label annotate.Label, docs []corpusDoc, rejected map[string][]Gold, lists wordLists, dict *featDict) []example {
	exs := examplesOf(label, docs, lists, dict, weightReviewed)
	// examplesOf visits the same units in the same order: walk them again to weigh rejections.
	k := 0
	for _, doc := range docs {
		fc := newFeatCtx(doc.Text, lists)
		rej := rejected[doc.ID]
		hit := func(s, e int) bool {
			return slices.ContainsFunc(rej, func(g Gold) bool { return g.Label == label && g.Start < e && s < g.End })
		}
		if unitFor(label) == unitSentence {
			for _, s := range fc.d.sentences {
				if s.wordCount() < minSentenceWords {
					continue
				}
				if !exs[k].y && hit(s.start, s.end) {
					exs[k].weight = weightRejected
				}
				k++
			}
			continue
		}
		for _, t := range fc.d.tokens {
			if t.sent < 0 {
				continue
			}
			if !exs[k].y && hit(t.start, t.end) {
				exs[k].weight = weightRejected
			}
			k++
		}
	}
	return exs
}

func (r *RetrainResult) heldBackGold() int {
	n := 0
	for _, p := range r.Candidate {
		n += p.Gold
	}
	return n
}

// meanF1 averages F1 over the labels with gold passages.
func meanF1(by map[annotate.Label]PRF) float64 {
	sum, n := 0.0, 0
	for _, l := range Labels() {
		if p, ok := by[l]; ok && p.Gold > 0 {
			sum += p.F1
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// ReviewFigures are a label's figures on the held-back reviews, for the models listing.
type ReviewFigures struct {
	Label    string `json:"label"`
	Model    PRF    `json:"model"`
	Previous PRF    `json:"previous"`
}

// Figures lists the result per label, in Labels order.
func (r *RetrainResult) Figures() []ReviewFigures {
	var out []ReviewFigures
	for _, l := range Labels() {
		if c, ok := r.Candidate[l]; ok {
			out = append(out, ReviewFigures{Label: string(l), Model: c, Previous: r.Current[l]})
		}
	}
	return out
}
