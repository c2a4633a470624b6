package base

// Reader reads one keyspace. Iterate visits keys in ascending byte order in
// [start, end); a nil end means no upper bound. fn must not keep key or value
// after it returns; returning false stops the iteration.
type Reader interface {
	Get(key []byte) ([]byte, error)
	Iterate(start, end []byte, fn func(key, value []byte) bool) error
}

// KV is a keyspace a handler may write. Writes are buffered in the block's
// staged state and reach the store only when the block commits; a failed
// transaction's writes are dropped whole.
type KV interface {
	Reader
	Set(key, value []byte)
	Delete(key []byte)
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, or nil when there is none (prefix is all 0xff).
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// IteratePrefix visits every key starting with prefix.
func IteratePrefix(r Reader, prefix []byte, fn func(key, value []byte) bool) error {
	return r.Iterate(prefix, PrefixEnd(prefix), fn)
}
