// Package users manages accounts: it validates what an admin (or the command line, or the
// first start) asks for, hashes passwords, and refuses the changes that would lock an admin
// out of their own account. The HTTP routes and `credence user add` both use it.
package users

import (
	"context"
	"net/mail"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// CodeSelfLockout is the code of a change that would lock the acting admin out.
const CodeSelfLockout = "self_lockout"

// Service creates, changes and deletes accounts in the store.
type Service struct {
	store *models.Store
	cost  int // bcrypt cost of new password hashes
}

// New makes a service that hashes passwords at the given bcrypt cost.
func New(store *models.Store, bcryptCost int) *Service {
	return &Service{store: store, cost: bcryptCost}
}

// Fields are the fields of an account a request may set; nil leaves one out.
type Fields struct {
	Email    *string
	Name     *string
	Role     *string
	Password *string
	Disabled *bool
}

// MaxEmailBytes bounds an email address (RFC 5321's limit on a forward path).
const MaxEmailBytes = 254

// validate checks the fields present; create requires email, name, role and password. It
// normalises the email (NFC, lower case) and the name (NFC, trimmed) in place, and refuses
// invisible and bidirectional control characters in them (annotate.CheckName).
func (f *Fields) validate(create bool) error {
	if create {
		var missing []string
		for name, absent := range map[string]bool{"email": f.Email == nil, "name": f.Name == nil, "role": f.Role == nil, "password": f.Password == nil} {
			if absent {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			return annotate.Errorf(annotate.CodeInvalid, missing[0], "%s is required", strings.Join(missing, ", "))
		}
	}
	if f.Email != nil {
		e := annotate.NormaliseEmail(*f.Email)
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > MaxEmailBytes {
			return annotate.Errorf(annotate.CodeInvalid, "email", "%q is not an email address", e)
		}
		if err := annotate.CheckName("email", e); err != nil {
			return err
		}
		f.Email = &e
	}
	if f.Name != nil {
		n := annotate.NormaliseName(*f.Name)
		if n == "" || len(n) > 200 {
			return annotate.Errorf(annotate.CodeInvalid, "name", "name is required (at most 200 characters)")
		}
		if err := annotate.CheckName("name", n); err != nil {
			return err
		}
		f.Name = &n
	}
	if f.Role != nil {
		if _, err := annotate.ParseRole(*f.Role); err != nil {
			return err
		}
	}
	return nil
}

// HashPassword hashes a password with bcrypt at the given cost, refusing one too short to
// be safe or too long for bcrypt to read whole.
func HashPassword(pw string, cost int) (string, error) {
	if len(pw) < 8 {
		return "", annotate.Errorf(annotate.CodeInvalid, "password", "password must have at least 8 characters")
	}
	if len(pw) > 72 {
		return "", annotate.Errorf(annotate.CodeInvalid, "password", "password must have at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}

// Create validates and stores an account (disabled if Disabled says so).
func (s *Service) Create(ctx context.Context, actor int64, f Fields) (*models.User, error) {
	if err := f.validate(true); err != nil {
		return nil, err
	}
	role, err := annotate.ParseRole(*f.Role)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(*f.Password, s.cost)
	if err != nil {
		return nil, err
	}
	u := &models.User{Email: *f.Email, Name: *f.Name, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, actor, u); err != nil {
		return nil, err
	}
	if f.Disabled != nil && *f.Disabled {
		return s.store.UpdateUser(ctx, actor, u.ID, models.UserPatch{Disabled: f.Disabled})
	}
	return u, nil
}

// Add creates an enabled account from plain values: the command line, the first start and
// the demo accounts.
func (s *Service) Add(ctx context.Context, actor int64, email, name, role, password string) (*models.User, error) {
	return s.Create(ctx, actor, Fields{Email: &email, Name: &name, Role: &role, Password: &password})
}

// Update changes an account. An admin may not demote or disable their own account (actor ==
// id), so that there is always an admin who can undo a change.
func (s *Service) Update(ctx context.Context, actor, id int64, f Fields) (*models.User, error) {
	if err := f.validate(false); err != nil {
		return nil, err
	}
	p := models.UserPatch{Email: f.Email, Name: f.Name, Role: f.Role, Disabled: f.Disabled}
	if f.Password != nil {
		h, err := HashPassword(*f.Password, s.cost)
		if err != nil {
			return nil, err
		}
		p.PasswordHash = &h
	}
	if id == actor && ((f.Role != nil && *f.Role != annotate.RoleAdmin) || (f.Disabled != nil && *f.Disabled)) {
		return nil, annotate.Errorf(CodeSelfLockout, "", "you cannot demote or disable your own account; ask another admin")
	}
	return s.store.UpdateUser(ctx, actor, id, p)
}

// Delete removes an account; an admin may not delete their own.
func (s *Service) Delete(ctx context.Context, actor, id int64) error {
	if id == actor {
		return annotate.Errorf(CodeSelfLockout, "", "you cannot delete your own account; ask another admin")
	}
	return s.store.DeleteUser(ctx, actor, id)
}
