package keeper_test

import (
	"testing"

	"github.com/landsea/corridor/internal/mdtable"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/keeper"
	"github.com/landsea/corridor/x/bill/types"
)

const tableNumber = "LSM-CQ-2026-000917"

// tableRow is one row of the README's (state, action) table.
type tableRow struct {
	state, action string
	cells         [6]string // issuer, title holder, possessor, bank, leg carrier, other
	result        string
}

// readTable parses the every-case table out of x/bill/README.md.
func readTable(t *testing.T) []tableRow {
	t.Helper()
	var rows []tableRow
	for _, f := range mdtable.Rows(t, "../README.md", "| state | action | issuer |", 9) {
		r := tableRow{state: f[0], action: f[1], result: f[8]}
		copy(r.cells[:], f[2:8])
		rows = append(rows, r)
	}
	return rows
}

// actorsIn returns who stands in each column in a row's state.
func actorsIn(state string) [6]string {
	title, possessor := "cq-electronics", "cq-electronics"
	switch state {
	case "ISSUED (possession transferred)":
		possessor = "th-importer"
	case "PLEDGED":
		possessor = "cq-bank"
	case "PENDING_SURRENDER_FOR_DELIVERY", "PENDING_SURRENDER_FOR_AMENDMENT", "SURRENDERED_FOR_DELIVERY", "VOID":
		possessor = "landsea-mto"
	}
	return [6]string{"landsea-mto", title, possessor, "cq-bank", "cr-rail", "gx-agri"}
}

// bringTo returns a fresh ledger with the table's bill in state.
func bringTo(t *testing.T, state string) *env {
	e := newEnv(t)
	n := tableNumber
	if state == "DRAFT" {
		e.mustApply("landsea-mto", issueMsg(railSea(n, true), true))
		return e
	}
	e.mustApply("landsea-mto", issueMsg(railSea(n, true), false))
	steps := map[string][]struct {
		signer string
		msg    *types.Msg
	}{
		"ISSUED (possession transferred)": {{"cq-electronics", transferMsg(n, "th-importer")}},
		"PLEDGED":                         {{"cq-electronics", pledgeMsg(n, "cq-bank", e.now.Unix()+90*86400)}},
		"PENDING_SURRENDER_FOR_DELIVERY":  {{"cq-electronics", surrenderMsg(n, delivery)}},
		"PENDING_SURRENDER_FOR_AMENDMENT": {{"cq-electronics", surrenderMsg(n, amendment)}},
		"SURRENDERED_FOR_DELIVERY":        {{"cq-electronics", surrenderMsg(n, delivery)}, {"landsea-mto", acceptMsg(n, nil)}},
		"VOID":                            {{"cq-electronics", surrenderMsg(n, amendment)}, {"landsea-mto", acceptMsg(n, railSea(n+"-A", true))}},
		"SWITCHED_TO_PAPER":               {{"cq-electronics", paperMsg(n)}},
	}
	for _, s := range steps[state] {
		e.mustApply(s.signer, s.msg)
	}
	return e
}

// actionMsg builds the message of a table action for a bill in state.
func actionMsg(e *env, action, state string) *types.Msg {
	n := tableNumber
	switch action {
	case "ISSUE_DRAFT":
		return issueDraftMsg(n)
	case "TRANSFER":
		return transferMsg(n, "gx-agri")
	case "ENDORSE":
		return endorseMsg(n, "gx-agri")
	case "PLEDGE":
		return pledgeMsg(n, "cq-bank", e.now.Unix()+90*86400)
	case "RELEASE":
		return releaseMsg(n)
	case "ENFORCE":
		return enforceMsg(n)
	case "LEG_EVENT":
		return legMsg(n, 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI")
	case "SURRENDER_FOR_DELIVERY":
		return surrenderMsg(n, delivery)
	case "SURRENDER_FOR_AMENDMENT":
		return surrenderMsg(n, amendment)
	case "ACCEPT_SURRENDER":
		if state == "PENDING_SURRENDER_FOR_AMENDMENT" {
			return acceptMsg(n, railSea(n+"-B", true))
		}
		return acceptMsg(n, nil)
	case "REJECT_SURRENDER":
		return rejectMsg(n)
	case "SWITCH_TO_PAPER":
		return paperMsg(n)
	}
	return nil
}

var cellCodes = map[string]*base.Code{
	"ok":          nil,
	"UNAUTH":      base.ErrUnauthorized,
	"TRANSITION":  base.ErrInvalidTransition,
	"PLEDGED":     types.ErrPledged,
	"INOPERATIVE": types.ErrInoperative,
}

// TestStateMachineTable runs every (state, action, actor) case of the
// README's table against the keeper: each allowed case succeeds and leaves
// the bill in the row's result status, each refused case fails with the
// cell's code before writing anything (env.apply checks that).
func TestStateMachineTable(t *testing.T) {
	rows := readTable(t)
	states := map[string]bool{}
	covered := map[string]bool{}
	for _, r := range rows {
		states[r.state] = true
		covered[r.state+"/"+r.action] = true
	}
	if len(states) != 9 || len(rows) != 9*len(keeper.Ops()) {
		t.Fatalf("table has %d states and %d rows; want 9 and %d", len(states), len(rows), 9*len(keeper.Ops()))
	}
	for s := range states {
		for _, op := range keeper.Ops() {
			if !covered[s+"/"+keeper.OpName(op)] {
				t.Fatalf("table misses %s / %s", s, keeper.OpName(op))
			}
		}
	}
	for _, r := range rows {
		for col, signer := range actorsIn(r.state) {
			code, ok := cellCodes[r.cells[col]]
			if !ok {
				t.Fatalf("%s/%s: unknown cell %q", r.state, r.action, r.cells[col])
			}
			runCell(t, r, signer, code)
		}
	}
}

func runCell(t *testing.T, r tableRow, signer string, code *base.Code) {
	t.Helper()
	e := bringTo(t, r.state)
	err := e.apply(signer, actionMsg(e, r.action, r.state))
	name := r.state + " / " + r.action + " by " + signer
	if code == nil {
		if err != nil {
			t.Fatalf("%s: want ok, got %v", name, err)
		}
		if got := keeper.StatusName(e.bill(tableNumber).Status); got != r.result {
			t.Fatalf("%s: status %s, table says %s", name, got, r.result)
		}
		return
	}
	if err == nil || !isCode(err, code) {
		t.Fatalf("%s: want %s (%s/%d), got %v", name, code.Name, code.Codespace, code.Code, err)
	}
}
