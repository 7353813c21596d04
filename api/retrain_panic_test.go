package api

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/suggest"
)

// TestRetrainingPanicFailsTheJob: the retraining job runs in a goroutine of its own, where no
// request's recoverer reaches. A panic in the trainer fails that job, with the panic as its
// message, and the service goes on: it answers, and the next job runs (the lock the first one
// held is free). Before, such a panic ended the process, and this test binary with it.
func TestRetrainingPanicFailsTheJob(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	var calls atomic.Int32
	e.srv.models.retrain = func(ctx context.Context, base, current *suggest.Model, reviews []suggest.ReviewDoc, progress func(float64)) (*suggest.RetrainResult, error) {
		if calls.Add(1) == 1 {
			var tagged []suggest.Gold
			_ = tagged[len(reviews)+2] // what a bounds bug on reviewers' data looks like
		}
		return suggest.Retrain(ctx, base, current, reviews, progress)
	}
	type job struct {
		ID      int64
		Status  string
		Message string
	}
	wait := func(id int64) job {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute) // a bound on a hang, not a speed check
		for {
			var j job
			e.mustCall("GET", fmt.Sprintf("/api/v1/suggestions/models/train/%d", id), nil, 200, &j)
			if j.Status != "queued" && j.Status != "running" {
				return j
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d still %s", id, j.Status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	var first job
	e.mustCall("POST", "/api/v1/suggestions/models/train", nil, 202, &first)
	got := wait(first.ID)
	if got.Status != "failed" || got.Message != "panic: runtime error: index out of range [2] with length 0" {
		t.Fatalf("job %+v, want failed with the panic as its message", got)
	}
	if w := e.call("GET", "/healthz", "", nil); w.Code != 200 {
		t.Fatalf("healthz %d after the panic", w.Code)
	}
	var second job
	e.mustCall("POST", "/api/v1/suggestions/models/train", nil, 202, &second)
	if second.ID == first.ID {
		t.Fatalf("the failed job %d was answered again", first.ID)
	}
	if got := wait(second.ID); got.Status != "kept" || strings.Contains(got.Message, "panic") {
		t.Fatalf("second job %+v, want it to run to its end (kept: no held-back reviews)", got)
	}
}
