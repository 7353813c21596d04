package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestSuggestionModelJobs: a job is pending until it finishes; finishing with activate makes its
// model the active one and retires the previous; finishing without keeps the active one.
func TestSuggestionModelJobs(t *testing.T) {
	s := modeltest.Open(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	if id, err := s.ActiveSuggestionModelID(ctx); err != nil || id != 0 {
		t.Fatalf("active model on a new database: %d %v", id, err)
	}
	j1, err := s.CreateTrainJob(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.PendingTrainJob(ctx, since); err != nil || p == nil || p.ID != j1.ID {
		t.Fatalf("pending job %+v %v, want %d", p, err, j1.ID)
	}
	m1 := &models.SuggestionModel{Base: "b", TrainedOn: "[]", Figures: "[]", Weights: []byte{1, 2, 3}}
	if err := s.FinishTrainJob(ctx, j1.ID, m1, true, "better"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.PendingTrainJob(ctx, since); err != nil || p != nil {
		t.Fatalf("a finished job is still pending: %+v %v", p, err)
	}
	if id, _ := s.ActiveSuggestionModelID(ctx); id != m1.ID {
		t.Fatalf("active model %d, want %d", id, m1.ID)
	}
	j2, _ := s.CreateTrainJob(ctx, 0)
	m2 := &models.SuggestionModel{Base: "b", TrainedOn: "[]", Figures: "[]", Weights: []byte{4}}
	if err := s.FinishTrainJob(ctx, j2.ID, m2, false, "worse"); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.ActiveSuggestionModelID(ctx); id != m1.ID {
		t.Fatalf("a kept job changed the active model to %d", id)
	}
	got, _ := s.TrainJob(ctx, j2.ID)
	if got.Status != "kept" || got.ModelID == nil || *got.ModelID != m2.ID || got.Progress != 1 {
		t.Fatalf("kept job %+v", got)
	}
	j3, _ := s.CreateTrainJob(ctx, 0)
	m3 := &models.SuggestionModel{Base: "b", TrainedOn: "[]", Figures: "[]", Weights: []byte{5}}
	if err := s.FinishTrainJob(ctx, j3.ID, m3, true, "better"); err != nil {
		t.Fatal(err)
	}
	list, err := s.SuggestionModels(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("models %+v %v", list, err)
	}
	want := []string{"retired", "rejected", "active"}
	for i, m := range list {
		if m.Status != want[i] || m.Weights != nil || m.SizeBytes == 0 {
			t.Errorf("model %d: status %s, weights %v, size %d; want %s, no weights in the listing", m.ID, m.Status, m.Weights, m.SizeBytes, want[i])
		}
	}
	if full, err := s.SuggestionModelByID(ctx, m3.ID); err != nil || len(full.Weights) != 1 {
		t.Fatalf("model with weights: %+v %v", full, err)
	}
	if _, err := s.TrainJob(ctx, 999); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing job: %v", err)
	}
}
