package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/suggest"
	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// modelCache holds the parsed model in use, reloaded when another replica (or a job here)
// activates a new one: each request asks the store only for the active model's id.
type modelCache struct {
	mu    sync.Mutex
	id    int64
	model *suggest.Model
	train sync.Mutex // one retraining at a time in this process; others stay queued
	// retrain is suggest.Retrain; a test puts a trainer that fails in its place.
	retrain func(ctx context.Context, base, current *suggest.Model, reviews []suggest.ReviewDoc, progress func(float64)) (*suggest.RetrainResult, error)
}

// suggestionModel returns the model in use: the active stored one, or the built-in one.
func (s *Server) suggestionModel(ctx context.Context) (*suggest.Model, error) {
	id, err := s.store.ActiveSuggestionModelID(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the active suggestion model: %w", err)
	}
	if id == 0 {
		return suggest.BuiltinModel(), nil
	}
	mc := s.models
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.id == id && mc.model != nil {
		return mc.model, nil
	}
	row, err := s.store.SuggestionModelByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("loading suggestion model %d: %w", id, err)
	}
	m, err := suggest.ParseModel(row.Weights)
	if err != nil {
		return nil, fmt.Errorf("suggestion model %d: %w", id, err)
	}
	m.Version = fmt.Sprint(id)
	mc.id, mc.model = id, m
	return m, nil
}

type trainJobJSON struct {
	ID       int64   `json:"id"`
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Message  string  `json:"message,omitempty"`
	ModelID  *int64  `json:"model_id"`
}

func toTrainJobJSON(j *models.TrainJob) trainJobJSON {
	return trainJobJSON{ID: j.ID, Status: j.Status, Progress: j.Progress, Message: j.Message, ModelID: j.ModelID}
}

// startRetraining queues a retraining job and runs it in the background; the job's state is in
// the store, so any replica answers on it. While one is queued or running, asking again answers
// that job instead of queueing another on the same reviews.
func (s *Server) startRetraining(c *gin.Context) error {
	ctx := c.Request.Context()
	pending, err := s.store.PendingTrainJob(ctx, time.Now().Add(-staleJob))
	if err != nil {
		return err
	}
	if pending != nil {
		c.JSON(http.StatusAccepted, toTrainJobJSON(pending))
		return nil
	}
	job, err := s.store.CreateTrainJob(ctx, currentUser(c).ID)
	if err != nil {
		return err
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		if err := s.RetrainSuggestions(ctx, job.ID); err != nil {
			s.log.Warn("suggestion retraining failed", "job", job.ID, "err", err)
		}
	}()
	c.JSON(http.StatusAccepted, toTrainJobJSON(job))
	return nil
}

// staleJob: a job the store says is running but that no replica touched for this long was lost
// with its process.
const staleJob = 15 * time.Minute

func (s *Server) trainJob(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	j, err := s.store.TrainJob(c.Request.Context(), id)
	if err != nil {
		return err
	}
	if (j.Status == "running" || j.Status == "queued") && time.Since(j.UpdatedAt) > staleJob {
		j.Status, j.Message = "failed", "the service running this job stopped before it finished"
	}
	c.JSON(http.StatusOK, toTrainJobJSON(j))
	return nil
}

// RetrainSuggestions runs a queued retraining job to its end: it retrains the built-in model
// on the project's finished reviews and decisions, measures the result and the model in use on
// the held-back reviews, stores the new model, and makes it the one in use only if it measures at
// least as well. The job records the outcome (done, kept or failed).
func (s *Server) RetrainSuggestions(ctx context.Context, jobID int64) error {
	s.models.train.Lock()
	defer s.models.train.Unlock()
	// The job runs in a goroutine of its own, out of the request's recoverer: a panic in the
	// trainer (on reviews no test foresaw) fails the job, with its stack in the log, instead of
	// ending the service (TestRetrainingPanicFailsTheJob).
	err := safe.Call(func() error { return s.retrain(ctx, jobID) })
	if err != nil {
		if uerr := s.store.UpdateTrainJob(context.WithoutCancel(ctx), jobID, "failed", 0, firstLine(err.Error())); uerr != nil {
			return errors.Join(err, uerr)
		}
	}
	return err
}

func (s *Server) retrain(ctx context.Context, jobID int64) error {
	if err := s.store.UpdateTrainJob(ctx, jobID, "running", 0, ""); err != nil {
		return err
	}
	reviews, err := s.store.FinishedReviews(ctx)
	if err != nil {
		return err
	}
	current, err := s.suggestionModel(ctx)
	if err != nil {
		return err
	}
	docs := make([]suggest.ReviewDoc, 0, len(reviews))
	for _, r := range reviews {
		d := suggest.ReviewDoc{ArticleID: r.ArticleID, Text: r.Text}
		for _, a := range r.Annotations {
			d.Tagged = append(d.Tagged, suggest.Gold{Label: annotate.Label(a.Label), Start: a.Start, End: a.End})
		}
		for _, f := range r.Decisions {
			if f.Decision == "rejected" {
				d.Rejected = append(d.Rejected, suggest.Gold{Label: annotate.Label(f.Label), Start: f.Start, End: f.End})
			}
		}
		docs = append(docs, d)
	}
	last := 0.0
	progress := func(f float64) {
		if f-last >= 0.05 {
			last = f
			_ = s.store.UpdateTrainJob(ctx, jobID, "running", f*0.95, "") // progress is advisory
		}
	}
	train := s.models.retrain
	if train == nil {
		train = suggest.Retrain
	}
	res, err := train(ctx, suggest.BuiltinModel(), current, docs, progress)
	if err != nil {
		return err
	}
	weights, err := res.Model.Marshal()
	if err != nil {
		return err
	}
	trainedOn, _ := json.Marshal(res.Model.TrainedOn)
	figures, _ := json.Marshal(res.Figures())
	msg := fmt.Sprintf("trained on %d finished reviews, measured on %d held back", res.FitDocs, res.HeldBack)
	switch {
	case res.HeldBack == 0:
		msg += "; with no held-back review to measure it on, " + current.ID() + " stays in use"
	case !res.Better:
		msg += "; it did not measure at least as well as " + current.ID() + " there, which stays in use"
	}
	row := &models.SuggestionModel{Base: suggest.BuiltinModel().ID(), TrainedOn: string(trainedOn), Figures: string(figures), Weights: weights}
	return s.store.FinishTrainJob(ctx, jobID, row, res.Better, msg)
}

