package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SuggestionModel is a suggestion model retrained from the project's reviews. Weights is the
// model file of package annotate/suggest; TrainedOn and Figures are JSON documents it describes.
type SuggestionModel struct {
	ID        int64  `gorm:"primaryKey"`
	Status    string // active (in use), retired (was in use), rejected (did not measure better)
	Base      string // the model it was retrained from
	TrainedOn string
	Figures   string
	Weights   []byte `gorm:"column:weights"`
	SizeBytes int64
	JobID     *int64
	CreatedBy *int64
	CreatedAt time.Time
}

// TableName of SuggestionModel.
func (SuggestionModel) TableName() string { return "suggestion_models" }

// TrainJob is a background retraining of the suggestion models.
type TrainJob struct {
	ID        int64  `gorm:"primaryKey"`
	Status    string // queued, running, done, kept, failed
	Progress  float64
	Message   string
	ModelID   *int64
	CreatedBy *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName of TrainJob.
func (TrainJob) TableName() string { return "suggestion_train_jobs" }

// CreateTrainJob records a queued retraining job.
func (s *Store) CreateTrainJob(ctx context.Context, actor int64) (*TrainJob, error) {
	now := nowUTC()
	j := &TrainJob{Status: "queued", CreatedAt: now, UpdatedAt: now}
	if actor != 0 {
		j.CreatedBy = &actor
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(j).Error; err != nil {
			return fmt.Errorf("creating a training job: %w", err)
		}
		return audit(tx, actor, "create", "suggestion_train_job", j.ID, nil, j)
	})
	return j, err
}

// UpdateTrainJob records a job's status, progress and message.
func (s *Store) UpdateTrainJob(ctx context.Context, id int64, status string, progress float64, message string) error {
	err := s.db.WithContext(ctx).Model(&TrainJob{}).Where("id = ?", id).
		Updates(map[string]any{"status": status, "progress": progress, "message": message, "updated_at": nowUTC()}).Error
	if err != nil {
		return fmt.Errorf("updating training job %d: %w", id, err)
	}
	return nil
}

// PendingTrainJob returns the newest job still queued or running that some replica touched since
// the given time, or nil.
func (s *Store) PendingTrainJob(ctx context.Context, since time.Time) (*TrainJob, error) {
	var jobs []TrainJob
	err := s.db.WithContext(ctx).Where("status IN ? AND updated_at >= ?", []string{"queued", "running"}, since).
		Order("id DESC").Limit(1).Find(&jobs).Error
	if err != nil || len(jobs) == 0 {
		return nil, err
	}
	return &jobs[0], nil
}

// TrainJob returns one training job, or ErrNotFound.
func (s *Store) TrainJob(ctx context.Context, id int64) (*TrainJob, error) {
	var j TrainJob
	err := s.db.WithContext(ctx).Take(&j, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &j, err
}

// FinishTrainJob stores the model a job trained and closes the job: with activate, the model
// becomes the one in use (the previous one is retired) and the job is done; otherwise the model is
// kept for the record as rejected and the job's status is kept. Both in one transaction, so a
// replica never sees a done job without its model.
func (s *Store) FinishTrainJob(ctx context.Context, jobID int64, m *SuggestionModel, activate bool, message string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		m.JobID, m.CreatedAt, m.SizeBytes = &jobID, nowUTC(), int64(len(m.Weights))
		status := "kept"
		m.Status = "rejected"
		if activate {
			m.Status, status = "active", "done"
			if err := tx.Model(&SuggestionModel{}).Where("status = ?", "active").Update("status", "retired").Error; err != nil {
				return fmt.Errorf("retiring the active model: %w", err)
			}
		}
		if err := tx.Create(m).Error; err != nil {
			return fmt.Errorf("storing the trained model: %w", err)
		}
		if err := tx.Model(&TrainJob{}).Where("id = ?", jobID).Updates(map[string]any{"status": status, "progress": 1.0,
			"message": message, "model_id": m.ID, "updated_at": nowUTC()}).Error; err != nil {
			return fmt.Errorf("closing training job %d: %w", jobID, err)
		}
		return audit(tx, derefOr(m.CreatedBy), "create", "suggestion_model", m.ID, nil, map[string]any{"status": m.Status, "job": jobID})
	})
}

func derefOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// ActiveSuggestionModelID returns the id of the model in use, or 0 when the built-in one is.
func (s *Store) ActiveSuggestionModelID(ctx context.Context) (int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&SuggestionModel{}).Where("status = ?", "active").Order("id DESC").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// SuggestionModelByID returns a stored model with its weights, or ErrNotFound.
func (s *Store) SuggestionModelByID(ctx context.Context, id int64) (*SuggestionModel, error) {
	var m SuggestionModel
	err := s.db.WithContext(ctx).Take(&m, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &m, err
}

// SuggestionModels lists the stored models without their weights, oldest first.
func (s *Store) SuggestionModels(ctx context.Context) ([]SuggestionModel, error) {
	var out []SuggestionModel
	err := s.db.WithContext(ctx).Omit("weights").Order("id").Find(&out).Error
	return out, err
}

// ReviewedArticle is an article with the annotations of one finished review and that reviewer's
// decisions on its suggestions: what retraining learns from.
type ReviewedArticle struct {
	ArticleID   int64
	UserID      int64
	Text        string
	Annotations []Annotation
	Decisions   []SuggestionFeedback
}

// FinishedReviews returns every finished review with its anchored annotations and decisions,
// ordered by article and reviewer.
func (s *Store) FinishedReviews(ctx context.Context) ([]ReviewedArticle, error) {
	db := s.db.WithContext(ctx)
	var reviews []Review
	if err := db.Where("completed_at IS NOT NULL").Order("article_id, user_id").Find(&reviews).Error; err != nil {
		return nil, fmt.Errorf("listing finished reviews: %w", err)
	}
	texts := map[int64]string{}
	out := make([]ReviewedArticle, 0, len(reviews))
	for _, r := range reviews {
		text, ok := texts[r.ArticleID]
		if !ok {
			var a Article
			if err := db.Select("id, text").Take(&a, r.ArticleID).Error; err != nil {
				return nil, fmt.Errorf("article %d of a finished review: %w", r.ArticleID, err)
			}
			text, texts[r.ArticleID] = a.Text, a.Text
		}
		ra := ReviewedArticle{ArticleID: r.ArticleID, UserID: r.UserID, Text: text}
		if err := db.Omit("UserName").Where("article_id = ? AND user_id = ? AND status = ?", r.ArticleID, r.UserID, "anchored").
			Order("start_cp, id").Find(&ra.Annotations).Error; err != nil {
			return nil, fmt.Errorf("annotations of review %d/%d: %w", r.ArticleID, r.UserID, err)
		}
		if err := db.Where("article_id = ? AND user_id = ?", r.ArticleID, r.UserID).Order("id").Find(&ra.Decisions).Error; err != nil {
			return nil, fmt.Errorf("decisions of review %d/%d: %w", r.ArticleID, r.UserID, err)
		}
		out = append(out, ra)
	}
	return out, nil
}
