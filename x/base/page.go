package base

import (
	"encoding/base64"
	"fmt"
)

// Page limits for list queries.
const (
	PageLimitDefault = 100
	PageLimitMax     = 1000
)

// PageLimit returns the page size for a requested limit.
func PageLimit(limit uint32) int {
	switch {
	case limit == 0:
		return PageLimitDefault
	case limit > PageLimitMax:
		return PageLimitMax
	default:
		return int(limit)
	}
}

// PageToken encodes the key a listing continues after.
func PageToken(lastKey []byte) string {
	if lastKey == nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(lastKey)
}

// PageStart returns where a listing over [prefix, PrefixEnd(prefix)) resumes
// for a token: just after the token's key, which must lie inside prefix.
func PageStart(prefix []byte, token string) ([]byte, error) {
	if token == "" {
		return prefix, nil
	}
	k, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(k) < len(prefix) || string(k[:len(prefix)]) != string(prefix) {
		return nil, ErrInvalidMsg.Wrapf("page_token %q is not a token of this listing", token)
	}
	return append(k, 0), nil
}

// ListPrefix visits up to limit entries under prefix from a page token and
// returns the token of the next page ("" on the last page).
func ListPrefix(r Reader, prefix []byte, token string, limit int, fn func(key, value []byte) error) (string, error) {
	start, err := PageStart(prefix, token)
	if err != nil {
		return "", err
	}
	n := 0
	var last []byte
	var fnErr error
	more := false
	err = r.Iterate(start, PrefixEnd(prefix), func(k, v []byte) bool {
		if n == limit {
			more = true
			return false
		}
		if fnErr = fn(k, v); fnErr != nil {
			return false
		}
		last = append(last[:0], k...)
		n++
		return true
	})
	if err != nil {
		return "", err
	}
	if fnErr != nil {
		return "", fnErr
	}
	if !more {
		return "", nil
	}
	return PageToken(last), nil
}

// Require returns an ErrInvalidMsg naming field when ok is false.
func Require(ok bool, field, format string, args ...any) error {
	if ok {
		return nil
	}
	return ErrInvalidMsg.Wrapf("%s: %s", field, fmt.Sprintf(format, args...))
}
