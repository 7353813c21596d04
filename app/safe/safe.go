// Package safe turns a panic into an error, for code that runs outside a request's own
// goroutine: background jobs, worker goroutines, and third-party parsers reading input from
// outside. gin's recoverer covers only the goroutine of a request; a panic anywhere else ends
// the whole process, with every reviewer's session on it. With Call, such a panic fails the
// piece of work it happened in (a scan, a retraining job, one feed) and is logged with its
// stack, and the service goes on.
//
// A panic is still a bug: its error says where it happened, so that it can be fixed. What
// recover cannot catch (a fatal runtime error such as a concurrent map write, or running out
// of stack) still ends the process.
package safe

import (
	"fmt"
	"runtime/debug"
)

// PanicError is a panic caught by Call: the value passed to panic and the stack of the
// goroutine where it was raised.
type PanicError struct {
	Value any
	Stack []byte
}

// Error is the panic's value and, after a blank line, its stack: the first line is the
// message to show, the rest is for the log.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack) }

// Unwrap gives the panic's value where it is an error (a runtime error, an error passed to
// panic), so that errors.As finds it.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Call runs fn and returns its error, or a *PanicError if fn panics.
func Call(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}
