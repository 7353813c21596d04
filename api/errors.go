package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/users"
	"github.com/credence-project/credence/models"
)

// Code is an error code a client may see in {"error": {"code": …}}. Clients branch on codes,
// so a code never changes its meaning or its status once published.
type Code string

// The error codes, each with its status in the catalogue below.
//
// To add a code: declare the constant here, give it its status in catalogue (a test fails for
// a constant without one), and build errors with errf(code, …) or fieldErr(code, field, …).
// Handlers never pick a status: the code decides it. A domain or store error with a code of its
// own (annotate.Errorf, models.AssignmentError) takes the status of that code from this table,
// so declare its constant here too, spelt with the domain's constant.
const (
	CodeBadRequest       Code = annotate.CodeBadRequest      // malformed request: JSON, query parameter, path
	CodeInvalidCursor    Code = "invalid_cursor"             // ?cursor= that this service did not give out
	CodeUnauthorized     Code = "unauthorized"               // no valid credentials
	CodeInvalidLogin     Code = "invalid_credentials"        // wrong email or password
	CodeForbidden        Code = annotate.CodeForbidden       // the role (or authorship) does not allow it
	CodeCSRF             Code = "csrf"                       // a cookie-authenticated write without its X-CSRF-Token
	CodeBlindReview      Code = annotate.CodeBlindReview     // other reviewers' work before finishing the article
	CodeNotFound         Code = "not_found"                  // no such resource or route
	CodeMethodNotAllowed Code = "method_not_allowed"         // the route exists, the method does not
	CodeDuplicate        Code = "duplicate"                  // a unique value (email, name, article text) exists already
	CodeVersionConflict  Code = "version_conflict"           // a stale version: see versionConflict for its one shape
	CodeInUse            Code = "in_use"                     // a delete of something still referred to
	CodeSelfLockout      Code = users.CodeSelfLockout        // an admin removing their own admin access
	CodeNotCompleted     Code = "not_completed"              // reopening a review that was never finished
	CodeReviewLocked     Code = annotate.CodeReviewLocked    // a finished review frozen after its reviewer saw the others'
	CodeReviewCompleted  Code = annotate.CodeReviewCompleted // a write to a review marked done and not reopened
	// CodeSuggestionsHidden: a decision on a suggestion the reviewer's assignment hides.
	CodeSuggestionsHidden Code = annotate.CodeSuggestionsHidden
	CodeNotReady          Code = annotate.CodeNotReady    // a curator on an article its assigned reviewers have not all finished
	CodeAdjudicated       Code = annotate.CodeAdjudicated // a change to the consensus of an adjudicated article
	CodeTooLarge          Code = annotate.CodeTooLarge    // a request body over the limit
	CodeUnsupportedMedia  Code = "unsupported_media_type"
	CodeInvalid           Code = annotate.CodeInvalid       // well-formed, but a value is not allowed
	CodeInvalidLabel      Code = annotate.CodeInvalidLabel  // a label outside the four
	CodeInvalidSpan       Code = annotate.CodeInvalidSpan   // start/end outside the text, or empty
	CodeQuoteMismatch     Code = annotate.CodeQuoteMismatch // exact differs from text[start:end]
	CodeUnknownOutlet     Code = annotate.CodeUnknownOutlet // an outlet id, name, alias or domain that names none
	CodeUnknownReviewer   Code = models.CodeUnknownReviewer
	CodeUnknownArticle    Code = models.CodeUnknownArticle
	CodeTooFewReviewers   Code = models.CodeTooFewReviewers
	CodeBadFormat         Code = "bad_format"   // a ?format= the route does not write, or an upload in no format it reads
	CodeRateLimited       Code = "rate_limited" // too many failed sign-ins
	CodeCanceled          Code = "canceled"     // the client went away (499 is the customary log status)
	CodeTimeout           Code = "timeout"      // the request took longer than its deadline
	CodeUnavailable       Code = "unavailable"  // the database does not answer
	// CodeStorageUnavailable: the database refuses writes (a full disk); reads may still work.
	CodeStorageUnavailable Code = "storage_unavailable"
	CodeInternal           Code = "internal" // anything the client cannot act on; logged with the request id
)

