package users_test

import (
	"context"
	"errors"
	"testing"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/users"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestUsersServiceRules: the account rules hold without HTTP: required fields named, a bad
// email or role refused, a short password refused, a duplicate refused by the store, and an
// admin can neither demote, disable nor delete their own account.
func TestUsersServiceRules(t *testing.T) {
	ctx := context.Background()
	svc := users.New(modeltest.Open(t), 4)
	code := func(err error) string { return annotate.ErrorCode(err) }

	if _, err := svc.Create(ctx, 0, users.Fields{}); code(err) != annotate.CodeInvalid {
		t.Fatalf("empty create: %v", err)
	}
	for _, c := range []struct{ email, role, password, field string }{
		{"not an email", "admin", "long-enough", "email"},
		{"a@example.org", "editor", "long-enough", "role"},
		{"a@example.org", "admin", "short", "password"},
	} {
		_, err := svc.Add(ctx, 0, c.email, "A", c.role, c.password)
		var de *annotate.Error
		if !errors.As(err, &de) || de.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c, err, c.field)
		}
	}
	admin, err := svc.Add(ctx, 0, "admin@example.org", "  Admin  ", "admin", "admin-password")
	if err != nil || admin.Name != "Admin" {
		t.Fatalf("create: %+v %v", admin, err)
	}
	if _, err := svc.Add(ctx, 0, "admin@example.org", "Again", "admin", "admin-password"); !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	reviewer := "reviewer"
	yes := true
	if _, err := svc.Update(ctx, admin.ID, admin.ID, users.Fields{Role: &reviewer}); code(err) != users.CodeSelfLockout {
		t.Errorf("self-demotion: %v", err)
	}
	if _, err := svc.Update(ctx, admin.ID, admin.ID, users.Fields{Disabled: &yes}); code(err) != users.CodeSelfLockout {
		t.Errorf("self-disable: %v", err)
	}
	if err := svc.Delete(ctx, admin.ID, admin.ID); code(err) != users.CodeSelfLockout {
		t.Errorf("self-delete: %v", err)
	}
	other, err := svc.Create(ctx, admin.ID, users.Fields{Email: ptr("r@example.org"), Name: ptr("R"), Role: &reviewer, Password: ptr("reviewer-password"), Disabled: &yes})
	if err != nil || !other.Disabled {
		t.Fatalf("create disabled: %+v %v", other, err)
	}
	if err := svc.Delete(ctx, admin.ID, other.ID); err != nil {
		t.Fatalf("delete another: %v", err)
	}
}

func ptr(s string) *string { return &s }
