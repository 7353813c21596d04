package reprint_test

import (
	"encoding/binary"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/annotate/reprint/synth"
)

const shared = "the committee met on tuesday to review the budget for the coming year and agreed after a long debate that " +
	"the new library would be funded from the reserve while the pool repairs would wait until the spring survey was complete"

func art(id int64, text string) reprint.Article {
	return reprint.Article{ID: id, OutletID: id, PublishedAt: time.Unix(id, 0), Text: text}
}

func TestIndexLifecycle(t *testing.T) {
	t.Run("MatchesOthersNotItself", func(t *testing.T) {
		ix := reprint.NewIndex(reprint.Config{})
		ix.Add(art(1, "Opening words of one. "+shared))
		ix.Add(art(2, shared+" Closing words of two."))
		ms := ix.Matches(art(1, "Opening words of one. "+shared))
		if len(ms) != 1 || ms[0].OtherArticleID != 2 || ms[0].ArticleID != 1 {
			t.Fatalf("matches %+v, want one with article 2", ms)
		}
		if got := string([]rune("Opening words of one. " + shared)[ms[0].Start:ms[0].End]); got != shared {
			t.Errorf("span %q, want the shared paragraph", got)
		}
		if ms[0].OtherStart != 0 || ms[0].OtherEnd != len([]rune(shared)) {
			t.Errorf("other span [%d,%d), want [0,%d)", ms[0].OtherStart, ms[0].OtherEnd, len([]rune(shared)))
		}
	})
	t.Run("ReplaceReindexes", func(t *testing.T) {
		ix := reprint.NewIndex(reprint.Config{})
		ix.Add(art(1, shared))
		ix.Add(art(2, "nothing in common with anything else at all, just a short note"))
		ix.Add(art(2, "now it carries it: "+shared))
		if ix.Len() != 2 {
			t.Errorf("Len %d after replace, want 2", ix.Len())
		}
		if ms := ix.Matches(art(1, shared)); len(ms) != 1 || ms[0].OtherArticleID != 2 {
			t.Errorf("after replace, matches %+v", ms)
		}
		ix.Add(art(2, "and now it does not any more"))
		if ms := ix.Matches(art(1, shared)); len(ms) != 0 {
			t.Errorf("old version still matched: %+v", ms)
		}
	})
	t.Run("Remove", func(t *testing.T) {
		ix := reprint.NewIndex(reprint.Config{})
		ix.Add(art(1, shared))
		ix.Add(art(2, shared))
		ix.Remove(2)
		ix.Remove(99) // unknown: no-op
		if ix.Len() != 1 {
			t.Errorf("Len %d, want 1", ix.Len())
		}
		if ms := ix.Matches(art(1, shared)); len(ms) != 0 {
			t.Errorf("removed article matched: %+v", ms)
		}
		if _, ok := ix.Get(2); ok {
			t.Error("Get finds a removed article")
		}
	})
	t.Run("CompactionKeepsLiveArticles", func(t *testing.T) {
		ix := reprint.NewIndex(reprint.Config{})
		ix.Add(art(1, shared))
		for i := int64(2); i < 2500; i++ { // 2,498 removals force compaction
			ix.Add(art(i, shared))
			ix.Remove(i)
		}
		ix.Add(art(5000, "prefix "+shared))
		if ms := ix.Matches(art(1, shared)); len(ms) != 1 || ms[0].OtherArticleID != 5000 {
			t.Errorf("after compaction, matches %+v", ms)
		}
	})
}

func TestIndexSnapshotRoundTrip(t *testing.T) {
	c := synth.Generate(synth.Config{Articles: 300, Seed: 3})
	ix := reprint.NewIndex(reprint.Config{MinPassageWords: 30, WinnowWindows: 12})
	for _, a := range c.Articles {
		ix.Add(a)
	}
	b, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back reprint.Index
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back.Len() != ix.Len() || back.Config() != ix.Config() {
		t.Fatalf("restored %d articles with %+v, want %d with %+v", back.Len(), back.Config(), ix.Len(), ix.Config())
	}
	for _, a := range c.Articles[:100] {
		got, want := back.Matches(a), ix.Matches(a)
		if len(got) != len(want) {
			t.Fatalf("article %d: %d matches after restore, %d before", a.ID, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("article %d: match %+v after restore, %+v before", a.ID, got[i], want[i])
			}
		}
	}
	g, _ := back.Get(c.Articles[7].ID)
	if !g.PublishedAt.Equal(c.Articles[7].PublishedAt) || g.Text != c.Articles[7].Text || g.OutletID != c.Articles[7].OutletID {
		t.Error("restored article differs")
	}
	// A version 1 snapshot (before Config.WinnowWindows) loads with the default.
	v1 := []byte("credence-reprint-index/1")
	rest := b[len(v1):]
	for range 8 { // ShingleWords … MinKeyHits
		_, n := binary.Uvarint(rest)
		v1, rest = append(v1, rest[:n]...), rest[n:]
	}
	_, n := binary.Uvarint(rest) // WinnowWindows
	v1 = append(v1, rest[n:]...)
	var old reprint.Index
	if err := old.UnmarshalBinary(v1); err != nil {
		t.Fatalf("version 1 snapshot: %v", err)
	}
	want := ix.Config()
	want.WinnowWindows = reprint.DefaultConfig().WinnowWindows
	if old.Len() != ix.Len() || old.Config() != want {
		t.Errorf("version 1 snapshot restored %d articles with %+v, want %d with %+v", old.Len(), old.Config(), ix.Len(), want)
	}
	for _, bad := range [][]byte{nil, []byte("nope"), b[:len(b)/2], append(append([]byte{}, b...), 0)} {
		if err := new(reprint.Index).UnmarshalBinary(bad); err == nil {
			t.Errorf("malformed snapshot of %d bytes accepted", len(bad))
		}
	}
}

// TestIndexConcurrentUse exercises the locking under -race: writers adding
// and removing while readers look up.
func TestIndexConcurrentUse(t *testing.T) {
	c := synth.Generate(synth.Config{Articles: 200, Seed: 5})
	ix := reprint.NewIndex(reprint.Config{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < len(c.Articles); i += 2 {
				ix.Add(c.Articles[i])
				if i%7 == 0 {
					ix.Remove(c.Articles[i].ID)
				}
			}
		})
	}
	wg.Go(func() {
		for _, a := range c.Articles {
			for _, m := range ix.Matches(a) {
				if m.Start < 0 || m.End > len([]rune(a.Text)) || m.Start >= m.End {
					t.Errorf("bad span %+v", m)
				}
			}
			_ = ix.Len()
		}
	})
	wg.Wait()
	want := 0
	for i := range c.Articles {
		if i%7 != 0 {
			want++
		}
	}
	if ix.Len() != want {
		t.Errorf("Len %d, want %d", ix.Len(), want)
	}
}

func TestIndexShortTextsHaveNoMatches(t *testing.T) {
	ix := reprint.NewIndex(reprint.Config{})
	q := "I would never point a gun at anyone and pull a trigger"
	ix.Add(art(1, q))
	ix.Add(art(2, strings.Repeat(q+" ", 1)))
	if ms := ix.Matches(art(3, q)); len(ms) != 0 {
		t.Errorf("an 11-word quotation matched: %+v", ms)
	}
}
