package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// apiError is an error the client may see: a status, a stable code and a sentence.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Details any    `json:"details,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func fieldErr(status int, code, field, format string, args ...any) *apiError {
	e := errf(status, code, format, args...)
	e.Field = field
	return e
}

var (
	errUnauthorized = errf(http.StatusUnauthorized, "unauthorized", "sign in, or send an API token as Authorization: Bearer <token>")
	errForbidden    = errf(http.StatusForbidden, "forbidden", "your role may not do this")
	errCSRF         = errf(http.StatusForbidden, "csrf", "missing or wrong X-CSRF-Token header: send the csrf_token from sign-in or GET /api/v1/me")
)

// domainStatus maps each annotate error code to its HTTP status, in one table.
var domainStatus = map[string]int{
	annotate.CodeBadRequest:    http.StatusBadRequest,
	annotate.CodeInvalid:       http.StatusUnprocessableEntity,
	annotate.CodeInvalidLabel:  http.StatusUnprocessableEntity,
	annotate.CodeInvalidSpan:   http.StatusUnprocessableEntity,
	annotate.CodeQuoteMismatch: http.StatusUnprocessableEntity,
}

// toAPIError turns any error into what the client sees. Errors the client cannot act on are
// logged with the request id and shown as "internal".
func toAPIError(c *gin.Context, err error) *apiError {
	var ae *apiError
	var de *annotate.Error
	var ce *models.ConflictError
	var dup *models.DuplicateArticleError
	var iu *models.InUseError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &de):
		status, ok := domainStatus[de.Code]
		if !ok {
			status = http.StatusUnprocessableEntity
		}
		return &apiError{Status: status, Code: de.Code, Message: de.Message, Field: de.Field}
	case errors.As(err, &dup):
		return &apiError{Status: http.StatusConflict, Code: "duplicate", Message: dup.Error(), Field: dup.Reason, Details: gin.H{"existing_id": dup.ExistingID}}
	case errors.As(err, &ce):
		return &apiError{Status: http.StatusConflict, Code: "duplicate", Message: ce.Message, Field: ce.Field}
	case errors.As(err, &iu):
		return &apiError{Status: http.StatusConflict, Code: "in_use", Message: iu.Message, Details: iu.Refs}
	case errors.Is(err, models.ErrNotFound):
		return errf(http.StatusNotFound, "not_found", "no such %s", resourceName(c))
	case errors.Is(err, models.ErrVersionConflict):
		return errf(http.StatusConflict, "version_conflict", "the %s was changed by someone else; reload it and apply your change again", resourceName(c))
	case errors.Is(err, models.ErrDuplicate):
		return errf(http.StatusConflict, "duplicate", "it exists already")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer (499 is the customary log status).
		return errf(499, "canceled", "the request was canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return errf(http.StatusServiceUnavailable, "timeout", "the request took too long; try again")
	case isUnavailable(err):
		return errf(http.StatusServiceUnavailable, "unavailable", "the database is unavailable; try again shortly")
	}
	slog.ErrorContext(c.Request.Context(), "internal error", "err", err, "request_id", c.GetString(ctxRequestID), "path", c.FullPath())
	return errf(http.StatusInternalServerError, "internal", "internal error (request %s)", c.GetString(ctxRequestID))
}

// resourceName names the resource of the matched route, for messages such as "no such outlet".
func resourceName(c *gin.Context) string {
	if r, ok := c.Get(ctxResource); ok {
		return r.(string)
	}
	return "resource"
}

// fail writes the error envelope and stops the chain.
func fail(c *gin.Context, err error) {
	e := toAPIError(c, err)
	if e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable {
		if c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	c.AbortWithStatusJSON(e.Status, gin.H{"error": e})
}
