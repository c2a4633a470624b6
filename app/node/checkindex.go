package node

import (
	"fmt"
	"io"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/store"
)

// CheckIndexes opens the store of the stopped node in home and compares
// its secondary indexes with what its state implies, one line per module
// to out. With repair, it rewrites the indexes from the state if any
// differs, and checks again. It returns an error if an index differs at
// the end.
func CheckIndexes(home string, repair bool, out io.Writer) error {
	conf, ac, err := LoadConfig(home)
	if err != nil {
		return err
	}
	o := ac.StoreOptions()
	o.BucketCacheBytes, o.ValueCacheBytes = -1, -1 // a check reads each record once
	path := storePath(conf)
	st, err := store.Open(path, o)
	if err != nil {
		return fmt.Errorf("open the store %s (stop the node first; it holds the store while it runs): %w", path, err)
	}
	defer st.Close()
	bad, err := reportIndexes(st, out)
	if err != nil || len(bad) == 0 {
		return err
	}
	if repair {
		fmt.Fprintf(out, "rewriting the indexes from the state\n")
		if err := app.RebuildIndexes(st); err != nil {
			return fmt.Errorf("rewrite the indexes: %w (run it again: it starts over)", err)
		}
		if bad, err = reportIndexes(st, out); err != nil || len(bad) == 0 {
			return err
		}
	}
	return fmt.Errorf("the indexes of %v differ from what the state implies: listings and searches on this node may be wrong, while the state and its proofs are not; "+
		"rewrite them with --repair, or restore the node's data from a snapshot or by state sync (docs/operations.md)", bad)
}

// reportIndexes checks the indexes and prints what it found; it returns
// the modules whose index differs.
func reportIndexes(st *store.Store, out io.Writer) ([]string, error) {
	reports, err := app.CheckIndexes(st)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "indexes at height %d, against the state:\n", st.LastCommit().Version)
	var bad []string
	for _, r := range reports {
		fmt.Fprintf(out, "  %s\n", r)
		for _, e := range r.Examples {
			fmt.Fprintf(out, "    %s\n", e)
		}
		if !r.OK() {
			bad = append(bad, r.Module)
		}
	}
	if len(bad) == 0 {
		fmt.Fprintln(out, "every index matches the state")
	}
	return bad, nil
}
