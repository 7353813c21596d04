package reprint_test

import (
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/annotate/reprint/synth"
)

// quality is passage-level recall and precision of Index.Matches on a
// synthetic corpus with known plants.
type quality struct {
	plants, found         int // planted passages, and those recovered
	reported, correct     int // reported matches, and those that are a plant
	recall, precision     float64
	indexTime, lookupTime time.Duration
}

// iou is the intersection over union of two code point spans.
func iou(a0, a1, b0, b1 int) float64 {
	inter := min(a1, b1) - max(a0, b0)
	if inter <= 0 {
		return 0
	}
	return float64(inter) / float64(max(a1, b1)-min(a0, b0))
}

// samePassage: a match recovers a plant when it links the same two articles
// and covers the same passage on both sides (intersection over union at
// least one half, so a fragment of a plant or a match running far beyond it
// does not count).
func samePassage(m reprint.Match, p synth.Plant) bool {
	switch {
	case m.ArticleID == p.ArticleID && m.OtherArticleID == p.SourceID:
		return iou(m.Start, m.End, p.Start, p.End) >= 0.5 && iou(m.OtherStart, m.OtherEnd, p.SourceStart, p.SourceEnd) >= 0.5
	case m.ArticleID == p.SourceID && m.OtherArticleID == p.ArticleID:
		return iou(m.Start, m.End, p.SourceStart, p.SourceEnd) >= 0.5 && iou(m.OtherStart, m.OtherEnd, p.Start, p.End) >= 0.5
	}
	return false
}

// measure indexes the corpus, looks every article up, and scores the
// reported matches against the plants. Every article is looked up, so each
// plant can be found from both ends; precision counts every reported match.
func measure(t testing.TB, c synth.Corpus) quality {
	t.Helper()
	ix := reprint.NewIndex(reprint.Config{})
	start := time.Now()
	for _, a := range c.Articles {
		ix.Add(a)
	}
	q := quality{plants: len(c.Plants), indexTime: time.Since(start)}

	byArticle := make(map[int64][]synth.Plant)
	for _, p := range c.Plants {
		byArticle[p.ArticleID] = append(byArticle[p.ArticleID], p)
		byArticle[p.SourceID] = append(byArticle[p.SourceID], p)
	}
	found := make(map[int]bool)
	index := make(map[synth.Plant]int, len(c.Plants))
	for i, p := range c.Plants {
		index[p] = i
	}
	start = time.Now()
	for _, a := range c.Articles {
		for _, m := range ix.Matches(a) {
			q.reported++
			ok := false
			for _, p := range byArticle[a.ID] {
				if samePassage(m, p) {
					ok = true
					found[index[p]] = true
				}
			}
			if ok {
				q.correct++
			} else if q.reported-q.correct <= 5 {
				t.Logf("unexpected match %+v\n  here:  %.120q\n  there: %.120q", m,
					string([]rune(a.Text)[m.Start:m.End]), otherText(c, m))
			}
		}
	}
	q.lookupTime = time.Since(start)
	q.found = len(found)
	q.recall = float64(q.found) / float64(max(1, q.plants))
	q.precision = float64(q.correct) / float64(max(1, q.reported))
	for i, p := range c.Plants {
		if !found[i] && i < 1e9 && q.plants-q.found <= 5 {
			t.Logf("missed plant %+v", p)
		}
	}
	return q
}

func otherText(c synth.Corpus, m reprint.Match) string {
	for _, a := range c.Articles {
		if a.ID == m.OtherArticleID {
			return string([]rune(a.Text)[m.OtherStart:m.OtherEnd])
		}
	}
	return ""
}

func checkQuality(t *testing.T, cfg synth.Config) {
	c := synth.Generate(cfg)
	if len(c.Plants) < cfg.Articles/5 {
		t.Fatalf("corpus has only %d plants for %d articles; the generator changed", len(c.Plants), cfg.Articles)
	}
	q := measure(t, c)
	t.Logf("%d articles, %d plants: recall %.4f (%d found), precision %.4f (%d of %d matches); index %v, look-ups %v",
		len(c.Articles), q.plants, q.recall, q.found, q.precision, q.correct, q.reported, q.indexTime, q.lookupTime)
	if q.recall < 0.95 {
		t.Errorf("passage recall %.4f, want >= 0.95", q.recall)
	}
	if q.precision < 0.98 {
		t.Errorf("passage precision %.4f, want >= 0.98", q.precision)
	}
}

// TestSyntheticQualitySmall always runs (also under -race and -short): 1,500
// articles, enough for a few hundred plants.
func TestSyntheticQualitySmall(t *testing.T) {
	cfg := synth.Default()
	cfg.Articles = 1500
	cfg.Seed = 7
	checkQuality(t, cfg)
}

// TestSyntheticQuality10k is the full measurement on 10,000 articles. It is
// skipped with -short and under the race detector, where it would take
// minutes on two cores; the small test above covers the same code with -race.
func TestSyntheticQuality10k(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("full-size quality run skipped with -short or -race; see TestSyntheticQualitySmall")
	}
	checkQuality(t, synth.Default())
}
