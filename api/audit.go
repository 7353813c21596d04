package api

import (
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/models"
)

type auditJSON struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	ActorID  *int64          `json:"actor_id"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID int64           `json:"entity_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

func raw(s *string) json.RawMessage {
	if s == nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(*s)
}

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
	out := make([]auditJSON, len(es))
	for i, e := range es {
		out[i] = auditJSON{ID: e.ID, At: e.At, ActorID: e.ActorID, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Before: raw(e.Before), After: raw(e.After)}
	}
	list(c, out, more, func(a auditJSON) int64 { return a.ID })
	return nil
}