// catalogue is the one table of error codes and their HTTP statuses.
var catalogue = map[Code]int{
	CodeBadRequest:         http.StatusBadRequest,
	CodeInvalidCursor:      http.StatusBadRequest,
	CodeBadFormat:          http.StatusBadRequest,
	CodeUnauthorized:       http.StatusUnauthorized,
	CodeInvalidLogin:       http.StatusUnauthorized,
	CodeForbidden:          http.StatusForbidden,
	CodeCSRF:               http.StatusForbidden,
	CodeBlindReview:        http.StatusForbidden,
	CodeNotFound:           http.StatusNotFound,
	CodeMethodNotAllowed:   http.StatusMethodNotAllowed,
	CodeDuplicate:          http.StatusConflict,
	CodeVersionConflict:    http.StatusConflict,
	CodeInUse:              http.StatusConflict,
	CodeSelfLockout:        http.StatusConflict,
	CodeNotCompleted:       http.StatusConflict,
	CodeReviewLocked:       http.StatusConflict,
	CodeReviewCompleted:    http.StatusConflict,
	CodeSuggestionsHidden:  http.StatusForbidden,
	CodeNotReady:           http.StatusForbidden,
	CodeAdjudicated:        http.StatusConflict,
	CodeTooLarge:           http.StatusRequestEntityTooLarge,
	CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	CodeInvalid:            http.StatusUnprocessableEntity,
	CodeInvalidLabel:       http.StatusUnprocessableEntity,
	CodeInvalidSpan:        http.StatusUnprocessableEntity,
	CodeQuoteMismatch:      http.StatusUnprocessableEntity,
	CodeUnknownOutlet:      http.StatusUnprocessableEntity,
	CodeUnknownReviewer:    http.StatusUnprocessableEntity,
	CodeUnknownArticle:     http.StatusUnprocessableEntity,
	CodeTooFewReviewers:    http.StatusUnprocessableEntity,
	CodeRateLimited:        http.StatusTooManyRequests,
	CodeCanceled:           499,
	CodeTimeout:            http.StatusServiceUnavailable,
	CodeUnavailable:        http.StatusServiceUnavailable,
	CodeStorageUnavailable: http.StatusServiceUnavailable,
	CodeInternal:           http.StatusInternalServerError,
}

