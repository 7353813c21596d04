package models

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/jackc/pgx/v5"
)

// The authentication cache, on PostgreSQL. Every request authenticates (TokenUser,
// SessionUser), which was one query per request before its own. The cache keeps the answer
// by the token's or session's hash, bounded, and is correct across processes: triggers
// (migration 00017) notify the channel credence_auth with the user's id whenever any process
// changes or deletes a user, session or token, and a connection of the cache's own LISTENs
// and drops that user's entries. The Store's own changes drop them at once, after their
// commit (authChanged), so a revocation through this process holds for its very next
// request; one through another process holds once its notification arrives, normally within
// milliseconds of its commit.
//
// The cache is used only while its listener listens: before the first LISTEN, and from the
// moment the connection is lost until it is back, it is emptied and every request queries
// the database, because notifications sent meanwhile are lost. Re-listening empties it again.
//
// An answer read from the database is kept only if no invalidation came between the start of
// its query and its end (gen): otherwise a query that read a row before a change committed
// could keep the old answer after the change's notification had been handled.
//
// SQLite does not cache: it has no notifications, and other processes (`credence users`)
// write the same file.

const (
	authCacheSize    = 8192            // entries, tokens and sessions together
	authChannel      = "credence_auth" // see migration 00017
	authPingEvery    = 30 * time.Second
	authRetryMaximum = 10 * time.Second
)

// AuthListenerName is the application_name of the cache's listening connection, as
// pg_stat_activity shows it.
const AuthListenerName = "credence auth cache"

type authEntry struct {
	user     User
	userID   int64
	tokenID  int64
	lastUsed *atomic.Int64 // token: when its use was last noted (or read noted), Unix ns
	session  *Session      // session: the session
}

type authCache struct {
	mu     sync.Mutex
	live   bool   // the listener listens: entries may be used and kept
	gen    uint64 // bumped by every invalidation
	lru    *lru.LRU[string, *authEntry]
	byUser map[int64]map[string]struct{}

	hits, misses, invalidations atomic.Int64
	start                       sync.Once
	stop                        context.CancelFunc
	done                        chan struct{}
	poke                        chan struct{} // retry listening now (after a migration)
}

func newAuthCache() *authCache {
	c := &authCache{byUser: map[int64]map[string]struct{}{}, done: make(chan struct{}), poke: make(chan struct{}, 1)}
	c.lru, _ = lru.NewLRU(authCacheSize, func(key string, e *authEntry) { c.unindex(key, e.userID) })
	return c
}

func (c *authCache) unindex(key string, userID int64) {
	if keys := c.byUser[userID]; keys != nil {
		delete(keys, key)
		if len(keys) == 0 {
			delete(c.byUser, userID)
		}
	}
}

// get returns the entry under key while the cache is live.
func (c *authCache) get(key string) (*authEntry, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return nil, false
	}
	e, ok := c.lru.Get(key)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return e, ok
}

// begin is called before a query whose answer may be kept: it returns the generation to pass
// to put, and whether the cache is live.
func (c *authCache) begin() (uint64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.live
}

// put keeps e under key if nothing was invalidated since begin returned gen.
func (c *authCache) put(gen uint64, key string, e *authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.gen != gen {
		return
	}
	c.lru.Add(key, e)
	if c.byUser[e.userID] == nil {
		c.byUser[e.userID] = map[string]struct{}{}
	}
	c.byUser[e.userID][key] = struct{}{}
}

// invalidate drops a user's entries, or every entry for userID 0.
func (c *authCache) invalidate(userID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.invalidations.Add(1)
	if userID == 0 {
		c.lru.Purge()
		return
	}
	for key := range c.byUser[userID] {
		c.lru.Remove(key) // unindexes through the eviction callback
	}
}

// invalidateKey drops one entry.
func (c *authCache) invalidateKey(key string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.invalidations.Add(1)
	c.lru.Remove(key)
}

// setLive empties the cache and starts or stops using it.
func (c *authCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Purge()
	c.live = live
}

// run starts the listener once, on its own connection to dsn (outside the pool). It is
// started after the schema is known to be migrated (Migrate, CheckMigrated).
func (c *authCache) run(dsn string) {
	if c == nil {
		return
	}
	c.start.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		c.stop = cancel
		go c.listen(ctx, dsn)
	})
	select {
	case c.poke <- struct{}{}:
	default:
	}
}

func (c *authCache) close() {
	if c == nil || c.stop == nil {
		return
	}
	c.stop()
	<-c.done
}

// listen keeps a listening connection, reconnecting with a growing pause when it is lost.
func (c *authCache) listen(ctx context.Context, dsn string) {
	defer close(c.done)
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		if err := c.session(ctx, dsn); err == nil {
			pause = 100 * time.Millisecond // it listened: the next loss starts the pauses over
		}
		c.setLive(false)
		select {
		case <-ctx.Done():
		case <-c.poke:
		case <-time.After(pause):
		}
		pause = min(2*pause, authRetryMaximum)
	}
}

var errNoAuthTriggers = errors.New("the database has no authentication triggers (migration 00017)")

// session listens on one connection until it is lost or ctx ends. It returns nil if the cache
// was live on it.
func (c *authCache) session(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	cfg.RuntimeParams["application_name"] = AuthListenerName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+authChannel); err != nil {
		return err
	}
	var triggers int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_trigger WHERE tgname IN ('users_auth_notify', 'sessions_auth_notify', 'api_tokens_auth_notify')").Scan(&triggers); err != nil {
		return err
	}
	if triggers != 3 {
		return errNoAuthTriggers
	}
	// Listening from here on: what changes from now is notified. Emptied as it goes live, so
	// nothing read before is kept.
	c.setLive(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, authPingEvery)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			id, perr := strconv.ParseInt(n.Payload, 10, 64)
			if perr != nil {
				id = 0 // TRUNCATE (an empty payload), or one not understood: drop everything
			}
			c.invalidate(id)
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: make sure the connection is still there, so that a silently
			// lost one does not keep the cache live.
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return nil
			}
		default:
			return nil
		}
	}
}

// AuthCacheStats describe the authentication cache, for /metrics.
type AuthCacheStats struct {
	Live                        bool // listening: the cache is in use
	Entries                     int
	Hits, Misses, Invalidations int64
}

// AuthCacheStats reports the authentication cache; zero on SQLite, which has none.
func (s *Store) AuthCacheStats() AuthCacheStats {
	c := s.auth
	if c == nil {
		return AuthCacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return AuthCacheStats{Live: c.live, Entries: c.lru.Len(), Hits: c.hits.Load(), Misses: c.misses.Load(), Invalidations: c.invalidations.Load()}
}

// authChanged drops a user's cached authentication after the Store changed the user, their
// sessions or tokens (0: everyone's), so that the change holds for the next request at once.
func (s *Store) authChanged(userID int64) { s.auth.invalidate(userID) }
