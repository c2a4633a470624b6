package main

import (
	"path/filepath"
	"time"

	"cosmossdk.io/log"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
)

// RunIAVL writes the same keys and values into IAVL v1.2.0 on goleveldb,
// saving a version per commit.
func RunIAVL(cfg Config, res *Result) error {
	ldb, err := dbm.NewGoLevelDB("iavl", filepath.Join(cfg.Dir, "iavl"), nil)
	if err != nil {
		return err
	}
	defer ldb.Close()
	tree := iavl.NewMutableTree(idb.NewWrapper(ldb), 100_000, true, log.NewNopLogger())
	p := newProgress("iavl write", cfg.Dir)
	var busy time.Duration
	err = batches(cfg, func(lo, hi int64) error {
		ks, vs := make([][]byte, 0, hi-lo), make([][]byte, 0, hi-lo)
		for i := lo; i < hi; i++ {
			ks, vs = append(ks, key(i)), append(vs, value(i, cfg.ValueBytes))
		}
		start := time.Now()
		for j := range ks {
			if _, err := tree.Set(ks[j], vs[j]); err != nil {
				return err
			}
		}
		if _, _, err := tree.SaveVersion(); err != nil {
			return err
		}
		busy += time.Since(start)
		p.tick(hi, cfg.Keys)
		return nil
	})
	res.IAVLWPS = float64(cfg.Keys) / busy.Seconds()
	logf("iavl write: %.0f writes/s", res.IAVLWPS)
	return err
}
