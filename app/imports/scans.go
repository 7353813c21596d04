package imports

import (
	"context"
	"sync"

	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// scans runs the reprint scans of an import's batches (reprints.ScanBatch) on a goroutine of
// their own, one at a time and in order, while the import reads, checks and stores the next
// batch: the database's look-ups, alignment and proposals of one batch overlap the next
// batch's keys and writes. The outcome is the one of scanning each batch before storing the
// next: a batch's scan hides the import's later batches from its look-ups
// (reprints.ScanImported; each batch's ids are noted before its transaction commits,
// models.CreateArticlesNoting), and writes its proposals before the next batch's scan. An
// article stored on its own (a revision, or a batch that met a concurrent writer's
// duplicate), which scans at once, first waits for the scans queued (wait).
//
// This needs the look-up's snapshot to be taken before it asks what to hide, which only
// PostgreSQL's look-up does (models.ReprintPostingsOf); on SQLite, whose single writer gains
// little from the overlap, each batch is scanned at once, as before.
type scans struct {
	s     *Service
	jobs  chan scanJob
	done  chan struct{}
	queue sync.WaitGroup // jobs not finished

	mu    sync.Mutex
	seq   int             // batches noted so far
	noted map[int][]int64 // ids of each batch not yet scanned, by its sequence
}

type scanJob struct {
	seq  int
	arts []models.Article
	keys [][]uint64
}

// scanQueue bounds the batches stored ahead of their scan (and held in memory for it).
const scanQueue = 1

// newScans starts the scans of an import, or returns nil when its batches are to be scanned
// at once (no reprint service, SQLite).
func newScans(ctx context.Context, s *Service) *scans {
	if s.reprints == nil || s.store.Dialect() != "postgres" {
		return nil
	}
	sc := newScanQueue(s)
	go sc.run(ctx, s.scanImported, s.reprints.ScanFailed)
	return sc
}

func newScanQueue(s *Service) *scans {
	return &scans{s: s, jobs: make(chan scanJob, scanQueue), done: make(chan struct{}), noted: map[int][]int64{}}
}

// run scans the queued batches in order with scan, until the queue is closed. A scan that
// fails, or panics (the goroutine is the import's, out of any request's recoverer), is
// reported to failed with the batch's articles (which stay imported, as ScanFailed says), and
// the next batch is scanned (TestScansGoOnAfterAPanic).
func (sc *scans) run(ctx context.Context, scan func(context.Context, []models.Article, [][]uint64, func() []int64) error, failed func([]models.Article, error)) {
	defer close(sc.done)
	for j := range sc.jobs {
		err := safe.Call(func() error { return scan(ctx, j.arts, j.keys, func() []int64 { return sc.after(j.seq) }) })
		if err != nil {
			failed(j.arts, err)
		}
		sc.mu.Lock()
		delete(sc.noted, j.seq)
		sc.mu.Unlock()
		sc.queue.Done()
	}
}

// note records the ids of batch seq (next) being stored, before its transaction commits;
// called again (a retried write), it replaces them.
func (sc *scans) note(seq int, ids []int64) {
	sc.mu.Lock()
	sc.noted[seq] = ids
	sc.mu.Unlock()
}

// next is the sequence of the next batch to store.
func (sc *scans) next() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.seq++
	return sc.seq
}

// forget drops what note recorded of a batch that was not stored after all.
func (sc *scans) forget(seq int) {
	sc.mu.Lock()
	delete(sc.noted, seq)
	sc.mu.Unlock()
}

// after lists the ids of the batches noted after batch seq: what its scan must not see.
func (sc *scans) after(seq int) []int64 {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	var out []int64
	for q, ids := range sc.noted {
		if q > seq {
			out = append(out, ids...)
		}
	}
	return out
}

// add queues the scan of batch seq, stored; it waits while scanQueue batches are queued.
func (sc *scans) add(seq int, arts []models.Article, keys [][]uint64) {
	sc.queue.Add(1)
	sc.jobs <- scanJob{seq: seq, arts: arts, keys: keys}
}

// wait returns once every scan queued has finished.
func (sc *scans) wait() {
	if sc != nil {
		sc.queue.Wait()
	}
}

// close waits for the scans queued and ends the goroutine.
func (sc *scans) close() {
	if sc != nil {
		close(sc.jobs)
		<-sc.done
	}
}
