package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/audit"
)

// exportAudit downloads the audit trail (GET /api/v1/exports/audit?format=csv|jsonl).
func (s *Server) exportAudit(c *gin.Context) error {
	format := c.DefaultQuery("format", "jsonl")
	if !slices.Contains(audit.Formats, format) {
		return fieldErr(CodeBadFormat, "format", "format must be csv or jsonl, not %q", format)
	}
	f, err := auditFilter(c)
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
	if err := audit.Export(c.Request.Context(), s.store, c.Writer, format, csvRaw(c), f); err != nil {
		if !c.Writer.Written() {
			c.Header("Content-Disposition", "")
			return err
		}
		// The status is sent; the download ends short and the log says why.
		s.log.ErrorContext(c.Request.Context(), "audit export failed", "err", err, "request_id", c.GetString(ctxRequestID))
	}
	return nil
}
