package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/users"
	"github.com/credence-project/credence/models"
)

// Sign-in limits follow OWASP's "Slow down online guessing attacks with device cookies".
// A browser that signed in to an account before holds a device cookie for it; its attempts
// at that account count on the cookie's own counter, so strangers' wrong guesses (which lock
// the account for unknown browsers) and the address's limit (which locks out every unknown
// browser behind one address) never lock it out. Unknown browsers share the account's
// counter, with a few free attempts and then a growing wait, and the address's counter.
// Every attempt takes its slot before the password is checked, atomically
// (models.TakeAttempts), so simultaneous guesses cannot exceed the limit.

const (
	deviceCookie  = "credence_device"
	deviceTTL     = 365 * 24 * time.Hour
	maxEmailBytes = users.MaxEmailBytes
)

// login checks a password within the limits above and starts a new session (a fresh id at
// every sign-in, so a planted cookie is worthless).
func (s *Server) login(c *gin.Context) error {
	c.Header("Cache-Control", "no-store") // the answer carries the CSRF token
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	switch {
	case req.Email == "":
		return fieldErr(CodeInvalid, "email", "email and password are required")
	case req.Password == "":
		return fieldErr(CodeInvalid, "password", "email and password are required")
	}
	if len(req.Email) > maxEmailBytes {
		return fieldErr(CodeInvalid, "email", "an email address has at most %d bytes", maxEmailBytes)
	}
	ctx := c.Request.Context()
	req.Email = annotate.NormaliseEmail(req.Email)
	u, err := s.store.UserByEmail(ctx, req.Email)
	if errors.Is(err, models.ErrNotFound) {
		u = nil
	} else if err != nil {
		return err
	}
	limits, err := s.takeAttempt(c, req.Email, u)
	if err != nil {
		return err
	}
	hash := s.standInHash()
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	s.passwordChecks.Add(1)
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || u == nil || u.Disabled {
		return errf(CodeInvalidLogin, "wrong email or password, or the account is disabled")
	}
	return s.startSession(c, u, limits)
}

// signInLimits are what an attempt at an account counts against.
type signInLimits struct {
	device string // the device cookie's hash when the browser holds one of the account, else ""
	keys   []models.AttemptLimit
}

// takeAttempt counts the attempt before the password is checked: on the browser's device
// cookie if it holds one of the account and that is not locked, else on the account's
// counter for unknown browsers and the address's. A refused attempt is a 429.
func (s *Server) takeAttempt(c *gin.Context, email string, u *models.User) (signInLimits, error) {
	ctx := c.Request.Context()
	now := s.now()
	if dev := s.knownDevice(c, u); dev != "" {
		l := signInLimits{device: dev, keys: []models.AttemptLimit{{Key: "device:" + dev, Max: s.cfg.LoginMaxFailures, Window: s.cfg.LoginWindow}}}
		ok, _, err := s.store.TakeAttempts(ctx, now, l.keys...)
		if err != nil || ok {
			return l, err
		}
		// A locked device cookie is an unknown browser again (OWASP's algorithm).
	}
	l := signInLimits{keys: []models.AttemptLimit{
		{Key: "email:" + email, Max: s.cfg.LoginMaxFailures, Window: s.cfg.LoginWindow, Free: s.cfg.LoginFreeAttempts, Step: s.cfg.LoginThrottleStep},
		{Key: "ip:" + c.ClientIP(), Max: s.cfg.LoginMaxPerIP, Window: s.cfg.LoginWindow, Free: s.cfg.LoginMaxPerIP},
	}}
	ok, wait, err := s.store.TakeAttempts(ctx, now, l.keys...)
	if err != nil {
		return l, err
	}
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return l, errf(CodeRateLimited, "too many failed sign-ins; try again in %s", wait.Round(time.Second))
	}
	return l, nil
}

// knownDevice is the hash of the browser's device cookie if it is one of this account's.
func (s *Server) knownDevice(c *gin.Context, u *models.User) string {
	v, err := c.Cookie(deviceCookie)
	if err != nil || v == "" || u == nil {
		return ""
	}
	id := sha256Hex(v)
	owner, err := s.store.DeviceUser(c.Request.Context(), id, time.Now().Add(-deviceTTL))
	if err != nil || owner != u.ID {
		return ""
	}
	return id
}

// startSession follows a right password: the attempt's counters are cleared (the address's
// gets its slot back), the browser gets a new session and a new device cookie.
func (s *Server) startSession(c *gin.Context, u *models.User, l signInLimits) error {
	ctx := c.Request.Context()
	_ = s.store.ClearAttempts(ctx, l.keys[0].Key)
	if len(l.keys) > 1 {
		_ = s.store.ReturnAttempt(ctx, l.keys[1].Key)
	}
	if v, err := c.Cookie(sessionCookie); err == nil {
		_ = s.store.DeleteSession(ctx, sha256Hex(v))
	}
	now := time.Now().UTC() // sessions and device cookies expire by the real clock
	raw := randomToken(32)
	sess := &models.Session{ID: sha256Hex(raw), UserID: u.ID, CSRFToken: randomToken(32), CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return err
	}
	s.setSessionCookie(c, raw, int(s.cfg.SessionTTL.Seconds()))
	dev := randomToken(32)
	if err := s.store.RenewDevice(ctx, l.device, &models.DeviceCookie{ID: sha256Hex(dev), UserID: u.ID, CreatedAt: now}); err == nil {
		http.SetCookie(c.Writer, &http.Cookie{
			Name: deviceCookie, Value: dev, Path: "/api/v1/auth", MaxAge: int(deviceTTL.Seconds()),
			HttpOnly: true, Secure: s.secureCookies(c), SameSite: http.SameSiteStrictMode,
		})
	}
	c.JSON(http.StatusOK, gin.H{"user": toUserJSON(u), "csrf_token": sess.CSRFToken})
	return nil
}
