package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// UserAgent names the service to the sites it polls.
const UserAgent = "credence-feed-poller/1 (+https://github.com/credence-project/credence)"

// Limits on one fetch: the bytes of a feed or page read at most, and the time it may take.
const (
	MaxFetchBytes = 8 << 20
	FetchTimeout  = 20 * time.Second
)

// ErrPrivateAddress is a fetch refused because the name resolved to a loopback, private,
// link-local or otherwise internal address (SSRF), unless private addresses are allowed.
var ErrPrivateAddress = errors.New("refused: the address is loopback, private or link-local")

// ErrTooLarge is a feed or page over MaxFetchBytes.
var ErrTooLarge = fmt.Errorf("larger than %d bytes", MaxFetchBytes)

// newClient makes the HTTP client of the poller. The address check runs in the dialer's
// Control function, on the IP actually dialled after DNS resolution, so a redirect to an
// internal host and a name that re-resolves to one (DNS rebinding) are refused too.
func newClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
			}
			if internal(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, Proxy: nil, MaxIdleConnsPerHost: 2,
		TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 15 * time.Second}
	return &http.Client{Transport: tr, Timeout: FetchTimeout, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		return nil
	}}
}

func internal(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a) // carrier-grade NAT, often internal
}

// hostLimiter spaces requests to one host by at least gap: a polite crawler.
type hostLimiter struct {
	gap  time.Duration
	mu   sync.Mutex
	next map[string]time.Time
}

func newHostLimiter(gap time.Duration) *hostLimiter {
	return &hostLimiter{gap: gap, next: map[string]time.Time{}}
}

// wait blocks until host may be asked again, or ctx ends.
func (h *hostLimiter) wait(ctx context.Context, host string) error {
	h.mu.Lock()
	now := time.Now()
	at := h.next[host]
	if at.Before(now) {
		at = now
	}
	h.next[host] = at.Add(h.gap)
	h.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// fetched is one answer: the body (nil for 304 Not Modified) and the validators.
type fetched struct {
	status       int
	body         []byte
	etag         string
	lastModified string
	contentType  string
	finalURL     string
}

// get fetches a URL politely: the host's turn, the User-Agent, the validators of the last
// answer (a conditional request), and at most MaxFetchBytes of body.
func (p *Poller) get(ctx context.Context, rawURL, etag, lastModified string) (*fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: only http and https urls are fetched", rawURL)
	}
	if err := p.hosts.wait(ctx, req.URL.Host); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", UserAgent)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	res, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer res.Body.Close()
	out := &fetched{status: res.StatusCode, etag: res.Header.Get("ETag"), lastModified: res.Header.Get("Last-Modified"),
		contentType: res.Header.Get("Content-Type"), finalURL: res.Request.URL.String()}
	if res.StatusCode == http.StatusNotModified {
		return out, nil
	}
	if res.StatusCode != http.StatusOK {
		return out, fmt.Errorf("fetch %s: status %d", rawURL, res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxFetchBytes+1))
	if err != nil {
		return out, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if len(body) > MaxFetchBytes {
		return out, fmt.Errorf("fetch %s: %w", rawURL, ErrTooLarge)
	}
	out.body = body
	return out, nil
}
