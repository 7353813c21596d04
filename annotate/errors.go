package annotate

import (
	"errors"
	"fmt"
)

// Error is a domain error with a stable, machine-readable code. The HTTP layer maps each
// code to a status in one table; any other error is an internal error.
type Error struct {
	Code    string // e.g. "invalid_span", "quote_mismatch"
	Message string // a human sentence
	Field   string // the offending field, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Codes used across the domain. The api package maps them to HTTP statuses.
const (
	CodeInvalid       = "invalid"        // a well-formed request with an invalid value (422)
	CodeInvalidLabel  = "invalid_label"  // a label outside the four (422)
	CodeInvalidSpan   = "invalid_span"   // start/end outside the text or empty (422)
	CodeQuoteMismatch = "quote_mismatch" // exact differs from text[start:end] (422)
	CodeBadRequest    = "bad_request"    // malformed input (400)
	CodeUnknownOutlet = "unknown_outlet" // an outlet id, name, alias or domain that names none (422)
	CodeTooLarge      = "too_large"      // an input over its size limit (413; per line in an import report)

	CodeForbidden       = "forbidden"        // the reader's role or ownership does not allow it (403)
	CodeBlindReview     = "blind_review"     // other reviewers' work, asked for before finishing (403)
	CodeReviewLocked    = "review_locked"    // a finished review frozen after seeing the others (409)
	CodeReviewCompleted = "review_completed" // a write to a review marked done and not reopened (409)
)

// Errorf builds an *Error with a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error in err's chain, or "" if there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
