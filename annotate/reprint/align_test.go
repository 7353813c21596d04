package reprint

import (
	"strings"
	"testing"
)

func alignTexts(a, b string) []passage {
	cfg := DefaultConfig()
	return newAligner(cfg, tokenize(a)).align(tokenize(b))
}

const para = "the committee met on tuesday to review the budget for the coming year and agreed after a long debate that " +
	"the new library would be funded from the reserve while the pool repairs would wait until the spring survey was complete"

func TestAlign(t *testing.T) {
	words := strings.Fields(para)
	edited := append([]string(nil), words...)
	edited[5], edited[17], edited[30] = "check", "consensus", "garden" // 3 of 40 words changed
	tests := []struct {
		name      string
		a, b      string
		wantN     int
		minWords  int
		minSimil  float64
		maxSimilt float64
	}{
		{"Identical", "Intro words here. " + para + " Outro.", "Other start. " + para, 1, 40, 1, 1},
		{"ThreeWordsChanged", para, strings.Join(edited, " "), 1, 40, 0.9, 0.95},
		{"InsertedClause", para, strings.Replace(para, "after a long debate", "after a long and heated debate lasting hours", 1), 1, 38, 0.8, 0.95},
		{"TooShort", "I would never point a gun at anyone and pull a trigger, no, he said.", "“I would never point a gun at anyone and pull a trigger at them.”", 0, 0, 0, 0},
		{"Unrelated", para, "completely different words about a football match in the rain with many goals and a red card for the home side and the crowd", 0, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := alignTexts(tc.a, tc.b)
			if len(ps) != tc.wantN {
				t.Fatalf("got %d passages %+v, want %d", len(ps), ps, tc.wantN)
			}
			for _, p := range ps {
				if p.words() < tc.minWords || p.similarity() < tc.minSimil || p.similarity() > tc.maxSimilt {
					t.Errorf("passage %+v: %d words, similarity %.3f", p, p.words(), p.similarity())
				}
			}
		})
	}
}

// TestAlignFindsTwoPassages: two separate reprinted paragraphs with own text
// between them are two passages, not one.
func TestAlignFindsTwoPassages(t *testing.T) {
	other := "a completely separate paragraph written by the blogger with plenty of opinion about everything that happened here and elsewhere today"
	second := "officials confirmed on friday that the bridge would remain closed for at least three more weeks while engineers inspect every cable and bolt across the old river crossing"
	a := para + " " + other + " " + second
	b := second + " and then " + para
	ps := alignTexts(a, b)
	if len(ps) != 2 {
		t.Fatalf("got %d passages, want 2: %+v", len(ps), ps)
	}
}
