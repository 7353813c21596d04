package api

import (
	"strings"
	"testing"
)

// TestNULAndOversizedInputsAre4xx: a NUL byte in a query parameter or the path, and a sign-in
// email longer than an address can be, are refused as bad input on both engines (PostgreSQL
// answered 500 for them: it refuses NUL in text, and a 3 KB key overflows a btree page).
func TestNULAndOversizedInputsAre4xx(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	for _, path := range []string{"/api/v1/outlets?q=a%00b", "/api/v1/audit?entity=%00", "/api/v1/exports/audit?format=csv&entity=%00",
		"/api/v1/exports/audit?entity=x%00", "/api/v1/articles?%00=1", "/api/v1/outlets/1%00"} {
		w := e.call("GET", path, "", nil)
		if w.Code != 400 || !strings.Contains(w.Body.String(), `"bad_request"`) {
			t.Errorf("GET %s: %d %s, want 400 bad_request", path, w.Code, w.Body)
		}
	}
	for name, email := range map[string]string{"3 KB": strings.Repeat("a", 3000) + "@example.org", "255 bytes": strings.Repeat("a", 243) + "@example.org"} {
		w := e.call("POST", "/api/v1/auth/login", "application/json", []byte(`{"email":"`+email+`","password":"wrong-password"}`))
		if w.Code != 422 || !strings.Contains(w.Body.String(), `"field":"email"`) {
			t.Errorf("sign-in with a %s email: %d %s, want 422 on email", name, w.Code, w.Body)
		}
	}
	if w := e.call("POST", "/api/v1/auth/login", "application/json", []byte(`{"email":"`+strings.Repeat("a", 242)+`@example.org","password":"wrong-password"}`)); w.Code != 401 {
		t.Errorf("sign-in with a 254-byte email: %d, want 401", w.Code)
	}
}
