package safe

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestCallReturnsAPanicAsAnError(t *testing.T) {
	var s []int
	err := Call(func() error {
		_ = s[3] // index out of range: a runtime error
		return nil
	})
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want a *PanicError", err, err)
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	if first != "panic: runtime error: index out of range [3] with length 0" {
		t.Errorf("first line %q", first)
	}
	if !strings.Contains(string(pe.Stack), "safe_test.go") {
		t.Errorf("the stack does not name where the panic was raised:\n%s", pe.Stack)
	}
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Errorf("errors.As does not find the runtime error in %v", err)
	}
}

func TestCallReturnsAPanicsValue(t *testing.T) {
	err := Call(func() error { panic("broken page") })
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "broken page" || pe.Unwrap() != nil {
		t.Fatalf("got %#v", err)
	}
}

func TestCallReturnsFnsOwnError(t *testing.T) {
	want := errors.New("no readable text")
	if err := Call(func() error { return want }); err != want {
		t.Fatalf("got %v, want fn's error unchanged", err)
	}
	if err := Call(func() error { return nil }); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
}
