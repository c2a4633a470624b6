package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/landsea/corridor/store/storepb"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/keeper"
	"github.com/landsea/corridor/x/bill/types"
)

// committed serves the env's state as if committed (no proofs).
type committed struct{ e *env }

func (c committed) State() base.Reader { return c.e.st }
func (c committed) Index() base.Reader { return c.e.idx }
func (c committed) Height() int64      { return c.e.height }
func (c committed) Prove([]byte) (*storepb.Proof, error) {
	return nil, errors.New("no proofs in keeper tests")
}

// TestQueries: by holder (possession and title), issuer, pledgee and
// status, paginated; location; a bill with its full history. Every answer
// carries records without their protected content.
func TestQueries(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		e.mustApply("landsea-mto", issueMsg(railSea(fmt.Sprintf("Q-%d", i), true), false))
	}
	e.mustApply("beibu-shipping", issueMsg(railSea("Q-9", true), true))
	e.mustApply("cq-electronics", pledgeMsg("Q-1", "cq-bank", e.now.Unix()+86400))
	e.mustApply("cq-electronics", pledgeMsg("Q-3", "cq-bank", e.now.Unix()+86400))
	e.mustApply("cq-electronics", transferMsg("Q-4", "th-importer"))
	e.mustApply("cr-rail", legMsg("Q-2", 0, types.LegEventType_LEG_EVENT_TYPE_ARRIVED, "CNQZH"))
	q, ctx := keeper.NewQueryServer(committed{e}), context.Background()

	var got []string
	token := ""
	for {
		resp, err := q.BillsByHolder(ctx, &types.BillsByHolderRequest{Holder: "cq-electronics", PageToken: token, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range resp.Bills {
			got = append(got, b.Number)
		}
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	if fmt.Sprint(got) != "[Q-0 Q-2]" {
		t.Fatalf("possessed by cq-electronics: %v", got)
	}
	title, _ := q.BillsByHolder(ctx, &types.BillsByHolderRequest{Holder: "cq-electronics", Title: true})
	pledged, _ := q.BillsByPledgee(ctx, &types.BillsByPledgeeRequest{Bank: "cq-bank"})
	byIssuer, _ := q.BillsByIssuer(ctx, &types.BillsByIssuerRequest{Issuer: "landsea-mto", Limit: 3})
	drafts, _ := q.BillsByStatus(ctx, &types.BillsByStatusRequest{Status: types.BillStatus_BILL_STATUS_DRAFT})
	for name, c := range map[string]struct {
		bills []*types.Bill
		want  string
	}{
		"title":   {title.Bills, "[Q-0 Q-1 Q-2 Q-3 Q-4]"},
		"pledgee": {pledged.Bills, "[Q-1 Q-3]"},
		"issuer":  {byIssuer.Bills, "[Q-0 Q-1 Q-2]"},
		"drafts":  {drafts.Bills, "[Q-9]"},
	} {
		if s := numbersOf(c.bills); s != c.want {
			t.Fatalf("%s: %s, want %s", name, s, c.want)
		}
	}
	if byIssuer.NextPageToken == "" {
		t.Fatal("issuer listing of 5 bills by 3 gave no next page")
	}
	loc, err := q.Location(ctx, &types.LocationRequest{Number: "Q-2"})
	if err != nil || loc.LastEvent.GetLocation() != "CNQZH" || loc.LastEvent.LegIndex != 0 || loc.LastEvent.Rec24Code != "1" {
		t.Fatalf("location: %+v %v", loc, err)
	}
	one, err := q.Bill(ctx, &types.BillRequest{Number: "Q-1"})
	if err != nil || len(one.History) != 2 || types.VerifyHistory(one.Bill, one.History, nil) != nil {
		t.Fatalf("bill with history: %+v %v", one, err)
	}
	if one.Bill.Content != nil || one.Withheld == "" || one.Bill.Pledge.GetBank() != "cq-bank" {
		t.Fatalf("public answer: content %v, withheld %q, pledge %v", one.Bill.Content, one.Withheld, one.Bill.Pledge)
	}
	for _, b := range append(append(title.Bills, pledged.Bills...), byIssuer.Bills...) {
		if b.Content != nil {
			t.Fatalf("listing carries the content of %s", b.Number)
		}
	}
	full, _ := e.k.Get(e.st, "Q-1")
	if full.Content.GetShipper().GetMemberId() != "cq-electronics" || types.VerifyHistory(full, one.History, nil) != nil {
		t.Fatalf("keeper's full bill: %v", full.Content)
	}
	if _, err := q.Bill(ctx, &types.BillRequest{Number: "Q-77"}); err == nil {
		t.Fatal("missing bill found")
	}
	if _, err := q.BillsByHolder(ctx, &types.BillsByHolderRequest{Holder: "cq-electronics", PageToken: "!!"}); err == nil {
		t.Fatal("bad page token accepted")
	}
}

func numbersOf(bills []*types.Bill) string {
	var out []string
	for _, b := range bills {
		out = append(out, b.Number)
	}
	return fmt.Sprint(out)
}
