package api

import (
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/audit"
	"github.com/credence-project/credence/models"
)

// listAudit returns every change newest first, filterable by entity, action and actor.
func (s *Server) listAudit(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	f.Before, f.Limit = p.After, p.Limit
	es, more, err := s.store.ListAudit(c.Request.Context(), f)
	if err != nil {
		return err
	}
	out := make([]audit.Entry, len(es))
	for i := range es {
		out[i] = audit.EntryOf(&es[i])
	}
	list(c, out, more, func(a audit.Entry) int64 { return a.ID })
	return nil
}

// auditWord is what an entity or action name looks like ("annotation", "view_others").
var auditWord = regexp.MustCompile(`^[a-z_]{1,40}$`)

// auditFilter reads the audit trail's filters, ?entity=, ?action= and ?actor_id=, shared by
// the list and the download. A malformed name is refused rather than answered with nothing,
// so a typo in a researcher's script does not read as "no such changes".
func auditFilter(c *gin.Context) (models.AuditFilter, error) {
	actor, err := queryID(c, "actor_id")
	if err != nil {
		return models.AuditFilter{}, err
	}
	f := models.AuditFilter{Entity: c.Query("entity"), Action: c.Query("action"), ActorID: actor}
	for name, v := range map[string]string{"entity": f.Entity, "action": f.Action} {
		if v != "" && !auditWord.MatchString(v) {
			return models.AuditFilter{}, fieldErr(CodeBadRequest, name, "%s must be a name of lower-case letters and underscores, such as %s", name, map[string]string{"entity": "annotation", "action": "update"}[name])
		}
	}
	return f, nil
}
