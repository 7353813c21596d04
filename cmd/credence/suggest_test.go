package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSuggestRetrainCommand: "credence suggest retrain" runs the retraining job in the
// foreground; on a database without finished reviews the built-in model stays (job kept) and the
// rejected candidate is recorded.
func TestSuggestRetrainCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"suggest", "retrain", "--db", db}, &out, &errs); err != nil {
		t.Fatalf("retrain: %v\n%s", err, errs.String())
	}
	if s := out.String(); !strings.Contains(s, "job 1 kept") || !strings.Contains(s, "model 1 (rejected") {
		t.Fatalf("output %q", s)
	}
}

// TestSuggestCommandErrors: bad invocations fail with a message and change nothing.
func TestSuggestCommandErrors(t *testing.T) {
	for _, args := range [][]string{{"suggest"}, {"suggest", "fly"}, {"suggest", "train"}, {"suggest", "eval"},
		{"suggest", "train", "--data", t.TempDir()}} {
		var out, errs bytes.Buffer
		if err := run(context.Background(), args, &out, &errs); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
