package node

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/store"
)

// CheckIndexes opens the store of the stopped node in home and compares
// its secondary indexes with what its state implies, one line per module
// to out. It returns an error if any module's index differs.
func CheckIndexes(home string, out io.Writer) error {
	conf, ac, err := LoadConfig(home)
	if err != nil {
		return err
	}
	o := ac.StoreOptions()
	o.BucketCacheBytes, o.ValueCacheBytes = -1, -1 // a check reads each record once
	path := filepath.Join(conf.DBDir(), "corridor.db")
	st, err := store.Open(path, o)
	if err != nil {
		return fmt.Errorf("open the store %s (stop the node first; it holds the store while it runs): %w", path, err)
	}
	defer st.Close()
	reports, err := app.CheckIndexes(st)
	if err != nil {
		return err
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
	if len(bad) > 0 {
		return fmt.Errorf("the indexes of %v differ from what the state implies: listings and searches on this node may be wrong, while the state and its proofs are not; "+
			"restore the node's data from a snapshot or by state sync (docs/operations.md)", bad)
	}
	fmt.Fprintln(out, "every index matches the state")
	return nil
}
