package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/suggest"
	"github.com/credence-project/credence/models"
)

type suggestionJSON struct {
	Label      string  `json:"label"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Exact      string  `json:"exact"`
	Reason     string  `json:"reason"`
	Rule       string  `json:"rule"`
	Cue        string  `json:"cue"`
	Confidence float64 `json:"confidence"`
	Model      string  `json:"model"`
}

// suggester builds the suggester of a request: the learned model in use for each label (a
// label whose learned model admins switched off falls back to the word-list rules, less the rules
// they switched off), beside the external model service when one is configured.
func (s *Server) suggester(ctx context.Context, articleID int64, u *models.User) (suggest.Suggester, error) {
	rules := suggest.NewRules()
	off, err := s.store.DisabledRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range off {
		_ = rules.Disable(id) // a learned id, or a rule removed from the catalogue since
	}
	m, err := s.modelFor(ctx, articleID, u)
	if err != nil {
		return nil, err
	}
	learned := suggest.NewLearned(m, rules, off...)
	if s.cfg.SuggestURL == "" {
		return s.suggested.wrap(learned, m, off), nil
	}
	ext := &suggest.HTTPSuggester{URL: s.cfg.SuggestURL, Timeout: s.cfg.SuggestTimeout}
	return suggest.Combine(ext, learned), nil
}

// modelFor is the model whose suggestions the reader may see on an article: the model in use,
// unless it learned from finished reviews of this article, or of an article that shares a
// passage with it, and the reader has not finished the article. Its suggestions there could
// carry other reviewers' labels before the reader has finished (blind review), so the
// built-in model, which learned from public data only, answers instead.
func (s *Server) modelFor(ctx context.Context, articleID int64, u *models.User) (*suggest.Model, error) {
	m, err := s.suggestionModel(ctx)
	if err != nil || len(m.FitArticles) == 0 {
		return m, err
	}
	v, err := s.store.ArticleForReader(ctx, articleID, u.ID)
	if err != nil {
		return nil, err
	}
	if !reader(u).Blind(domainReview(v)) {
		return m, nil
	}
	ids := []int64{articleID}
	matches, err := s.app.Reprints.Matches(ctx, articleID)
	if err != nil {
		return nil, fmt.Errorf("reprints of article %d, for its suggestion model: %w", articleID, err)
	}
	for _, mt := range matches {
		ids = append(ids, mt.OtherArticleID)
	}
	if m.LearnedFrom(ids...) {
		return suggest.BuiltinModel(), nil
	}
	return m, nil
}

// ruleCatalog is every rule id admins can switch off: the learned models first, then the rules.
func ruleCatalog() []suggest.RuleInfo {
	return append(suggest.LearnedCatalog(), suggest.RuleCatalog()...)
}

// suggestions proposes passages for the signed-in reviewer to confirm. They are never
// counted in scores: only an accepted suggestion, which becomes the reviewer's annotation,
// is. Suggestions the reviewer already decided are left out.
func (s *Server) suggestions(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	text, err := s.articleText(ctx, id)
	if err != nil {
		return err
	}
	if hidden, err := s.suggestionsHidden(ctx, id, currentUser(c).ID); err != nil || hidden {
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, gin.H{"items": []suggestionJSON{}, "next_cursor": "", "hidden": true})
		return nil
	}
	sg, err := s.suggester(ctx, id, currentUser(c))
	if err != nil {
		return err
	}
	items, err := sg.Suggest(ctx, text.String())
	var warning string
	if err != nil {
		if len(items) == 0 && !errors.Is(err, suggest.ErrBackendUnavailable) && !errors.Is(err, suggest.ErrBackendInvalid) {
			return err
		}
		// The external model is down or answered garbage: the built-in rules still answer.
		s.log.Warn("suggestion backend failed", "err", err, "request_id", c.GetString(ctxRequestID))
		warning = "the external suggestion service failed (" + firstLine(err.Error()) + "); showing the built-in rules only"
	}
	decided, err := s.store.SuggestionDecisions(ctx, id, currentUser(c).ID)
	if err != nil {
		return err
	}
	type key struct {
		rule, label string
		start, end  int
	}
	done := map[key]bool{}
	for _, d := range decided {
		done[key{d.Rule, d.Label, d.Start, d.End}] = true
	}
	out := make([]suggestionJSON, 0, len(items))
	for _, it := range items {
		if done[key{it.Rule, string(it.Label), it.Start, it.End}] {
			continue
		}
		out = append(out, suggestionJSON{Label: string(it.Label), Start: it.Start, End: it.End, Exact: it.Exact, Reason: it.Reason, Rule: it.Rule, Cue: it.Cue,
			Confidence: it.Confidence, Model: it.Model})
	}
	res := gin.H{"items": out, "next_cursor": ""}
	if warning != "" {
		res["warning"] = warning
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// suggestionsHidden tells whether the reviewer's assignment to the article hides machine
// suggestions from them (POST /assignments with "suggestions": false).
func (s *Server) suggestionsHidden(ctx context.Context, articleID, userID int64) (bool, error) {
	r, err := s.store.Review(ctx, articleID, userID)
	if err != nil {
		return false, err
	}
	return r.SuggestionsHidden, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type decisionRequest struct {
	Label  *string          `json:"label"`
	Start  *int             `json:"start"`
	End    *int             `json:"end"`
	Rule   string           `json:"rule"`
	Model  string           `json:"model"` // what made the suggestion; derived from the rule when absent
	Note   string           `json:"note"`
	Source *annotate.Source `json:"source"`
}

// decideSuggestion records an accepted (it becomes the reviewer's annotation) or rejected
// suggestion, counted per rule.
func (s *Server) decideSuggestion(accept bool) Handler {
	return func(c *gin.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var req decisionRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		ctx := c.Request.Context()
		text, err := s.articleText(ctx, id)
		if err != nil {
			return err
		}
		na, err := annotate.NewAnnotation(text, annotate.AnnotationInput{Label: req.Label, Start: req.Start, End: req.End, Note: &req.Note, Source: req.Source})
		if err != nil {
			return err
		}
		req.Rule = strings.TrimSpace(req.Rule)
		if req.Rule == "" || len(req.Rule) > 100 {
			return fieldErr(CodeInvalid, "rule", "rule is required: the rule of the suggestion")
		}
		if err := s.checkSuggested(ctx, id, currentUser(c), text.String(), req.Rule, string(na.Label), na.Start, na.End); err != nil {
			return err
		}
		u := currentUser(c)
		if err := s.checkWrite(ctx, u, id); err != nil {
			return err
		}
		f := &models.SuggestionFeedback{ArticleID: id, UserID: u.ID, Rule: req.Rule, Label: string(na.Label), Start: na.Start, End: na.End, Decision: "rejected"}
		var a *models.Annotation
		if hidden, err := s.suggestionsHidden(ctx, id, u.ID); err != nil || hidden {
			if err == nil {
				err = errf(CodeSuggestionsHidden, "your assignment to this article shows no machine suggestions, so there is none to decide")
			}
			return err
		}
		if accept {
			f.Decision = "accepted"
			model, err := annotate.SuggestionModel(req.Rule, req.Model)
			if err != nil {
				return err
			}
			a = newAnnotationRow(id, u.ID, na)
			a.SuggestionRule, a.IdempotencyKey = req.Rule, idempotencyKey(c)
			a.Origin, a.SuggestionModel = models.OriginSuggestion, model
		}
		if err := s.store.RecordSuggestion(ctx, f, a); err != nil && !errors.Is(err, models.ErrReplayed) {
			return err
		}
		if a != nil {
			a.UserName = u.Name
			c.JSON(http.StatusCreated, toAnnotationJSON(a))
			return nil
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// checkSuggested refuses a decision on a suggestion the service does not make on this text:
// a reviewer could otherwise "reject" invented rules and spans, and inflate the rejection
// counts admins judge rules by. When the external model is down and the suggestion is not
// one of the built-in rules', it cannot be checked, and the answer is to try again.
func (s *Server) checkSuggested(ctx context.Context, articleID int64, u *models.User, text, rule, label string, start, end int) error {
	sg, err := s.suggester(ctx, articleID, u)
	if err != nil {
		return err
	}
	items, sugErr := sg.Suggest(ctx, text)
	for _, it := range items {
		if it.Rule == rule && string(it.Label) == label && it.Start == start && it.End == end {
			return nil
		}
	}
	if errors.Is(sugErr, suggest.ErrBackendUnavailable) {
		return errf(CodeUnavailable, "the suggestion service does not answer, so the suggestion cannot be checked; try again shortly")
	}
	return fieldErr(CodeInvalid, "rule", "the service makes no suggestion of rule %q, label %s and span %d–%d on this article", rule, label, start, end)
}

// forgetDecision takes back the reviewer's decision on a suggestion (undo of a rejection; an
// acceptance is taken back by deleting its annotation).
func (s *Server) forgetDecision(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Label == nil || req.Start == nil || req.End == nil || req.Rule == "" {
		return fieldErr(CodeInvalid, "label", "label, start, end and rule name the decision to take back")
	}
	if err := s.checkWrite(c.Request.Context(), currentUser(c), id); err != nil {
		return err
	}
	f := &models.SuggestionFeedback{ArticleID: id, UserID: currentUser(c).ID, Rule: req.Rule, Label: *req.Label, Start: *req.Start, End: *req.End}
	if err := s.store.ForgetSuggestion(c.Request.Context(), f); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type ruleJSON struct {
	Rule           string   `json:"rule"`
	Label          string   `json:"label"`
	Description    string   `json:"description"`
	Enabled        bool     `json:"enabled"`
	Accepted       int64    `json:"accepted"`
	Rejected       int64    `json:"rejected"`
	AcceptanceRate *float64 `json:"acceptance_rate"`
}

// suggestionRules shows each rule's acceptance rate, so weak rules can be pruned.
func (s *Server) suggestionRules(c *gin.Context) error {
	ctx := c.Request.Context()
	stats, err := s.store.SuggestionRuleStats(ctx)
	if err != nil {
		return err
	}
	off, err := s.store.DisabledRules(ctx)
	if err != nil {
		return err
	}
	byRule := map[string]models.RuleStats{}
	for _, st := range stats {
		byRule[st.Rule] = st
	}
	disabled := map[string]bool{}
	for _, r := range off {
		disabled[r] = true
	}
	var out []ruleJSON
	for _, r := range ruleCatalog() {
		st := byRule[r.ID]
		row := ruleJSON{Rule: r.ID, Label: string(r.Label), Description: r.Description, Enabled: !disabled[r.ID], Accepted: st.Accepted, Rejected: st.Rejected}
		if n := st.Accepted + st.Rejected; n > 0 {
			rate := float64(st.Accepted) / float64(n)
			row.AcceptanceRate = &rate
		}
		out = append(out, row)
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

type ruleRequest struct {
	Enabled *bool `json:"enabled"`
}

func (s *Server) updateSuggestionRule(c *gin.Context) error {
	rule := c.Param("rule")
	known := false
	for _, r := range ruleCatalog() {
		known = known || r.ID == rule
	}
	if !known {
		return errf(CodeNotFound, "no suggestion rule %q", rule)
	}
	var req ruleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		return fieldErr(CodeInvalid, "enabled", "enabled (true or false) is required")
	}
	if err := s.store.SetRuleDisabled(c.Request.Context(), currentUser(c).ID, rule, !*req.Enabled); err != nil {
		return err
	}
	return s.suggestionRules(c)
}
