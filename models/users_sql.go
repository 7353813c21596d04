package models

import (
	"context"
	"time"
)

// The users' hot reads, in plain SQL: every request authenticates through one of them (see
// hot.go for why these are not written with gorm).

const userFields = "users.id, users.email, users.name, users.role, users.password_hash, users.disabled, users.deleted_at, users.created_at, users.updated_at"

func scanUser(sc interface{ Scan(...any) error }, u *User, more ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.DeletedAt, &u.CreatedAt, &u.UpdatedAt}, more...)...)
}

// TokenUser returns the enabled, live user behind a token hash, in one query.
func (s *Store) TokenUser(ctx context.Context, hash string) (*User, error) {
	row, err := s.queryRow(ctx, "SELECT "+userFields+" FROM users JOIN api_tokens ON api_tokens.user_id = users.id "+
		"WHERE api_tokens.token_hash = ? AND users.deleted_at IS NULL AND NOT users.disabled", hash)
	if err != nil {
		return nil, err
	}
	var u User
	if err := scanUser(row, &u); err != nil {
		return nil, rowErr(err)
	}
	return &u, nil
}

// SessionUser returns an unexpired session and its enabled, live user, in one query.
func (s *Store) SessionUser(ctx context.Context, id string) (*Session, *User, error) {
	row, err := s.queryRow(ctx, "SELECT "+userFields+", sessions.id, sessions.user_id, sessions.csrf_token, sessions.created_at, sessions.expires_at "+
		"FROM sessions JOIN users ON users.id = sessions.user_id "+
		"WHERE sessions.id = ? AND sessions.expires_at > ? AND users.deleted_at IS NULL AND NOT users.disabled", id, time.Now().UTC())
	if err != nil {
		return nil, nil, err
	}
	var u User
	var sess Session
	if err := scanUser(row, &u, &sess.ID, &sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt); err != nil {
		return nil, nil, rowErr(err)
	}
	return &sess, &u, nil
}
