package bench

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Recorder collects the latencies and errors of one kind of operation.
type Recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	firstErr  string
}

// Observe records one operation.
func (r *Recorder) Observe(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if r.firstErr == "" {
			r.firstErr = err.Error()
		}
		return
	}
	r.latencies = append(r.latencies, d)
}

// OpStats summarises one kind of operation over a run.
type OpStats struct {
	Name       string  `json:"name"`
	Count      int     `json:"count"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	PerSecond  float64 `json:"per_second"`
	P50ms      float64 `json:"p50_ms"`
	P95ms      float64 `json:"p95_ms"`
	P99ms      float64 `json:"p99_ms"`
}

// Stats summarises the recorder over a run of the given length.
func (r *Recorder) Stats(name string, elapsed time.Duration) OpStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	s := OpStats{Name: name, Count: len(l), Errors: r.errors, FirstError: r.firstErr}
	if elapsed > 0 {
		s.PerSecond = float64(len(l)) / elapsed.Seconds()
	}
	s.P50ms, s.P95ms, s.P99ms = ms(Percentile(l, 0.50)), ms(Percentile(l, 0.95)), ms(Percentile(l, 0.99))
	return s
}

// Percentile of sorted latencies by the nearest-rank method; 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (s OpStats) String() string {
	out := fmt.Sprintf("%-22s %8d ops %9.1f/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  errors %d",
		s.Name, s.Count, s.PerSecond, s.P50ms, s.P95ms, s.P99ms, s.Errors)
	if s.FirstError != "" {
		out += "\n      first error: " + s.FirstError
	}
	return out
}
