package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
)

// TestTokensRevokedByPasswordChangeAndDisable: an admin's new password for an account and
// disabling it revoke its API tokens for good: enabling the account again does not bring
// them back.
func TestTokensRevokedByPasswordChangeAndDisable(t *testing.T) {
	e := newEnv(t)
	me := func(tok string) int {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return send(t, http.DefaultClient, req).Status
	}
	if st := me(e.tokens["reviewer"]); st != 200 {
		t.Fatalf("before: %d", st)
	}
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["reviewer"]), map[string]any{"password": "a-new-password"}, 200, nil)
	if st := me(e.tokens["reviewer"]); st != 401 {
		t.Errorf("a token after an admin set a new password: %d, want 401", st)
	}
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["researcher"]), map[string]any{"disabled": true}, 200, nil)
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["researcher"]), map[string]any{"disabled": false}, 200, nil)
	if st := me(e.tokens["researcher"]); st != 401 {
		t.Errorf("a token after disable and enable: %d, want 401", st)
	}
	var list struct{ Items []any }
	b := e.client()
	b.login("researcher@example.org", "password-researcher")
	b.mustJSON("GET", "/api/v1/tokens", nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("the token list after disable and enable: %d tokens, want none", len(list.Items))
	}
}

// TestTokenLastUsedAtUpdates: a token's last_used_at is set when it is used (noted beside the
// request, so the test polls for it), and noted at most once a minute (a busy script's requests
// are not all writes).
func TestTokenLastUsedAtUpdates(t *testing.T) {
	e := newEnv(t)
	lastUsed := func() *time.Time {
		var list struct {
			Items []struct {
				Name       string
				LastUsedAt *time.Time `json:"last_used_at"`
			}
		}
		e.must("researcher", "GET", "/api/v1/tokens", nil, 200, &list)
		if len(list.Items) != 1 {
			t.Fatalf("tokens: %+v", list.Items)
		}
		return list.Items[0].LastUsedAt
	}
	first := pollLastUsed(t, lastUsed, func(v *time.Time) bool { return v != nil })
	if first == nil {
		t.Fatal("last_used_at is null after the token was used")
	}
	if time.Since(*first) > time.Minute || time.Until(*first) > time.Second {
		t.Fatalf("last_used_at %v is not the time of use", first)
	}
	if again := lastUsed(); again == nil || !again.Equal(*first) {
		t.Errorf("a use within a minute wrote last_used_at again: %v, then %v", first, again)
	}
	// Make the note an hour old; the next use notes it again.
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(models.Rebind(e.store.Dialect(), "UPDATE api_tokens SET last_used_at = ? WHERE user_id = ?"), time.Now().UTC().Add(-time.Hour), e.ids["researcher"]); err != nil {
		t.Fatal(err)
	}
	if later := pollLastUsed(t, lastUsed, func(v *time.Time) bool { return v != nil && time.Since(*v) < time.Minute }); later == nil || time.Since(*later) > time.Minute {
		t.Errorf("a use an hour after the last note did not update last_used_at: %v", later)
	}
}

// pollLastUsed reads last_used_at until ok says so or 10 s have passed, and returns the last value.
func pollLastUsed(t *testing.T, read func() *time.Time, ok func(*time.Time) bool) *time.Time {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		v := read()
		if ok(v) || time.Now().After(deadline) {
			return v
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeleteUserWhoseRenamedAddressIsTaken: deleting an account renames its address to
// deleted-N+address; someone may have taken that address already, which must not be a 500.
func TestDeleteUserWhoseRenamedAddressIsTaken(t *testing.T) {
	e := newEnv(t)
	var u struct{ ID int64 }
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "ann@example.org", "name": "Ann", "role": "reviewer", "password": "long-enough"}, 201, &u)
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "deleted-" + itoa(u.ID) + "+ann@example.org", "name": "Squatter", "role": "reviewer", "password": "long-enough"}, 201, nil)
	e.must("admin", "DELETE", "/api/v1/users/"+itoa(u.ID), nil, 204, nil)
	// The address is free again, and the squatter's is untouched.
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "ann@example.org", "name": "Ann 2", "role": "reviewer", "password": "long-enough"}, 201, nil)
	if r := e.client().login("deleted-"+itoa(u.ID)+"+ann@example.org", "long-enough"); r.Status != 200 {
		t.Errorf("the squatter's account: %d", r.Status)
	}
}

