package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserAddCurator: `credence user add --role curator` creates a curator (issue 14); an
// unknown role is refused with a message naming the roles, and creates nothing.
func TestUserAddCurator(t *testing.T) {
	db := filepath.Join(t.TempDir(), "credence.db")
	t.Setenv("CREDENCE_BCRYPT_COST", "4")
	var out, errOut bytes.Buffer
	args := []string{"user", "add", "--db", db, "--email", "cura@example.org", "--name", "Cura", "--role", "curator", "--password", "curator-password"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("user add --role curator: %v (%s)", err, errOut.String())
	}
	if !strings.Contains(out.String(), "created curator cura@example.org") {
		t.Errorf("output %q", out.String())
	}
	args = []string{"user", "add", "--db", db, "--email", "x@example.org", "--name", "X", "--role", "gold", "--password", "x-password-1"}
	err := run(context.Background(), args, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "curator") {
		t.Errorf("unknown role: %v", err)
	}
}
