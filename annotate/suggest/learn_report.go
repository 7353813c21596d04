package suggest

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/credence-project/credence/annotate"
)

// EvaluateModel measures m again on the test part of the corpus (never trained on), at each
// label's stored threshold, beside the rules and the mark-every-sentence baseline. The result is
// what Train stored in the model when the corpus is the one it was trained on, which is how the
// figures in EVALUATION.md are reproduced.
func EvaluateModel(m *Model, c *Corpus, maxDocs int) map[annotate.Label][]Figures {
	out := map[annotate.Label][]Figures{}
	for _, label := range Labels() {
		lm := m.Labels[label]
		if lm == nil {
			continue
		}
		test := inPart(limit(c.Docs[label], maxDocs), partTest)
		out[label] = figuresOn(label, lm, prepare(label, lm, test, m.Lists))
	}
	return out
}

// FiguresTable renders figures per label as an aligned plain-text table.
func FiguresTable(m *Model, figs map[annotate.Label][]Figures) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "label\tdataset\tthresholds\tlearned P\tR\tF1\trules P\tR\tF1\tevery sentence P\tR\tF1\tgold")
	for _, label := range Labels() {
		lm := m.Labels[label]
		if lm == nil {
			continue
		}
		for _, f := range figs[label] {
			fmt.Fprintf(tw, "%s\t%s\t%.2f/%.2f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", label, f.Dataset, lm.Threshold, lm.CueThreshold,
				f.Learned.Precision, f.Learned.Recall, f.Learned.F1, f.Rules.Precision, f.Rules.Recall, f.Rules.F1,
				f.Baseline.Precision, f.Baseline.Recall, f.Baseline.F1, f.Learned.Gold)
		}
	}
	tw.Flush()
	return b.String()
}

// CalibrationTable renders each label's threshold and its precision and recall on the
// calibration part.
func CalibrationTable(m *Model) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "label\tthreshold\twith rule\tcalib P\tR\tF1\treached P ≥ 0.6\tweights")
	for _, label := range Labels() {
		lm := m.Labels[label]
		if lm == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.3f\t%.3f\t%.3f\t%v\t%d\n", label, lm.Threshold, lm.CueThreshold, lm.AtCalib.Precision, lm.AtCalib.Recall,
			lm.AtCalib.F1, lm.Calibrated, len(lm.Weights))
	}
	tw.Flush()
	return b.String()
}