// TestNamesNormalisedAndChecked: outlet names, aliases and emails are stored in NFC (so
// "Café" typed two ways is one name), invisible and bidirectional control characters are
// refused, and names mixing scripts are flagged in the answer's warnings.
func TestNamesNormalisedAndChecked(t *testing.T) {
	e := newEnv(t)
	const composed, decomposed = "Caf\u00e9 Daily", "Cafe\u0301 Daily"
	var o struct {
		ID       int64
		Name     string
		Aliases  []string
		Warnings []struct{ Field, Code, Message string }
	}
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": decomposed, "aliases": []string{"Le Cafe\u0301"}}, 201, &o)
	if o.Name != composed || o.Aliases[0] != "Le Caf\u00e9" || len(o.Warnings) != 0 {
		t.Fatalf("stored %+q, aliases %+q, warnings %v: want NFC and no warnings", o.Name, o.Aliases, o.Warnings)
	}
	if r := e.do("admin", "POST", "/api/v1/outlets", map[string]any{"name": composed}); r.Status != 409 || r.errCode() != "duplicate" {
		t.Errorf("the same name in NFC: %d %s, want 409 duplicate", r.Status, r.Body)
	}
	for name, bad := range map[string]string{
		"right-to-left override": "Daily \u202Emoc.live", "isolate": "Daily \u2067x\u2069",
		"zero-width space": "Dai\u200Bly", "soft hyphen": "Dai\u00ADly", "control": "Dai\x07ly",
	} {
		for _, body := range []map[string]any{{"name": bad}, {"name": "Fine " + name, "aliases": []string{bad}}} {
			if r := e.do("admin", "POST", "/api/v1/outlets", body); r.Status != 422 || r.errCode() != "invalid" {
				t.Errorf("%s in %v: %d %s, want 422 invalid", name, body, r.Status, r.Body)
			}
		}
		if r := e.do("admin", "POST", "/api/v1/users", map[string]any{"email": "x@example.org", "name": bad, "role": "reviewer", "password": "long-enough"}); r.Status != 422 {
			t.Errorf("%s in a user's name: %d, want 422", name, r.Status)
		}
	}
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": "\u0420aypal News"}, 201, &o) // Cyrillic Р
	if len(o.Warnings) != 1 || o.Warnings[0].Code != "mixed_scripts" || o.Warnings[0].Field != "name" || !strings.Contains(o.Warnings[0].Message, "Cyrillic") {
		t.Errorf("a Latin name with a Cyrillic letter: warnings %+v, want one mixed_scripts on name", o.Warnings)
	}
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(o.ID), nil, 200, &o)
	if len(o.Warnings) != 1 {
		t.Errorf("the warning is not shown when the outlet is read: %+v", o.Warnings)
	}
	var u struct{ Email string }
	e.must("admin", "POST", "/api/v1/users", map[string]any{"email": "Jose\u0301@Example.org", "name": "Jose\u0301", "role": "reviewer", "password": "long-enough"}, 201, &u)
	if u.Email != "jos\u00e9@example.org" {
		t.Errorf("email stored as %+q, want NFC lower case", u.Email)
	}
	if r := e.client().login("jos\u00e9@example.org", "long-enough"); r.Status != 200 {
		t.Errorf("sign-in with the NFC address: %d", r.Status)
	}
	if r := e.do("admin", "POST", "/api/v1/users", map[string]any{"email": "jos\u00e9@example.org", "name": "J", "role": "reviewer", "password": "long-enough"}); r.Status != 409 {
		t.Errorf("the same address in NFC: %d, want 409", r.Status)
	}
}
