package annotate

import (
	"net/url"
	"strings"
)

// Limits of the free text a reviewer attaches to an annotation.
const (
	MaxNoteLen   = 10_000
	MaxSourceLen = 2_000
)

// Source is where a sourced fact's claim comes from.
type Source struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// CheckNote validates a reviewer's note.
func CheckNote(note string) error {
	if CodePoints(note) > MaxNoteLen {
		return Errorf(CodeInvalid, "note", "note is longer than %d characters", MaxNoteLen)
	}
	return nil
}

// CheckSource validates the source of a sourced fact; nil means none.
func CheckSource(s *Source) error {
	if s == nil {
		return nil
	}
	s.Text = strings.TrimSpace(s.Text)
	s.URL = strings.TrimSpace(s.URL)
	if s.Text == "" && s.URL == "" {
		return Errorf(CodeInvalid, "source.text", "source needs a text or a url")
	}
	if CodePoints(s.Text) > MaxSourceLen {
		return Errorf(CodeInvalid, "source.text", "source text is longer than %d characters", MaxSourceLen)
	}
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s.URL) > MaxURLLen {
			return Errorf(CodeInvalid, "source.url", "source url %q is not an absolute http(s) URL", clip(s.URL))
		}
	}
	return nil
}

// CheckRegionKind validates the kind of a region.
func CheckRegionKind(kind string) error {
	if kind != RegionQuote && kind != RegionComments {
		return Errorf(CodeInvalid, "kind", "kind %q is not quote or comments", kind)
	}
	return nil
}

// AnnotationInput is an annotation as a client sends it: every field optional, so that the
// constructor, not each caller, says which are required and why.
type AnnotationInput struct {
	Label  *string
	Start  *int
	End    *int
	Exact  *string // when given, must equal the text between Start and End
	Note   *string
	Source *Source // nil: none; an empty Source clears it on an update
}

// Annotation is a validated annotation: a label on an anchored span of one text, with the
// quote and context that re-anchor it, and the reviewer's note and source.
type Annotation struct {
	Label  Label
	Start  int
	End    int
	Quote  Quote
	Note   string
	Source *Source
}

// NewAnnotation is the one constructor of an annotation: creating one, changing one (see
// Annotation.Patch) and accepting a machine suggestion all go through it, so they accept and
// refuse the same things. A label and a span are required; the span must lie in the text and
// match exact when that is given; the note and the source are bounded.
func NewAnnotation(t *Text, in AnnotationInput) (Annotation, error) {
	if in.Label == nil {
		return Annotation{}, Errorf(CodeInvalidLabel, "label", "label is required")
	}
	if in.Start == nil || in.End == nil {
		return Annotation{}, Errorf(CodeInvalidSpan, "start", "start and end are required")
	}
	label, err := ParseLabel(*in.Label)
	if err != nil {
		return Annotation{}, err
	}
	q, err := t.Anchor(*in.Start, *in.End, in.Exact)
	if err != nil {
		return Annotation{}, err
	}
	a := Annotation{Label: label, Start: *in.Start, End: *in.End, Quote: q}
	if in.Note != nil {
		a.Note = *in.Note
	}
	if err := CheckNote(a.Note); err != nil {
		return Annotation{}, err
	}
	if in.Source != nil && *in.Source != (Source{}) {
		src := *in.Source
		if err := CheckSource(&src); err != nil {
			return Annotation{}, err
		}
		a.Source = &src
	}
	return a, nil
}

// Patch applies a change to a stored annotation and validates the result with NewAnnotation:
// fields left nil keep their value, an empty Source removes the source, and a moved span is
// anchored again (exact, if sent, is checked against the new span).
func (a Annotation) Patch(t *Text, in AnnotationInput) (Annotation, error) {
	label := string(a.Label)
	start, end, note := a.Start, a.End, a.Note
	merged := AnnotationInput{Label: &label, Start: &start, End: &end, Note: &note, Source: a.Source, Exact: in.Exact}
	if in.Label != nil {
		merged.Label = in.Label
	}
	if in.Start != nil {
		merged.Start = in.Start
	}
	if in.End != nil {
		merged.End = in.End
	}
	if in.Note != nil {
		merged.Note = in.Note
	}
	if in.Source != nil {
		merged.Source = in.Source
	}
	return NewAnnotation(t, merged)
}
