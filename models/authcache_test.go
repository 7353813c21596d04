package models_test

import (
	"database/sql"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// The authentication cache runs on PostgreSQL only; these tests need it.

// cachedStores opens two stores on one fresh PostgreSQL database, as two replicas would, and
// waits until the first one's cache listens.
func cachedStores(t *testing.T) (a, b *models.Store, dsn string) {
	t.Helper()
	if os.Getenv(modeltest.EnvPostgres) == "" {
		t.Skip(modeltest.EnvPostgres + " is not set: the authentication cache is PostgreSQL's")
	}
	dsn = modeltest.DSN(t)
	for _, s := range []**models.Store{&a, &b} {
		st, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		*s = st
	}
	waitFor(t, "the cache to listen", func() bool { return a.AuthCacheStats().Live })
	return a, b, dsn
}

// waitFor polls cond until it holds. The deadline is far beyond a notification's delivery;
// reaching it means the notification or the reconnection never came.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// cachedToken makes a user with a token and authenticates twice, so that the second answer
// comes from the cache (checked by the hit counter).
func cachedToken(t *testing.T, s *models.Store, email, hash string) *models.User {
	t.Helper()
	u := mustUser(t, s, email, "reviewer")
	if err := s.CreateToken(ctx, &models.APIToken{UserID: u.ID, Name: "t", TokenHash: hash, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(ctx, hash); err != nil {
		t.Fatal(err)
	}
	hits := s.AuthCacheStats().Hits
	got, _, err := s.TokenUser(ctx, hash)
	if err != nil || got.ID != u.ID {
		t.Fatalf("TokenUser = %v, %v", got, err)
	}
	if s.AuthCacheStats().Hits != hits+1 {
		t.Fatalf("the second authentication did not come from the cache: %+v", s.AuthCacheStats())
	}
	return u
}

func refused(s *models.Store, hash string) func() bool {
	return func() bool {
		_, _, err := s.TokenUser(ctx, hash)
		return errors.Is(err, models.ErrNotFound)
	}
}

// TestAuthCacheRevokedThroughThisStore: revocation through the same store holds for the very
// next authentication, with no wait (a cache that kept the entry would answer the user).
func TestAuthCacheRevokedThroughThisStore(t *testing.T) {
	a, _, _ := cachedStores(t)
	u := cachedToken(t, a, "same@example.org", "same-token")
	toks, err := a.ListTokens(ctx, u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatal(toks, err)
	}
	if err := a.DeleteToken(ctx, u.ID, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if !refused(a, "same-token")() {
		t.Fatal("a token revoked through this store still authenticates")
	}
	v := cachedToken(t, a, "same2@example.org", "same-token-2")
	yes := true
	if _, err := a.UpdateUser(ctx, 0, v.ID, models.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if !refused(a, "same-token-2")() {
		t.Fatal("a disabled user's token still authenticates")
	}
	w := mustUser(t, a, "sess@example.org", "reviewer")
	sess := &models.Session{ID: "sess-h", UserID: w.ID, CSRFToken: "c", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if err := a.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := a.SessionUser(ctx, "sess-h"); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.DeleteSession(ctx, "sess-h"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.SessionUser(ctx, "sess-h"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a signed-out session: err = %v, want ErrNotFound", err)
	}
}

// TestAuthCacheSeesOtherProcesses changes users, tokens and sessions through another store
// and through plain SQL (as `credence users` or psql would) and checks that the caching
// store stops answering with what it had cached.
func TestAuthCacheSeesOtherProcesses(t *testing.T) {
	a, b, dsn := cachedStores(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	u := cachedToken(t, a, "other1@example.org", "tok-1")
	yes := true
	if _, err := b.UpdateUser(ctx, 0, u.ID, models.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a user disabled elsewhere to be refused", refused(a, "tok-1"))

	u = cachedToken(t, a, "other2@example.org", "tok-2")
	if err := b.DeleteUser(ctx, 0, u.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a user deleted elsewhere to be refused", refused(a, "tok-2"))

	u = cachedToken(t, a, "other3@example.org", "tok-3")
	if _, err := raw.Exec("DELETE FROM api_tokens WHERE token_hash = 'tok-3'"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a token deleted in SQL to be refused", refused(a, "tok-3"))

	u = cachedToken(t, a, "other4@example.org", "tok-4")
	if _, err := raw.Exec("UPDATE users SET role = 'researcher' WHERE id = $1", u.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a role changed in SQL to be seen", func() bool {
		got, _, err := a.TokenUser(ctx, "tok-4")
		return err == nil && got.Role == "researcher"
	})

	w := mustUser(t, a, "other5@example.org", "reviewer")
	sess := &models.Session{ID: "sess-o", UserID: w.ID, CSRFToken: "c", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if err := a.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := a.SessionUser(ctx, "sess-o"); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.DeleteSession(ctx, "sess-o"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a session ended elsewhere to be refused", func() bool {
		_, _, err := a.SessionUser(ctx, "sess-o")
		return errors.Is(err, models.ErrNotFound)
	})
}

// TestAuthCacheListenerLost ends the cache's listening connection from outside and changes a
// user while it may be away: the notification may be lost, so the cache must empty itself
// and answer from the database until it listens again, then listen again.
func TestAuthCacheListenerLost(t *testing.T) {
	a, b, dsn := cachedStores(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for i, hash := range []string{"lost-1", "lost-2"} {
		u := cachedToken(t, a, hash+"@example.org", hash)
		res, err := raw.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", models.AuthListenerName)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n < 1 { // a's, and b's if it listens yet
			t.Fatalf("round %d: no listening connection ended", i)
		}
		yes := true
		if _, err := b.UpdateUser(ctx, 0, u.ID, models.UserPatch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "a user disabled while the listener was away to be refused", refused(a, hash))
		waitFor(t, "the cache to listen again", func() bool { return a.AuthCacheStats().Live })
	}
}