type modelFigureJSON struct {
	Label     string       `json:"label"`
	Dataset   string       `json:"dataset"`
	Precision float64      `json:"precision"`
	Recall    float64      `json:"recall"`
	F1        float64      `json:"f1"`
	Gold      int          `json:"gold"`
	Rules     *suggest.PRF `json:"rules,omitempty"`
	Baseline  *suggest.PRF `json:"baseline,omitempty"`
	Previous  *suggest.PRF `json:"previous,omitempty"`
}

type modelJSON struct {
	ID        int64                `json:"id"`
	Model     string               `json:"model"`
	Status    string               `json:"status"`
	Active    bool                 `json:"active"`
	Base      string               `json:"base,omitempty"`
	CreatedAt *time.Time           `json:"created_at"`
	SizeBytes int64                `json:"size_bytes"`
	TrainedOn []suggest.DataSource `json:"trained_on"`
	Figures   []modelFigureJSON    `json:"figures"`
}

// builtinModelJSON describes the embedded model with its figures on the test parts of the
// built-in data.
func builtinModelJSON(active bool) modelJSON {
	m := suggest.BuiltinModel()
	out := modelJSON{ID: 0, Model: m.ID(), Status: "builtin", Active: active, SizeBytes: int64(len(suggest.BuiltinModelBytes())),
		TrainedOn: m.TrainedOn, Figures: []modelFigureJSON{}}
	for _, label := range suggest.Labels() {
		lm := m.Labels[label]
		if lm == nil {
			continue
		}
		for _, f := range lm.Figures {
			out.Figures = append(out.Figures, modelFigureJSON{Label: string(label), Dataset: f.Dataset, Precision: f.Learned.Precision,
				Recall: f.Learned.Recall, F1: f.Learned.F1, Gold: f.Learned.Gold, Rules: &f.Rules, Baseline: &f.Baseline})
		}
	}
	return out
}

// suggestionModels lists the built-in model and every retrained one, oldest first, with what
// each was trained on and its figures per label.
func (s *Server) suggestionModels(c *gin.Context) error {
	rows, err := s.store.SuggestionModels(c.Request.Context())
	if err != nil {
		return err
	}
	active := false
	for _, r := range rows {
		active = active || r.Status == "active"
	}
	out := []modelJSON{builtinModelJSON(!active)}
	for _, r := range rows {
		mj := modelJSON{ID: r.ID, Model: suggest.ModelName + "/" + fmt.Sprint(r.ID), Status: r.Status, Active: r.Status == "active",
			Base: r.Base, CreatedAt: &r.CreatedAt, SizeBytes: r.SizeBytes, Figures: []modelFigureJSON{}}
		var figs []suggest.ReviewFigures
		if err := json.Unmarshal([]byte(r.TrainedOn), &mj.TrainedOn); err != nil {
			return fmt.Errorf("suggestion model %d: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(r.Figures), &figs); err != nil {
			return fmt.Errorf("suggestion model %d: %w", r.ID, err)
		}
		for _, f := range figs {
			mj.Figures = append(mj.Figures, modelFigureJSON{Label: f.Label, Dataset: "held-back reviews", Precision: f.Model.Precision,
				Recall: f.Model.Recall, F1: f.Model.F1, Gold: f.Model.Gold, Previous: &f.Previous})
		}
		out = append(out, mj)
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

func prfSchema() map[string]any {
	return obj(map[string]any{"suggested": integer, "matched": integer, "gold": integer, "found": integer,
		"precision": number, "recall": number, "f1": number})
}

// suggestionModelSchema documents modelJSON.
func suggestionModelSchema() map[string]any {
	source := obj(map[string]any{"dataset": str, "label": str, "licence": str, "fit": integer, "calib": integer, "test": integer, "unit": str})
	figure := obj(map[string]any{"label": label, "dataset": str, "precision": number, "recall": number, "f1": number, "gold": integer,
		"rules": prfSchema(), "baseline": prfSchema(), "previous": prfSchema()}, "label", "dataset", "precision", "recall", "f1", "gold")
	return obj(map[string]any{"id": integer, "model": str, "status": map[string]any{"type": "string", "enum": []string{"builtin", "active", "retired", "rejected"}},
		"active": boolean, "base": str, "created_at": orNull(tstamp),
		"size_bytes": integer, "trained_on": map[string]any{"type": "array", "items": source},
		"figures": map[string]any{"type": "array", "items": figure}}, "id", "model", "status", "active", "created_at", "size_bytes", "trained_on", "figures")
}

// trainJobSchema documents trainJobJSON.
func trainJobSchema() map[string]any {
	return obj(map[string]any{"id": integer, "status": map[string]any{"type": "string", "enum": []string{"queued", "running", "done", "kept", "failed"}},
		"progress": map[string]any{"type": "number", "minimum": 0, "maximum": 1}, "message": str, "model_id": nullInt}, "id", "status", "progress")
}
