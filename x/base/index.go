package base

import "fmt"

// IndexEmit receives one secondary-index entry that a module's state
// implies.
type IndexEmit func(key, value []byte) error

// record is a stored protobuf record.
type record interface{ Unmarshal([]byte) error }

// EachRecord decodes every record stored under prefix into a fresh value
// from newRec and hands it to fn, stopping at the first error.
func EachRecord[T record](r Reader, prefix []byte, newRec func() T, fn func(T) error) error {
	var ferr error
	err := IteratePrefix(r, prefix, func(key, v []byte) bool {
		rec := newRec()
		if err := rec.Unmarshal(v); err != nil {
			ferr = fmt.Errorf("record %x does not decode: %w", key, err)
			return false
		}
		ferr = fn(rec)
		return ferr == nil
	})
	if err != nil {
		return err
	}
	return ferr
}
