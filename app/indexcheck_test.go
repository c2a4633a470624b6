package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/demo"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	at "github.com/landsea/corridor/x/access/types"
	bt "github.com/landsea/corridor/x/bill/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestCheckIndexes runs the whole demo, so that every module has records
// and index entries (members, a proposal, declarations, bills, grants,
// access events and their counters), and checks that the index keyspace is
// exactly what the state implies. Then it damages the index, as a disk
// fault or a faulty upgrade would, and the check names each fault in its
// module.
func TestCheckIndexes(t *testing.T) {
	c := newChain(t)
	c.block()
	for _, s := range demo.Steps() {
		for _, r := range c.block(c.tx(s.Signer, s.Msgs...)).TxResults {
			if r.Code != 0 {
				t.Fatalf("demo step %q: %s", s.Note, r.Log)
			}
		}
	}
	// Reads put access events and their counters on the ledger.
	rec := &memRecorder{}
	e := serveAPI(t, c, rec)
	if _, err := e.readAs("cq-bank", at.RecordTypeBill, demo.DemoBillNumber, finance, 0); err != nil {
		t.Fatal(err)
	}
	mustOK(t, c.block(c.tx("chongqing", recordEvents(rec.take()))))
	// An open proposal is listed as open.
	mustOK(t, c.block(c.tx("guangxi", client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_SubmitProposal{SubmitProposal: &mt.MsgSubmitProposal{
		Reason: "breach", Action: &mt.MsgSubmitProposal_MemberRemoval{MemberRemoval: &mt.MemberRemoval{MemberId: "th-importer"}}}}}))))
	if bz, err := c.st.GetAux(mt.OpenProposalKey(2)); err != nil || bz == nil {
		t.Fatalf("the open proposal is not listed: %v", err)
	}

	intact := auxDump(t, c.st)
	reports, err := app.CheckIndexes(c.st)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 4 {
		t.Fatalf("reports: %v", reports)
	}
	for _, r := range reports {
		if !r.OK() || r.Derived == 0 || r.Present != r.Derived {
			t.Fatalf("undamaged index: %v %v", r, r.Examples)
		}
	}

	// One entry goes missing (a member's province listing), one holds
	// another value (a bill listing), one appears that nothing implies (an
	// access listing).
	missing := mt.ProvinceIndexKey("chongqing", "cq-bank")
	differ := bt.IndexKeys(&bt.Bill{Number: demo.DemoBillNumber, Issuer: "landsea-mto"})[0]
	accessStart, _ := at.IndexRange()
	extra := append(accessStart, []byte("no-such-entry")...)
	if _, err := c.st.Stage(nil, []store.Change{{Key: missing, Delete: true}, {Key: differ, Value: []byte{7}}, {Key: extra, Value: []byte{}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.st.Commit(); err != nil {
		t.Fatal(err)
	}
	reports, err = app.CheckIndexes(c.st)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int64{"membership": {1, 0, 0}, "customs": {0, 0, 0}, "bill": {0, 1, 0}, "access": {0, 0, 1}}
	for _, r := range reports {
		w := want[r.Module]
		if r.Missing != w[0] || r.Differ != w[1] || r.Extra != w[2] || r.OK() != (w == [3]int64{}) {
			t.Errorf("damaged index, %s: %v %v", r.Module, r, r.Examples)
		}
	}
	if got := strings.Join(reports[0].Examples, "; "); got != fmt.Sprintf("missing %x", missing) {
		t.Errorf("membership examples: %s", got)
	}
	if got := strings.Join(reports[3].Examples, "; "); got != fmt.Sprintf("extra %x", extra) {
		t.Errorf("access examples: %s", got)
	}

	// Naming extra entries goes through the keyspace in bounded ranges: with
	// two present entries per range, the access module's index takes nine,
	// and an extra entry at each end of it is named, in key order.
	_, accessEnd := at.IndexRange()
	lastExtra := append(bytes.Clone(accessEnd[:len(accessEnd)-1]), accessEnd[len(accessEnd)-1]-1, 0xff, 0xff)
	if bytes.Compare(lastExtra, accessStart) <= 0 {
		t.Fatalf("no room for an entry at the end of the access range %x..%x", accessStart, accessEnd)
	}
	if _, err := c.st.Stage(nil, []store.Change{{Key: lastExtra, Value: []byte{1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.st.Commit(); err != nil {
		t.Fatal(err)
	}
	restore := app.SetExtraPassEntries(2)
	reports, err = app.CheckIndexes(c.st)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if r := reports[3]; r.Extra != 2 || r.Present != r.Derived+2 {
		t.Errorf("access, two extra entries: %v %v", r, r.Examples)
	}
	if got, want := strings.Join(reports[3].Examples, "; "), fmt.Sprintf("extra %x; extra %x", extra, lastExtra); got != want {
		t.Errorf("access examples, in ranges of two entries:\n got %s\nwant %s", got, want)
	}

	// The rebuild gives back, byte for byte, the index the blocks wrote,
	// and leaves the state and the version where they were.
	last := c.st.LastCommit()
	if err := app.RebuildIndexes(c.st); err != nil {
		t.Fatal(err)
	}
	if got := auxDump(t, c.st); got != intact {
		t.Fatalf("rebuilt index differs from the one the blocks wrote:\n got %s\nwant %s", got, intact)
	}
	if lc := c.st.LastCommit(); lc.Version != last.Version || !bytes.Equal(lc.Root, last.Root) {
		t.Fatalf("the rebuild moved the store: %+v, was %+v", lc, last)
	}
	reports, err = app.CheckIndexes(c.st)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if !r.OK() {
			t.Fatalf("after the rebuild: %v", r)
		}
	}
}

// auxDump is the whole index keyspace, in order.
func auxDump(t *testing.T, st *store.Store) string {
	t.Helper()
	var b strings.Builder
	if err := st.IterateAux(nil, nil, func(k, v []byte) bool {
		fmt.Fprintf(&b, "%x=%x\n", k, v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
