package api

import (
	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/audit"
	"github.com/credence-project/credence/models"
)

// listAudit returns every change newest first, filterable by entity and actor.
func (s *Server) listAudit(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	actor, err := queryID(c, "actor_id")
	if err != nil {
		return err
	}
	es, more, err := s.store.ListAudit(c.Request.Context(), models.AuditFilter{Entity: c.Query("entity"), ActorID: actor, Before: p.After, Limit: p.Limit})
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
