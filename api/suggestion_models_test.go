package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/suggest"
)

type trainJob struct {
	ID       int64
	Status   string
	Progress float64
	Message  string
	ModelID  *int64 `json:"model_id"`
}

type modelList struct {
	Items []struct {
		ID        int64
		Model     string
		Status    string
		Active    bool
		SizeBytes int64 `json:"size_bytes"`
		TrainedOn []struct {
			Dataset string
			Fit     int
		} `json:"trained_on"`
		Figures []struct {
			Label     string
			Dataset   string
			Precision float64
			Recall    float64
			F1        float64
		}
	}
}

// waitJob polls a training job until it ends, with a deadline.
func (e *env) waitJob(id int64) trainJob {
	e.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var j trainJob
		e.must("admin", "GET", fmt.Sprintf("/api/v1/suggestions/models/train/%d", id), nil, 200, &j)
		if j.Progress < 0 || j.Progress > 1 {
			e.t.Fatalf("progress %v outside [0, 1]", j.Progress)
		}
		switch j.Status {
		case "done", "kept", "failed":
			return j
		case "queued", "running":
		default:
			e.t.Fatalf("job status %q", j.Status)
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %d still %s", id, j.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) loadedSuggestion(art int64, word string) (string, bool) {
	e.t.Helper()
	var l struct {
		Items []struct {
			Label, Exact, Model string
			Confidence          float64
		}
	}
	e.must("reviewer2", "GET", "/api/v1/articles/"+itoa(art)+"/suggestions", nil, 200, &l)
	for _, s := range l.Items {
		if s.Confidence < 0 || s.Confidence > 1 || s.Model == "" {
			e.t.Fatalf("suggestion without confidence or model: %+v", s)
		}
		if s.Label == "loaded_language" && strings.Contains(s.Exact, word) {
			return s.Model, true
		}
	}
	return "", false
}

const zorblaxText = "The council debated the %s zorblax plan for the harbour on Monday. Residents said the zorblax scheme %d " +
	"would cost more than the old bridge. The vote was postponed until next month."

// TestRetrainLearnsReviewersWord: a word that reviewers consistently tag as loaded language in
// the project's articles is not suggested by the built-in model, and is after retraining; the
// new model replaces the built-in one because it measures better on the held-back reviews.
func TestRetrainLearnsReviewersWord(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("O", nil, nil)
	// fresh shares no passage with the reviewed articles: a reprint of one of them would get the
	// built-in model for a reviewer who has not finished it (BlindReviewerGetsNoModelTrainedOnTheArticle).
	fresh := e.article(o, "Fresh", "Opponents of the zorblax proposal gathered outside the town hall on Friday evening. "+
		"Several speakers asked the mayor to publish the full budget before any decision.")
	if _, ok := e.loadedSuggestion(fresh, "zorblax"); ok {
		t.Fatal("the built-in model already suggests the made-up word: the test proves nothing")
	}
	train, held := 0, 0
	var fitArt int64 // an article whose review the retrained model learns from
	for i := 0; train < 10 || held < 2; i++ {
		text := fmt.Sprintf(zorblaxText, []string{"latest", "costly", "second", "revised"}[i%4], i)
		art := e.article(o, fmt.Sprint("A", i), text)
		for from := 0; ; {
			k := strings.Index(text[from:], "zorblax")
			if k < 0 {
				break
			}
			start := len([]rune(text[:from+k]))
			e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "loaded_language", "start": start, "end": start + 7}, 201, nil)
			from += k + 7
		}
		e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/complete", nil, 200, nil)
		if suggest.HeldBack(art) {
			held++
		} else {
			train++
			fitArt = art
		}
	}
	var j trainJob
	r := e.must("admin", "POST", "/api/v1/suggestions/models/train", nil, 202, &j)
	if j.ID == 0 || (j.Status != "queued" && j.Status != "running") {
		t.Fatalf("job %s", r.Body)
	}
	j = e.waitJob(j.ID)
	if j.Status != "done" || j.ModelID == nil {
		t.Fatalf("job ended %+v", j)
	}
	model, ok := e.loadedSuggestion(fresh, "zorblax")
	if !ok {
		t.Fatal("after retraining, the reviewers' word is still not suggested")
	}
	if model != fmt.Sprintf("%s/%d", suggest.ModelName, *j.ModelID) {
		t.Fatalf("suggestion made by %q, want the retrained model %d", model, *j.ModelID)
	}
	var l modelList
	e.must("admin", "GET", "/api/v1/suggestions/models", nil, 200, &l)
	if len(l.Items) != 2 || l.Items[0].Status != "builtin" || l.Items[0].Active || !l.Items[1].Active || l.Items[1].ID != *j.ModelID {
		t.Fatalf("models %+v", l.Items)
	}
	if len(l.Items[0].Figures) == 0 || l.Items[1].SizeBytes == 0 {
		t.Fatalf("models without figures or size: %+v", l.Items)
	}
	found := false
	for _, f := range l.Items[1].Figures {
		if f.Label == "loaded_language" && f.Dataset == "held-back reviews" && f.Recall > 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the retrained model has no held-back figures for loaded language: %+v", l.Items[1].Figures)
	}
	last := l.Items[1].TrainedOn[len(l.Items[1].TrainedOn)-1]
	if last.Dataset != "project reviews" || last.Fit != train {
		t.Fatalf("trained on %+v, want %d project reviews", last, train)
	}

	t.Run("BlindReviewerGetsNoModelTrainedOnTheArticle", func(t *testing.T) {
		// reviewer2 has not finished fitArt, whose finished review by reviewer the retrained
		// model learned from: its suggestions there would carry that reviewer's labels, so the
		// built-in model answers on that article (and still the retrained one on fresh).
		var l struct {
			Items []struct{ Label, Exact, Model string }
		}
		e.must("reviewer2", "GET", "/api/v1/articles/"+itoa(fitArt)+"/suggestions", nil, 200, &l)
		for _, it := range l.Items {
			if it.Model != suggest.BuiltinModel().ID() {
				t.Fatalf("a blind reviewer was shown %q, trained on the article's finished review: %+v", it.Model, it)
			}
			if it.Label == "loaded_language" && strings.Contains(it.Exact, "zorblax") {
				t.Fatalf("the other reviewer's word reached a blind reviewer: %+v", it)
			}
		}
		if _, ok := e.loadedSuggestion(fresh, "zorblax"); !ok {
			t.Fatal("the retrained model is no longer used where it learned nothing of the article")
		}
	})
	t.Run("KeptWhenNotBetter", func(t *testing.T) {
		// Nothing changed since: the next model measures the same, which is "at least as well",
		// so it replaces the current one; the job reports done and a new active model.
		var j2 trainJob
		e.must("admin", "POST", "/api/v1/suggestions/models/train", nil, 202, &j2)
		if j2 = e.waitJob(j2.ID); j2.Status != "done" {
			t.Fatalf("retraining on the same reviews: %+v", j2)
		}
	})
	t.Run("ErrBadJob", func(t *testing.T) {
		e.must("admin", "GET", "/api/v1/suggestions/models/train/99999", nil, 404, nil)
		e.must("admin", "GET", "/api/v1/suggestions/models/train/x", nil, 404, nil)
		e.must("reviewer", "POST", "/api/v1/suggestions/models/train", nil, 403, nil)
	})
}

// TestRetrainWithoutHeldBackReviewsIsKept: with nothing to measure on, the model in use stays.
func TestRetrainWithoutHeldBackReviewsIsKept(t *testing.T) {
	e := newEnv(t)
	var j trainJob
	e.must("admin", "POST", "/api/v1/suggestions/models/train", nil, 202, &j)
	j = e.waitJob(j.ID)
	if j.Status != "kept" || j.Message == "" {
		t.Fatalf("job %+v", j)
	}
	var l modelList
	e.must("admin", "GET", "/api/v1/suggestions/models", nil, 200, &l)
	if len(l.Items) != 2 || !l.Items[0].Active || l.Items[1].Status != "rejected" {
		t.Fatalf("models %+v", l.Items)
	}
}
