package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CreateUser stores a new account; the email is compared case-insensitively.
func (s *Store) CreateUser(ctx context.Context, actor int64, u *User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if isUniqueViolation(err) {
				return &ConflictError{Field: "email", Value: u.Email, Message: "a user with email " + u.Email + " already exists"}
			}
			return err
		}
		return audit(tx, actor, "create", "user", u.ID, nil, u)
	})
}

// UserByEmail finds a live account by email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ? AND deleted_at IS NULL", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	return &u, notFound(err)
}

// User finds a live account by id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error
	return &u, notFound(err)
}

// ListUsers pages through live accounts by id.
func (s *Store) ListUsers(ctx context.Context, p Page) ([]User, bool, error) {
	var out []User
	err := paginate(s.db.WithContext(ctx).Where("deleted_at IS NULL"), "id", p).Find(&out).Error
	return trim(out, p.Limit, err)
}

// CountUsers counts live accounts, to know whether this is a first start.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("deleted_at IS NULL").Count(&n).Error
	return n, err
}

// UserPatch lists the fields of an account to change; nil leaves a field alone.
type UserPatch struct {
	Email, Name, Role, PasswordHash *string
	Disabled                        *bool
}

// UpdateUser changes an account. A disabled account or a new password ends its sessions
// (and a disabled account's tokens stop working, since authentication checks Disabled).
func (s *Store) UpdateUser(ctx context.Context, actor, id int64, p UserPatch) (*User, error) {
	var out User
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error; err != nil {
			return notFound(err)
		}
		before := u
		if p.Email != nil {
			u.Email = strings.ToLower(strings.TrimSpace(*p.Email))
		}
		if p.Name != nil {
			u.Name = *p.Name
		}
		if p.Role != nil {
			u.Role = *p.Role
		}
		if p.PasswordHash != nil {
			u.PasswordHash = *p.PasswordHash
		}
		if p.Disabled != nil {
			u.Disabled = *p.Disabled
		}
		if err := tx.Save(&u).Error; err != nil {
			if isUniqueViolation(err) {
				return &ConflictError{Field: "email", Value: u.Email, Message: "a user with email " + u.Email + " already exists"}
			}
			return err
		}
		if u.Disabled || p.PasswordHash != nil {
			if err := tx.Where("user_id = ?", id).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		out = u
		return audit(tx, actor, "update", "user", id, before, u)
	})
	return &out, err
}

// DeleteUser removes an account from use: it is disabled and hidden, its sessions and tokens
// are deleted, and its annotations are kept (they are research data). Its email is freed.
func (s *Store) DeleteUser(ctx context.Context, actor, id int64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error; err != nil {
			return notFound(err)
		}
		now := time.Now().UTC()
		res := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"deleted_at": now, "disabled": true, "email": "deleted-" + itoa(id) + "+" + u.Email, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.Where("user_id = ?", id).Delete(&Session{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&APIToken{}).Error; err != nil {
			return err
		}
		return audit(tx, actor, "delete", "user", id, u, nil)
	})
}

// CreateSession stores a browser session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return tx.Create(sess).Error })
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return tx.Where("id = ?", id).Delete(&Session{}).Error })
}

// CreateToken stores an API token by its hash.
func (s *Store) CreateToken(ctx context.Context, t *APIToken) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return audit(tx, t.UserID, "create", "token", t.ID, nil, map[string]any{"id": t.ID, "name": t.Name, "user_id": t.UserID})
	})
}

// ListTokens lists a user's tokens (never the token itself).
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var out []APIToken
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
	return out, err
}

// DeleteToken revokes one of a user's tokens.
func (s *Store) DeleteToken(ctx context.Context, userID, id int64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ?", id, userID).Delete(&APIToken{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return audit(tx, userID, "delete", "token", id, nil, nil)
	})
}

// LoginAllowed tells whether a key (an account or an address) may try to sign in, and if
// not, when it may again. Failures are counted in the database so that every replica of the
// service sees the same counts.
func (s *Store) LoginAllowed(ctx context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	var a LoginAttempt
	err := s.db.WithContext(ctx).Where("key = ?", key).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	end := a.WindowStart.Add(window)
	now := time.Now().UTC()
	if now.After(end) || a.Failures < max {
		return true, 0, nil
	}
	return false, end.Sub(now), nil
}

// LoginFailed counts one failure for a key, starting a new window when the old one ended.
func (s *Store) LoginFailed(ctx context.Context, key string, window time.Duration) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		now := time.Now().UTC()
		var a LoginAttempt
		err := tx.Where("key = ?", key).Take(&a).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return tx.Create(&LoginAttempt{Key: key, WindowStart: now, Failures: 1}).Error
		case err != nil:
			return err
		case now.After(a.WindowStart.Add(window)):
			return tx.Model(&a).Where("key = ?", key).Updates(map[string]any{"window_start": now, "failures": 1}).Error
		}
		return tx.Model(&LoginAttempt{}).Where("key = ?", key).Update("failures", gorm.Expr("failures + 1")).Error
	})
}

// LoginSucceeded clears the failures of a key.
func (s *Store) LoginSucceeded(ctx context.Context, key string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return tx.Where("key = ?", key).Delete(&LoginAttempt{}).Error })
}
