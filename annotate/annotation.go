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
