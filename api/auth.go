package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/credence-project/credence/models"
)

const (
	sessionCookie = "credence_session"
	tokenPrefix   = "cred_"
)

// standInHash is compared against when an account does not exist, so that a sign-in for an
// unknown email takes as long as one with a wrong password: bcrypt's time is set by its cost,
// so the stand-in has the cost that real accounts' hashes are made with.
func standInHashAt(cost int) []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost)
	if err != nil {
		// Only an invalid cost fails, and HashPassword would fail with it too: fall back to the default.
		h, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)
	}
	return h
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// authenticate finds the user behind a bearer token or a session cookie. It does not
// reject anonymous requests; requireRole does.
func (s *Server) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		// The scheme's name is case-insensitive (RFC 9110, section 11.1).
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			fail(c, errf(CodeUnauthorized, "the Authorization header must be \"Bearer <token>\""))
			return
		}
		u, use, err := s.store.TokenUser(ctx, sha256Hex(strings.TrimSpace(tok)))
		if errors.Is(err, models.ErrNotFound) {
			fail(c, errf(CodeUnauthorized, "the API token is not valid (revoked, or its account disabled)"))
			return
		}
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(ctxUser, u)
		// Beside the request, so that noting the use (a write, once a minute) never delays it.
		go func() {
			if err := s.store.NoteTokenUse(context.WithoutCancel(ctx), use); err != nil {
				s.log.Warn("note an API token's use", "err", err)
			}
		}()
		c.Next()
		return
	}
	if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
		sess, u, err := s.store.SessionUser(ctx, sha256Hex(v))
		switch {
		case err == nil:
			c.Set(ctxUser, u)
			c.Set(ctxSession, sess)
		case !errors.Is(err, models.ErrNotFound):
			fail(c, err)
			return
		}
	}
	c.Next()
}

// checkCSRF refuses cookie-authenticated state changes without the session's CSRF token.
func checkCSRF(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	v, ok := c.Get(ctxSession)
	// Sign-in itself needs no token: it is how a browser gets one, and it starts a new session.
	if !ok || c.FullPath() == "/api/v1/auth/login" { // bearer token, anonymous, or signing in
		c.Next()
		return
	}
	sess := v.(*models.Session)
	got := c.GetHeader("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
		fail(c, errCSRF)
		return
	}
	c.Next()
}

func currentUser(c *gin.Context) *models.User {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*models.User)
	}
	return nil
}

// requireRole lets through signed-in users with one of the roles (any role when none given).
func requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		if u == nil {
			fail(c, errUnauthorized)
			return
		}
		if len(roles) > 0 {
			ok := false
			for _, r := range roles {
				ok = ok || r == u.Role
			}
			if !ok {
				fail(c, errf(CodeForbidden, "the %s role may not do this; it needs %s", u.Role, strings.Join(roles, " or ")))
				return
			}
		}
		c.Next()
	}
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
}

func toUserJSON(u *models.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.Disabled}
}

// secureCookies tells whether cookies get Secure: behind TLS, or when configured so.
func (s *Server) secureCookies(c *gin.Context) bool {
	return s.cfg.SecureCookies || c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https"
}

func (s *Server) setSessionCookie(c *gin.Context, value string, maxAge int) {
	secure := s.secureCookies(c)
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) logout(c *gin.Context) error {
	if v, ok := c.Get(ctxSession); ok {
		if err := s.store.DeleteSession(c.Request.Context(), v.(*models.Session).ID); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) me(c *gin.Context) error {
	c.Header("Cache-Control", "no-store") // it carries the CSRF token
	u := toUserJSON(currentUser(c))
	out := gin.H{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "disabled": u.Disabled, "user": u}
	if v, ok := c.Get(ctxSession); ok {
		out["csrf_token"] = v.(*models.Session).CSRFToken
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type tokenRequest struct {
	Name string `json:"name"`
}

func (s *Server) createToken(c *gin.Context) error {
	var req tokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 200 {
		return fieldErr(CodeInvalid, "name", "name is required (at most 200 characters)")
	}
	raw := tokenPrefix + randomToken(32)
	t := &models.APIToken{UserID: currentUser(c).ID, Name: req.Name, TokenHash: sha256Hex(raw), CreatedAt: time.Now().UTC()}
	if err := s.store.CreateToken(c.Request.Context(), t); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": t.ID, "name": t.Name, "token": raw, "created_at": t.CreatedAt})
	return nil
}

func (s *Server) listTokens(c *gin.Context) error {
	ts, err := s.store.ListTokens(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	items := make([]gin.H, len(ts))
	for i, t := range ts {
		items[i] = gin.H{"id": t.ID, "name": t.Name, "created_at": t.CreatedAt, "last_used_at": t.LastUsedAt}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
	return nil
}

func (s *Server) deleteToken(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteToken(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
