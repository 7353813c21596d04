package api

import (
	"context"
	"net/http"
	"net/mail"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

type userRequest struct {
	Email    *string `json:"email"`
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
	Disabled *bool   `json:"disabled"`
}

// validate checks the fields present; create requires email, name, role and password.
func (r *userRequest) validate(create bool) error {
	if create && (r.Email == nil || r.Name == nil || r.Role == nil || r.Password == nil) {
		missing := []string{}
		for f, v := range map[string]bool{"email": r.Email == nil, "name": r.Name == nil, "role": r.Role == nil, "password": r.Password == nil} {
			if v {
				missing = append(missing, f)
			}
		}
		return fieldErr(CodeInvalid, missing[0], "%s is required", strings.Join(sortedStrings(missing), ", "))
	}
	if r.Email != nil {
		e := strings.TrimSpace(*r.Email)
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
			return fieldErr(CodeInvalid, "email", "%q is not an email address", e)
		}
	}
	if r.Name != nil {
		n := strings.TrimSpace(*r.Name)
		if n == "" || len(n) > 200 {
			return fieldErr(CodeInvalid, "name", "name is required (at most 200 characters)")
		}
		r.Name = &n
	}
	if r.Role != nil {
		if _, err := annotate.ParseRole(*r.Role); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) listUsers(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	us, more, err := s.store.ListUsers(c.Request.Context(), p)
	if err != nil {
		return err
	}
	out := make([]userJSON, len(us))
	for i := range us {
		out[i] = toUserJSON(&us[i])
	}
	list(c, out, more, func(u userJSON) int64 { return u.ID })
	return nil
}

func (s *Server) createUser(c *gin.Context) error {
	var req userRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(true); err != nil {
		return err
	}
	u, err := s.CreateUser(c.Request.Context(), currentUser(c).ID, *req.Email, *req.Name, *req.Role, *req.Password)
	if err != nil {
		return err
	}
	if req.Disabled != nil && *req.Disabled {
		if u, err = s.store.UpdateUser(c.Request.Context(), currentUser(c).ID, u.ID, models.UserPatch{Disabled: req.Disabled}); err != nil {
			return err
		}
	}
	c.JSON(http.StatusCreated, toUserJSON(u))
	return nil
}

// CreateUser validates and stores an account; the CLI's "user add" and first start use it too.
func (s *Server) CreateUser(ctx context.Context, actor int64, email, name, role, password string) (*models.User, error) {
	req := userRequest{Email: &email, Name: &name, Role: &role, Password: &password}
	if err := req.validate(true); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password, s.cfg.BcryptCost)
	if err != nil {
		return nil, err
	}
	u := &models.User{Email: strings.TrimSpace(email), Name: *req.Name, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, actor, u); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Server) updateUser(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req userRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(false); err != nil {
		return err
	}
	p := models.UserPatch{Email: req.Email, Name: req.Name, Role: req.Role, Disabled: req.Disabled}
	if req.Password != nil {
		h, err := HashPassword(*req.Password, s.cfg.BcryptCost)
		if err != nil {
			return err
		}
		p.PasswordHash = &h
	}
	me := currentUser(c)
	if id == me.ID && ((req.Role != nil && *req.Role != annotate.RoleAdmin) || (req.Disabled != nil && *req.Disabled)) {
		return errf(CodeSelfLockout, "you cannot demote or disable your own account; ask another admin")
	}
	u, err := s.store.UpdateUser(c.Request.Context(), me.ID, id, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toUserJSON(u))
	return nil
}

func (s *Server) deleteUser(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if id == currentUser(c).ID {
		return errf(CodeSelfLockout, "you cannot delete your own account; ask another admin")
	}
	if err := s.store.DeleteUser(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
