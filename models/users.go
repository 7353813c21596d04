package models

import (
	"context"
	"fmt"
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

// UpdateUser changes an account. A disabled account or a new password ends its sessions and
// revokes its API tokens (deleted, so enabling the account again does not bring them back),
// and forgets its device cookies. A patch that changes nothing (and sets no password) leaves the
// account, its sessions and the audit trail as they are.
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
		if u == before && p.PasswordHash == nil {
			out = u // nothing changes: no write, no audit entry, the sessions stay
			return nil
		}
		if err := tx.Save(&u).Error; err != nil {
			if isUniqueViolation(err) {
				return &ConflictError{Field: "email", Value: u.Email, Message: "a user with email " + u.Email + " already exists"}
			}
			return err
		}
		if u.Disabled || p.PasswordHash != nil {
			for _, m := range []any{&Session{}, &APIToken{}, &DeviceCookie{}} {
				if err := tx.Where("user_id = ?", id).Delete(m).Error; err != nil {
					return err
				}
			}
		}
		out = u
		return audit(tx, actor, "update", "user", id, before, u)
	})
	s.authChanged(id)
	return &out, err
}

// DeleteUser removes an account from use: it is disabled and hidden, its sessions and tokens
// are deleted, and its annotations are kept (they are research data). Its email is freed.
func (s *Store) DeleteUser(ctx context.Context, actor, id int64) error {
	defer s.authChanged(id)
	return s.inTx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error; err != nil {
			return notFound(err)
		}
		now := time.Now().UTC()
		email, err := freeDeletedEmail(tx, id, u.Email)
		if err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"deleted_at": now, "disabled": true, "email": email, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.Where("user_id = ?", id).Delete(&Session{}).Error; err != nil {
			return err
		}
		for _, m := range []any{&APIToken{}, &DeviceCookie{}} {
			if err := tx.Where("user_id = ?", id).Delete(m).Error; err != nil {
				return err
			}
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
	defer s.auth.invalidateKey("s:" + id)
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
	defer s.authChanged(userID)
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

// freeDeletedEmail is the address a deleted account is renamed to, freeing its own:
// "deleted-N+old", or, when someone has taken that (an account may be created with any
// address), "deleted-N-K+old" for the first K free. Checked in the deleting transaction
// (a unique violation would abort a PostgreSQL transaction, so it is not tried and caught).
func freeDeletedEmail(tx *gorm.DB, id int64, old string) (string, error) {
	for k := 0; ; k++ {
		email := "deleted-" + itoa(id) + "+" + old
		if k > 0 {
			email = "deleted-" + itoa(id) + "-" + itoa(int64(k)) + "+" + old
		}
		var n int64
		if err := tx.Model(&User{}).Where("email = ?", email).Count(&n).Error; err != nil {
			return "", fmt.Errorf("find a free address for deleted user %d: %w", id, err)
		}
		if n == 0 {
			return email, nil
		}
	}
}
