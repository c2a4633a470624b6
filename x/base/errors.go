package base

import (
	"errors"
	"fmt"
)

// Code is one ABCI result code within a codespace. A Code is an error; Wrapf
// gives an Error with the same code and a message a person can act on.
type Code struct {
	Codespace string
	Code      uint32
	Name      string
}

func (c *Code) Error() string { return c.Name }

// Wrapf returns an error with this code and a formatted message.
func (c *Code) Wrapf(format string, args ...any) error {
	return &Error{code: c, msg: fmt.Sprintf(format, args...)}
}

// Is lets errors.Is match any Error of this code.
func (c *Code) Is(target error) bool {
	t, ok := target.(*Code)
	return ok && t.Codespace == c.Codespace && t.Code == c.Code
}

// Error is a Code with a message.
type Error struct {
	code *Code
	msg  string
}

func (e *Error) Error() string { return e.code.Name + ": " + e.msg }

// Unwrap exposes the code to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.code }

// ABCIInfo returns codespace, code and log for an error. Errors without a
// code are internal errors (code 1): they mean a bug or a storage failure,
// never bad input.
func ABCIInfo(err error) (codespace string, code uint32, log string) {
	if err == nil {
		return "", 0, ""
	}
	var c *Code
	if errors.As(err, &c) {
		return c.Codespace, c.Code, err.Error()
	}
	return ErrInternal.Codespace, ErrInternal.Code, "internal error: " + err.Error()
}

// Codespace of the transaction envelope and of codes every module shares.
const Codespace = "corridor"

// Codes shared by the envelope and all modules. docs/abci-codes.md lists
// them with what a submitter should do about each; keep the two in step.
var (
	ErrInternal          = &Code{Codespace, 1, "internal error"}
	ErrTxDecode          = &Code{Codespace, 2, "tx decode"}
	ErrTxTooLarge        = &Code{Codespace, 3, "tx too large"}
	ErrWrongChainID      = &Code{Codespace, 4, "wrong chain id"}
	ErrBadSignature      = &Code{Codespace, 5, "bad signature"}
	ErrUnknownSigner     = &Code{Codespace, 6, "unknown signer"}
	ErrKeyRevoked        = &Code{Codespace, 7, "key revoked"}
	ErrSequenceReplayed  = &Code{Codespace, 8, "sequence already used"}
	ErrSequenceGap       = &Code{Codespace, 9, "sequence gap"}
	ErrTooManyMessages   = &Code{Codespace, 10, "too many messages"}
	ErrUnauthorized      = &Code{Codespace, 11, "unauthorized"}
	ErrInvalidMsg        = &Code{Codespace, 12, "invalid message"}
	ErrNotFound          = &Code{Codespace, 13, "not found"}
	ErrAlreadyExists     = &Code{Codespace, 14, "already exists"}
	ErrTxTimeout         = &Code{Codespace, 15, "tx timed out"}
	ErrUnsupportedScheme = &Code{Codespace, 16, "unsupported signature scheme"}
	ErrInvalidTransition = &Code{Codespace, 17, "invalid state transition"}
	ErrLimitExceeded     = &Code{Codespace, 18, "limit exceeded"}
	ErrEmptyTx           = &Code{Codespace, 19, "no messages"}
	ErrMemberSuspended   = &Code{Codespace, 20, "member suspended"}
)

// Prefix returns err with the same code and its message prefixed by the
// formatted text, e.g. which message of a transaction failed.
func Prefix(err error, format string, args ...any) error {
	var c *Code
	if !errors.As(err, &c) {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	msg := err.Error()
	var e *Error
	if errors.As(err, &e) {
		msg = e.msg
	}
	return &Error{code: c, msg: fmt.Sprintf(format, args...) + ": " + msg}
}
