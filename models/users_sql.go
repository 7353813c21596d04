package models

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// The users' hot reads, in plain SQL: every request authenticates through one of them (see
// hot.go for why these are not written with gorm).

const userFields = "users.id, users.email, users.name, users.role, users.password_hash, users.disabled, users.deleted_at, users.created_at, users.updated_at"

func scanUser(sc interface{ Scan(...any) error }, u *User, more ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.DeletedAt, &u.CreatedAt, &u.UpdatedAt}, more...)...)
}

// TokenUser returns the enabled, live user behind a token hash, in one query or from the
// authentication cache (authcache.go), with the use to note in the token's last_used_at
// (NoteTokenUse).
func (s *Store) TokenUser(ctx context.Context, hash string) (*User, *TokenUse, error) {
	key := "t:" + hash
	if e, ok := s.auth.get(key); ok {
		u := e.user
		return &u, &TokenUse{id: e.tokenID, due: noteDue(e.lastUsed, time.Now())}, nil
	}
	gen, caching := s.auth.begin()
	row, err := s.queryRow(ctx, "SELECT "+userFields+", api_tokens.id, api_tokens.last_used_at FROM users JOIN api_tokens ON api_tokens.user_id = users.id "+
		"WHERE api_tokens.token_hash = ? AND users.deleted_at IS NULL AND NOT users.disabled", hash)
	if err != nil {
		return nil, nil, err
	}
	var u User
	var use TokenUse
	var used sql.NullTime
	if err := scanUser(row, &u, &use.id, &used); err != nil {
		return nil, nil, rowErr(err)
	}
	now := time.Now()
	use.due = !used.Valid || now.Sub(used.Time) >= TokenUseGranularity
	if caching {
		last := new(atomic.Int64)
		if use.due {
			last.Store(now.UnixNano()) // this use is the one noted
		} else {
			last.Store(used.Time.UnixNano())
		}
		s.auth.put(gen, key, &authEntry{user: u, userID: u.ID, tokenID: use.id, lastUsed: last})
	}
	return &u, &use, nil
}

// noteDue tells whether a cached token's use at now is to be noted, and if so records it as
// noted, so that of the uses within TokenUseGranularity one is.
func noteDue(last *atomic.Int64, now time.Time) bool {
	for {
		l := last.Load()
		if now.UnixNano()-l < int64(TokenUseGranularity) {
			return false
		}
		if last.CompareAndSwap(l, now.UnixNano()) {
			return true
		}
	}
}

// TokenUseGranularity is how stale a token's last_used_at may be: a token used more often
// is noted at most once per this interval, so that a busy script does not make every one of
// its requests a write.
const TokenUseGranularity = time.Minute

// TokenUse is a use of an API token, to be noted in its last_used_at (NoteTokenUse).
type TokenUse struct {
	id  int64
	due bool // last_used_at is older than TokenUseGranularity, or unset
}

// NoteTokenUse sets the token's last_used_at to now when it is due. The caller runs it beside
// the request, so the write never delays it; a failed note does not make the token invalid,
// and the next use tries again.
func (s *Store) NoteTokenUse(ctx context.Context, use *TokenUse) error {
	if use == nil || !use.due {
		return nil
	}
	// Conditional, so that of several uses read as due at once only the first is noted.
	now := time.Now().UTC()
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&APIToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", use.id, now.Add(-TokenUseGranularity)).
			Update("last_used_at", now).Error
	})
}

// SessionUser returns an unexpired session and its enabled, live user, in one query or from
// the authentication cache (authcache.go).
func (s *Store) SessionUser(ctx context.Context, id string) (*Session, *User, error) {
	key := "s:" + id
	now := time.Now().UTC()
	if e, ok := s.auth.get(key); ok {
		if e.session.ExpiresAt.After(now) {
			sess, u := *e.session, e.user
			return &sess, &u, nil
		}
		s.auth.invalidateKey(key) // expired: the query below answers not found
	}
	gen, caching := s.auth.begin()
	row, err := s.queryRow(ctx, "SELECT "+userFields+", sessions.id, sessions.user_id, sessions.csrf_token, sessions.created_at, sessions.expires_at "+
		"FROM sessions JOIN users ON users.id = sessions.user_id "+
		"WHERE sessions.id = ? AND sessions.expires_at > ? AND users.deleted_at IS NULL AND NOT users.disabled", id, now)
	if err != nil {
		return nil, nil, err
	}
	var u User
	var sess Session
	if err := scanUser(row, &u, &sess.ID, &sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt); err != nil {
		return nil, nil, rowErr(err)
	}
	if caching {
		kept := sess
		s.auth.put(gen, key, &authEntry{user: u, userID: u.ID, session: &kept})
	}
	return &sess, &u, nil
}
