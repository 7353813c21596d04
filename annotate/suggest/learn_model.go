package suggest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/credence-project/credence/annotate"
)

// ModelName names the learned models in every suggestion's model field.
const ModelName = "credence-lr"

// Units the learned models score.
const (
	unitSentence = "sentence"
	unitToken    = "token"
)

// Model is a set of learned models, one per label, with the lexicons they read and what they were
// trained and measured on. It is immutable once built and safe for concurrent use.
type Model struct {
	Name      string                         `json:"name"`
	Version   string                         `json:"version"` // set by the store or, for the embedded one, "builtin-" + hash
	Labels    map[annotate.Label]*LabelModel `json:"labels"`
	TrainedOn []DataSource                   `json:"trained_on"`
	Lists     wordLists                      `json:"-"`
	Notes     []string                       `json:"notes,omitempty"`
	// FitArticles are the project's articles whose finished reviews the weights learned from,
	// sorted. A reviewer who has not finished one of them must not be shown this model's
	// suggestions there: they would carry other reviewers' labels (blind review).
	FitArticles []int64 `json:"fit_articles,omitempty"`
}

// LearnedFrom reports whether the model's weights learned from reviews of any of the articles.
func (m *Model) LearnedFrom(articleIDs ...int64) bool {
	for _, id := range articleIDs {
		if _, ok := slices.BinarySearch(m.FitArticles, id); ok {
			return true
		}
	}
	return false
}

// LabelModel is the model of one label: a logistic regression over sentence or token features
// and the threshold calibrated for it.
type LabelModel struct {
	Unit      string  `json:"unit"`
	Threshold float64 `json:"threshold"`
	// CueThreshold applies where one of the label's word-list rules fires: the lexicon's
	// evidence and the learned score combined.
	CueThreshold float64 `json:"cue_threshold"`
	// CueLists are lexicons (of the model's Lists) whose words count as the label's rule
	// evidence too: a word of one of them is held to CueThreshold.
	CueLists []string `json:"cue_lists,omitempty"`
	// ListLists are lexicons whose words, where no rule fires, are held to ListThreshold when it
	// is above 0 (experiments only: EVALUATION.md, "Eleventh round").
	ListLists     []string  `json:"list_lists,omitempty"`
	ListThreshold float64   `json:"list_threshold,omitempty"`
	Calibrated    bool      `json:"calibrated"` // the threshold reached MinPrecision on calibration data
	AtCalib       PRF       `json:"at_calibration"`
	Figures       []Figures `json:"figures"` // on held-out test data, per data set
	// Rules are the label's word-list rules measured on the calibration part; the trusted ones
	// suggest beside the model where it suggests nothing.
	Rules []RuleTrust `json:"rules"`
	linear
}

// RuleTrust is a word-list rule's record on a label's calibration part.
type RuleTrust struct {
	Rule      string  `json:"rule"`
	Fired     int     `json:"fired"`
	Precision float64 `json:"precision"`
	Trusted   bool    `json:"trusted"`
}

func (lm *LabelModel) trusted() map[string]bool {
	out := map[string]bool{}
	for _, r := range lm.Rules {
		if r.Trusted {
			out[r.Rule] = true
		}
	}
	return out
}

// Figures are the measured scores of one label on one held-out test set, the learned model beside
// the word-list rules and the trivial baseline that marks every sentence.
type Figures struct {
	Dataset  string `json:"dataset"`
	Learned  PRF    `json:"learned"`
	Rules    PRF    `json:"rules"`
	Baseline PRF    `json:"baseline"`
}

// modelFile is the stored form: lexicons as sorted lists.
type modelFile struct {
	Model
	Lists map[string][]string `json:"lists"`
}

// Marshal encodes the model as gzipped JSON. The bytes depend only on the model: JSON objects
// are written with sorted keys and the gzip header carries no time or name.
func (m *Model) Marshal() ([]byte, error) {
	f := modelFile{Model: *m, Lists: map[string][]string{}}
	for name, set := range m.Lists {
		words := make([]string, 0, len(set))
		for w := range set {
			words = append(words, w)
		}
		slices.Sort(words)
		f.Lists[name] = words
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encoding the model: %w", err)
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseModel decodes what Marshal wrote and checks that every label has a usable model.
func ParseModel(b []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	var f modelFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	m := f.Model
	slices.Sort(m.FitArticles)
	m.Lists = wordLists{}
	for name, words := range f.Lists {
		set := make(map[string]bool, len(words))
		for _, w := range words {
			set[w] = true
		}
		m.Lists[name] = set
	}
	for label, lm := range m.Labels {
		if !ValidLabel(label) || lm == nil || (lm.Unit != unitSentence && lm.Unit != unitToken) {
			return nil, fmt.Errorf("model file: bad model for label %q", label)
		}
		if lm.Weights == nil {
			lm.Weights = map[string]float64{}
		}
	}
	return &m, nil
}

// Digest is a short hash of the model's bytes, used as the embedded model's version.
func Digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:4])
}

// ID is the model's name and version as suggestions report it.
func (m *Model) ID() string { return m.Name + "/" + m.Version }

// Size counts the weights of every label.
func (m *Model) Size() int {
	n := 0
	for _, lm := range m.Labels {
		n += len(lm.Weights)
	}
	return n
}

// The embedded model, rebuilt by "credence suggest train".
//
//go:embed model/weights.json.gz
var builtinModelBytes []byte

var (
	builtinModelOnce sync.Once
	builtinModel     *Model
)

// BuiltinModel returns the model embedded in the binary. A broken embedded file is a build
// error caught by the package's tests, so it panics.
func BuiltinModel() *Model {
	builtinModelOnce.Do(func() {
		m, err := ParseModel(builtinModelBytes)
		if err != nil {
			panic(err)
		}
		m.Version = "builtin-" + Digest(builtinModelBytes)
		builtinModel = m
	})
	return builtinModel
}

// BuiltinModelBytes returns the embedded weights file.
func BuiltinModelBytes() []byte { return slices.Clone(builtinModelBytes) }

// ruleConfidence is what a rule-based suggestion reports as its confidence: the precision its
// label's rules measured on the held-out test data of the embedded model (pooled over data sets).
func ruleConfidence(label annotate.Label) float64 {
	lm := BuiltinModel().Labels[label]
	if lm == nil {
		return 0.5
	}
	s, m := 0, 0
	for _, f := range lm.Figures {
		s += f.Rules.Suggested
		m += f.Rules.Matched
	}
	if s == 0 {
		return 0.5
	}
	return round4(float64(m) / float64(s))
}

// RulesModelID is the model field of rule-based suggestions.
const RulesModelID = "credence-rules/1"
