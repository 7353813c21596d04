package suggest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func FuzzSuggest(f *testing.F) {
	for _, seed := range []string{
		"",
		"Could this be?",
		"🙄 “Rumor has it” the jerk may go… and Mr. Smith said “no. never.” U.S. . . . ?!",
		"  1. \n\n• x\n“unbalanced. said he",
		"If he may, I think the SOB should — super-douche — allegedly?",
		"The letter, dated March 3, says… the smug, spendthrift showboat’s money pit, a mess hall and-and , jerk",
	} {
		f.Add(seed)
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "seeds", "000_e837f9e330f3ba1f.txt")); err == nil {
		f.Add(string(b[:1500]))
	}
	r := NewRules()
	f.Fuzz(func(t *testing.T, text string) {
		got, err := r.Suggest(context.Background(), text)
		if !utf8.ValidString(text) {
			if err != ErrInvalidText {
				t.Fatalf("invalid UTF-8: err %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkOffsets(t, text, got)
	})
}

// FuzzLearnedSuggest: the learned suggester (features, every label's model, the trusted rules)
// keeps the same contract on any text: valid spans and exacts, a confidence in [0, 1], a model.
func FuzzLearnedSuggest(f *testing.F) {
	for _, seed := range []string{"", "Could this be?", "'s 's ’s", "A\nB\n\n“x”", "IDIOTS!!! they said, reportedly… 1. 2)",
		"The letter, dated March 3, says… the smug, spendthrift showboat’s money pit, a mess hall and-and , jerk"} {
		f.Add(seed)
	}
	l := NewLearned(BuiltinModel(), nil)
	f.Fuzz(func(t *testing.T, text string) {
		got, err := l.Suggest(context.Background(), text)
		if !utf8.ValidString(text) {
			if err != ErrInvalidText {
				t.Fatalf("invalid UTF-8: err %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkOffsets(t, text, got)
		for _, s := range got {
			if s.Confidence < 0 || s.Confidence > 1 || s.Model == "" || s.Reason == "" {
				t.Fatalf("suggestion %+v", s)
			}
		}
	})
}
