package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/models"
)

// auditCSVHeader is the first row of the audit trail as CSV; before and after are JSON.
var auditCSVHeader = []string{"id", "at", "actor_id", "action", "entity", "entity_id", "before", "after"}

// ExportAudit writes the audit trail, newest first, as CSV or JSON Lines (one entry of the
// GET /api/v1/audit shape a line), narrowed by f's entity and actor.
func (s *Server) ExportAudit(ctx context.Context, w io.Writer, format string, f models.AuditFilter) error {
	var cw *csv.Writer
	var enc *json.Encoder
	if format == "csv" {
		cw = csv.NewWriter(w)
		if err := cw.Write(auditCSVHeader); err != nil {
			return err
		}
	} else {
		enc = json.NewEncoder(w)
	}
	f.Before, f.Limit = 0, 1000
	for {
		es, more, err := s.store.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			if cw != nil {
				actor := ""
				if e.ActorID != nil {
					actor = strconv.FormatInt(*e.ActorID, 10)
				}
				if err := cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), actor, e.Action, e.Entity,
					strconv.FormatInt(e.EntityID, 10), string(raw(e.Before)), string(raw(e.After))}); err != nil {
					return err
				}
				continue
			}
			if err := enc.Encode(auditJSON{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, Entity: e.Entity,
				EntityID: e.EntityID, Before: raw(e.Before), After: raw(e.After)}); err != nil {
				return err
			}
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
		}
		if !more || len(es) == 0 {
			return nil
		}
		f.Before = es[len(es)-1].ID
	}
}

// exportAudit downloads the audit trail (GET /api/v1/exports/audit?format=csv|jsonl).
func (s *Server) exportAudit(c *gin.Context) error {
	format := c.DefaultQuery("format", "jsonl")
	if format != "csv" && format != "jsonl" {
		return fieldErr(CodeBadRequest, "format", "format must be csv or jsonl")
	}
	actor, err := queryID(c, "actor_id")
	if err != nil {
		return err
	}
	ct, ext := "application/x-ndjson", "jsonl"
	if format == "csv" {
		ct, ext = "text/csv; charset=utf-8", "csv"
	}
	c.Header("Content-Type", ct)
	c.Header("Content-Disposition", `attachment; filename="credence-audit-`+time.Now().UTC().Format("20060102-150405")+`.`+ext+`"`)
	c.Status(http.StatusOK)
	if err := s.ExportAudit(c.Request.Context(), c.Writer, format, models.AuditFilter{Entity: c.Query("entity"), ActorID: actor}); err != nil {
		if !c.Writer.Written() {
			c.Header("Content-Disposition", "")
			return err
		}
		// The status is sent; the download ends short and the log says why.
		s.log.ErrorContext(c.Request.Context(), "audit export failed", "err", err, "request_id", c.GetString(ctxRequestID))
	}
	return nil
}
