// Package rampart is the application's vocabulary: the entities, validation
// rules, service and storage interfaces, and error kinds shared by every
// product family. It imports only the standard library; adapters (sqlite,
// httpapi, engine, proxy) depend on it, never the other way round.
package rampart

import (
	"errors"
	"fmt"
)

// Kind classifies an application error. Kinds are deliberately generic; each
// product family's HTTP layer maps them to its own status codes and envelope.
type Kind string

// Error kinds.
const (
	KindInvalid      Kind = "invalid"      // bad input: a field is missing, malformed or out of range
	KindNotFound     Kind = "not_found"    // the addressed resource does not exist
	KindConflict     Kind = "conflict"     // the request conflicts with existing state (duplicate, rule clash)
	KindInUse        Kind = "in_use"       // the resource is referenced by another and cannot be removed
	KindQuota        Kind = "quota"        // a configured limit would be exceeded
	KindUnauthorized Kind = "unauthorized" // the caller is not authenticated
	KindForbidden    Kind = "forbidden"    // the caller may not act on this resource
	KindExpired      Kind = "expired"      // a credential has expired
	KindLocked       Kind = "locked"       // a credential is temporarily locked
	KindTooMany      Kind = "too_many"     // rate limit reached
	KindInternal     Kind = "internal"     // anything else; details are never shown to callers
)

// Error is the one application error type. Code, when set, is the product
// family's own error code (for example "WAF.00021009"); when empty the family
// renderer picks its default code for Kind. Field names the offending input
// field, if any. Message is safe to show to the caller.
type Error struct {
	Kind    Kind
	Code    string
	Field   string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("rampart %s (%s): %s", e.Kind, e.Code, e.Message)
	}
	return fmt.Sprintf("rampart %s: %s", e.Kind, e.Message)
}

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a KindInvalid error naming field, with a formatted message.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WithCode returns a copy of e carrying the family error code.
func (e *Error) WithCode(code string) *Error {
	c := *e
	c.Code = code
	return &c
}

// ErrorKind returns the kind of err, or KindInternal when err is not an
// application error. A nil err has no kind ("").
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as an *Error. Errors that are not application errors
// become a KindInternal error whose message hides the cause.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Message: "Internal error."}
}
