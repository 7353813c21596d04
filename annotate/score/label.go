package score

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/credence-project/credence/annotate"
)

// Label is what a reviewer says about a passage: the domain's one label type. Any value other
// than the four is ignored by the scoring functions (and reported by Article.Validate).
type Label = annotate.Label

// The four labels, in the order used everywhere in this package: in PerLabel arrays, in CSV
// columns and in the bits of the overall-agreement category (bit i is AllLabels[i]).
const (
	SourcedFact    = annotate.SourcedFact
	Speculation    = annotate.Speculation
	Opinion        = annotate.Opinion
	LoadedLanguage = annotate.LoadedLanguage
)

// NumLabels is the number of labels.
const NumLabels = annotate.NumLabels

// AllLabels lists the labels in their canonical order. It is an array, so callers get a copy and
// cannot reorder the package's view of it.
var AllLabels = [NumLabels]Label{SourcedFact, Speculation, Opinion, LoadedLanguage}

// PerLabel holds one value per label, indexed like AllLabels. In JSON it is an object keyed by
// label name ({"sourced_fact": …, "speculation": …, …}), so cached results and API responses stay
// readable and do not depend on array positions.
type PerLabel[T any] [NumLabels]T

// Get returns the value for label l; it panics on an unknown label, which is a programming error.
func (p PerLabel[T]) Get(l Label) T {
	i := l.Index()
	if i < 0 {
		panic(fmt.Sprintf("score: unknown label %q", l))
	}
	return p[i]
}

// MarshalJSON writes the labels in canonical order.
func (p PerLabel[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, l := range AllLabels {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(string(l))
		v, err := json.Marshal(p[i])
		if err != nil {
			return nil, fmt.Errorf("label %s: %w", l, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the object written by MarshalJSON; unknown keys are an error so that a cache
// written by a different label set is not silently misread.
func (p *PerLabel[T]) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	var out PerLabel[T]
	for k, raw := range m {
		i := Label(k).Index()
		if i < 0 {
			return fmt.Errorf("unknown label %q", k)
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return fmt.Errorf("label %s: %w", k, err)
		}
	}
	*p = out
	return nil
}
