package models

import (
	"errors"

	"gorm.io/gorm"
)

// Sentinel errors of the store. The api package maps them to HTTP statuses.
var (
	ErrNotFound        = errors.New("not found")
	ErrDuplicate       = errors.New("already exists")
	ErrVersionConflict = errors.New("stale version")
	ErrInUse           = errors.New("still referred to")
	// ErrReplayed says a create carried an idempotency key already used: the row passed in
	// has been filled with the one the first request created, and nothing new was stored.
	ErrReplayed = errors.New("replayed create")
)

// ConflictError says which value collided, for a clear 409.
type ConflictError struct {
	Field   string
	Value   string
	Message string
}

func (e *ConflictError) Error() string { return e.Message }
func (e *ConflictError) Unwrap() error { return ErrDuplicate }

// InUseError says what still refers to a row that cannot be deleted.
type InUseError struct {
	Message string
	Refs    map[string]int64
}

func (e *InUseError) Error() string { return e.Message }
func (e *InUseError) Unwrap() error { return ErrInUse }

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

func isUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}