// status is the HTTP status of a code. A code missing from the catalogue is a programming
// error (TestErrorCatalogue catches it); it answers 500 rather than guess.
func (c Code) status() int {
	if s, ok := catalogue[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// apiError is an error the client may see: a stable code (which decides the status) and a
// sentence.
type apiError struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Details any    `json:"details,omitempty"`
	// current is the resource as it is now, for a version conflict (see versionConflict).
	current any
}

func (e *apiError) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error, from the catalogue.
func (e *apiError) Status() int { return e.Code.status() }

func errf(code Code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func fieldErr(code Code, field, format string, args ...any) *apiError {
	e := errf(code, format, args...)
	e.Field = field
	return e
}

// versionConflict is the one shape of a stale version: 409 version_conflict with the resource
// as it is now in error.details.current (and, as the annotation route always answered, at the
// top level as "current"), so a client can show the difference or retry against it.
func versionConflict(resource string, current any) *apiError {
	e := errf(CodeVersionConflict, "the %s was changed by someone else; reload it and apply your change again", resource)
	if current != nil {
		e.Details = gin.H{"current": current}
		e.current = current
	}
	return e
}

var (
	errUnauthorized = errf(CodeUnauthorized, "sign in, or send an API token as Authorization: Bearer <token>")
	errForbidden    = errf(CodeForbidden, "your role may not do this")
	errCSRF         = errf(CodeCSRF, "missing or wrong X-CSRF-Token header: send the csrf_token from sign-in or GET /api/v1/me")
)

// toAPIError turns any error into what the client sees. Errors the client cannot act on are
// logged with the request id and shown as "internal".
func toAPIError(c *gin.Context, err error) *apiError {
	var ae *apiError
	var de *annotate.Error
	var ce *models.ConflictError
	var dup *models.DuplicateArticleError
	var iu *models.InUseError
	var as *models.AssignmentError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &de):
		return &apiError{Code: Code(de.Code), Message: de.Message, Field: de.Field}
	case errors.As(err, &as):
		e := fieldErr(Code(as.Code), as.Field, "%s", as.Message)
		if len(as.IDs) > 0 {
			e.Details = gin.H{"ids": as.IDs}
		}
		return e
	case errors.As(err, &dup):
		return &apiError{Code: CodeDuplicate, Message: dup.Error(), Field: dup.Reason, Details: gin.H{"existing_id": dup.ExistingID}}
	case errors.As(err, &ce):
		return &apiError{Code: CodeDuplicate, Message: ce.Message, Field: ce.Field}
	case errors.As(err, &iu):
		return &apiError{Code: CodeInUse, Message: iu.Message, Details: iu.Refs}
	case errors.Is(err, models.ErrNotFound):
		return errf(CodeNotFound, "no such %s", resourceName(c))
	case errors.Is(err, models.ErrVersionConflict):
		return versionConflict(resourceName(c), nil)
	case errors.Is(err, models.ErrAdjudicated):
		return toAPIError(c, annotate.CheckConsensusWrite(true))
	case errors.Is(err, models.ErrNotCompleted):
		return errf(CodeNotCompleted, "the reviewer has not finished this article, so there is nothing to reopen")
	case errors.Is(err, models.ErrDuplicate):
		return errf(CodeDuplicate, "it exists already")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		return errf(CodeCanceled, "the request was canceled")
	case errors.Is(err, models.ErrStorageFull):
		return errf(CodeStorageUnavailable, "the database has no space left for writes; nothing of this change was stored; try again once an operator has made space")
	case errors.Is(err, context.DeadlineExceeded):
		return errf(CodeTimeout, "the request took too long; try again")
	case isUnavailable(err):
		return errf(CodeUnavailable, "the database is unavailable; try again shortly")
	}
	slog.ErrorContext(c.Request.Context(), "internal error", "err", err, "request_id", c.GetString(ctxRequestID), "path", c.FullPath())
	return errf(CodeInternal, "internal error (request %s)", c.GetString(ctxRequestID))
}

// resourceName names the resource of the matched route, for messages such as "no such outlet".
func resourceName(c *gin.Context) string {
	if r, ok := c.Get(ctxResource); ok {
		return r.(string)
	}
	return "resource"
}

// fail writes the error envelope and stops the chain. Route handlers do not call it: they
// return their error and handle (below) calls it; middleware, which has no error to return,
// does.
func fail(c *gin.Context, err error) {
	e := toAPIError(c, err)
	status := e.Status()
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	body := gin.H{"error": e}
	if e.current != nil {
		body["current"] = e.current
	}
	c.AbortWithStatusJSON(status, body)
}

// Handler is a route handler: it writes its answer and returns nil, or returns the error that
// handle turns into the error envelope. Returning the error, rather than writing it and
// remembering to return, keeps a handler from answering twice or carrying on after a failure.
type Handler func(c *gin.Context) error

// handle adapts a Handler to gin. An error after the answer has begun (a stream cut short)
// cannot change the status any more; it is logged and the connection ends with what was sent.
func handle(h Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		if c.Writer.Written() {
			slog.WarnContext(c.Request.Context(), "error after the response began", "err", err,
				"request_id", c.GetString(ctxRequestID), "path", c.FullPath())
			c.Abort()
			return
		}
		fail(c, err)
	}
}
