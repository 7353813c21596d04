package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/users"
)

// userRequest is the body of POST and PATCH /api/v1/users; users.Fields validates it.
type userRequest struct {
	Email    *string `json:"email"`
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
	Disabled *bool   `json:"disabled"`
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
	u, err := s.app.Users.Create(c.Request.Context(), currentUser(c).ID, users.Fields(req))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toUserJSON(u))
	return nil
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
	u, err := s.app.Users.Update(c.Request.Context(), currentUser(c).ID, id, users.Fields(req))
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
	if err := s.app.Users.Delete(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
