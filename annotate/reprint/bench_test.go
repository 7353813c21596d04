package reprint_test

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/annotate/reprint/synth"
)

// benchArticles is the index size the targets are stated for.
const benchArticles = 100_000

var (
	benchOnce   sync.Once
	benchCorpus synth.Corpus
)

// corpus100k is generated once per process: 100,000 indexed articles of
// about 600 words, plus 1,000 later ones used as look-ups (a third of which
// reprint an indexed article).
func corpus100k(b *testing.B) synth.Corpus {
	b.Helper()
	benchOnce.Do(func() {
		cfg := synth.Default()
		cfg.Articles = benchArticles + 1000
		cfg.Seed = 11
		benchCorpus = synth.Generate(cfg)
	})
	return benchCorpus
}

// buildParallel adds articles from GOMAXPROCS goroutines, as an importer
// would.
func buildParallel(ix *reprint.Index, arts []reprint.Article) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(arts); i += workers {
				ix.Add(arts[i])
			}
		})
	}
	wg.Wait()
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndexBuild100k indexes 100,000 articles per iteration and reports
// throughput (articles/s) and the index's memory per article. The texts are
// shared with the caller's strings, so index-B/article is what the index adds
// on top of holding the articles.
func BenchmarkIndexBuild100k(b *testing.B) {
	arts := corpus100k(b).Articles[:benchArticles]
	var perArticle float64
	start := time.Now()
	n := 0
	for b.Loop() {
		before := heapAlloc()
		ix := reprint.NewIndex(reprint.Config{})
		buildParallel(ix, arts)
		b.StopTimer()
		perArticle = float64(heapAlloc()-before) / float64(len(arts))
		runtime.KeepAlive(ix)
		b.StartTimer()
		n += len(arts)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "articles/s")
	b.ReportMetric(perArticle, "index-B/article")
}

// BenchmarkAddSequential is the single-goroutine Add rate into an index that
// already holds 10,000 articles.
func BenchmarkAddSequential(b *testing.B) {
	arts := corpus100k(b).Articles
	ix := reprint.NewIndex(reprint.Config{})
	buildParallel(ix, arts[:10_000])
	i := 10_000
	for b.Loop() {
		ix.Add(arts[i%len(arts)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

var (
	lookupOnce  sync.Once
	lookupIndex *reprint.Index
)

// BenchmarkMatches100k looks up new articles against an index of 100,000
// and reports latency percentiles (p50, p95, p99 in ms) and matches found.
func BenchmarkMatches100k(b *testing.B) {
	c := corpus100k(b)
	lookupOnce.Do(func() {
		lookupIndex = reprint.NewIndex(reprint.Config{})
		buildParallel(lookupIndex, c.Articles[:benchArticles])
	})
	queries := c.Articles[benchArticles:]
	var lat []time.Duration
	found := 0
	i := 0
	for b.Loop() {
		t0 := time.Now()
		found += len(lookupIndex.Matches(queries[i%len(queries)]))
		lat = append(lat, time.Since(t0))
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(found)/float64(len(lat)), "matches/lookup")
}

// BenchmarkSnapshotLoad100k restores an index of 100,000 articles from a
// snapshot (keys are recomputed on load, on all cores).
func BenchmarkSnapshotLoad100k(b *testing.B) {
	c := corpus100k(b)
	ix := reprint.NewIndex(reprint.Config{})
	buildParallel(ix, c.Articles[:benchArticles])
	snap, err := ix.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var back reprint.Index
		if err := back.UnmarshalBinary(snap); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchArticles)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(len(snap))/benchArticles, "snapshot-B/article")
}

// BenchmarkFindAttributions runs the cue finder on the longest seed article
// (29 kB with comments).
func BenchmarkFindAttributions(b *testing.B) {
	arts := loadSeeds(b)
	for b.Loop() {
		reprint.FindAttributions(arts[blogMail].Text, seedOutlets, 2)
	}
}
