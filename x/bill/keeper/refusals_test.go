package keeper_test

import (
	"strings"
	"testing"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

// TestDoubleIssueRefused: a bill number is used once, ever — while the
// bill lives, after it was voided by an amendment, after it went to paper,
// and as the new number of an amendment.
func TestDoubleIssueRefused(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea("B-1", true), false))
	wantCode(t, e.apply("landsea-mto", issueMsg(railSea("B-1", true), false)), base.ErrAlreadyExists)
	wantCode(t, e.apply("beibu-shipping", issueMsg(railSea("B-1", false), true)), base.ErrAlreadyExists)

	// Voided by amendment: the old number stays taken.
	e.mustApply("cq-electronics", surrenderMsg("B-1", amendment))
	wantCode(t, e.apply("landsea-mto", acceptMsg("B-1", railSea("B-1", true))), base.ErrInvalidMsg) // same number
	e.mustApply("landsea-mto", acceptMsg("B-1", railSea("B-1-A", true)))
	if b := e.bill("B-1"); b.Status != types.BillStatus_BILL_STATUS_VOID || b.ReplacedBy != "B-1-A" {
		t.Fatalf("old bill after amendment: %v replaced by %q", b.Status, b.ReplacedBy)
	}
	wantCode(t, e.apply("landsea-mto", issueMsg(railSea("B-1", true), false)), base.ErrAlreadyExists)

	// An amendment may not take a number in use either.
	e.mustApply("landsea-mto", issueMsg(railSea("B-2", true), false))
	e.mustApply("cq-electronics", surrenderMsg("B-1-A", amendment))
	wantCode(t, e.apply("landsea-mto", acceptMsg("B-1-A", railSea("B-2", true))), base.ErrAlreadyExists)

	// Switched to paper: still taken.
	e.mustApply("cq-electronics", paperMsg("B-2"))
	wantCode(t, e.apply("landsea-mto", issueMsg(railSea("B-2", true), false)), base.ErrAlreadyExists)
	wantCode(t, e.apply("cq-electronics", transferMsg("B-2", "gx-agri")), types.ErrInoperative)
}

// TestDoublePledgeRefused: a pledged bill cannot be pledged again, by the
// pledgor or the bank, and the pledgor can move it in no way until the
// bank releases it.
func TestDoublePledgeRefused(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea("P-1", true), false))
	exp := e.now.Unix() + 90*86400
	e.mustApply("cq-electronics", pledgeMsg("P-1", "cq-bank", exp))
	b := e.bill("P-1")
	if b.Possessor != "cq-bank" || b.TitleHolder != "cq-electronics" || b.Pledge.GetPledgor() != "cq-electronics" {
		t.Fatalf("after pledge: possessor %s, title %s, pledge %+v", b.Possessor, b.TitleHolder, b.Pledge)
	}
	wantCode(t, e.apply("cq-electronics", pledgeMsg("P-1", "cq-bank", exp)), types.ErrPledged)
	wantCode(t, e.apply("cq-bank", pledgeMsg("P-1", "cq-bank", exp)), types.ErrPledged)
	for _, m := range []*types.Msg{transferMsg("P-1", "gx-agri"), endorseMsg("P-1", "gx-agri"),
		surrenderMsg("P-1", delivery), surrenderMsg("P-1", amendment), paperMsg("P-1")} {
		wantCode(t, e.apply("cq-electronics", m), types.ErrPledged)
		wantCode(t, e.apply("cq-bank", m), types.ErrPledged)
	}
	wantCode(t, e.apply("cq-electronics", releaseMsg("P-1")), base.ErrUnauthorized)
	e.mustApply("cq-bank", releaseMsg("P-1"))
	b = e.bill("P-1")
	if b.Possessor != "cq-electronics" || b.Pledge != nil || b.Status != types.BillStatus_BILL_STATUS_ISSUED {
		t.Fatalf("after release: %+v", b)
	}
	wantCode(t, e.apply("cq-bank", releaseMsg("P-1")), base.ErrInvalidTransition)
	// Pledged again and enforced: the bank takes title.
	e.mustApply("cq-electronics", pledgeMsg("P-1", "cq-bank", exp))
	e.mustApply("cq-bank", enforceMsg("P-1"))
	if b = e.bill("P-1"); b.TitleHolder != "cq-bank" || b.Possessor != "cq-bank" {
		t.Fatalf("after enforce: title %s possessor %s", b.TitleHolder, b.Possessor)
	}
}

// TestPledgeArguments: the pledgee must be a bank, the expiry in the
// future, the amount positive fixed-point minor units.
func TestPledgeArguments(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea("P-2", true), false))
	wantCode(t, e.apply("cq-electronics", pledgeMsg("P-2", "gx-agri", e.now.Unix()+86400)), base.ErrUnauthorized)
	wantCode(t, e.apply("cq-electronics", pledgeMsg("P-2", "no-such-bank", e.now.Unix()+86400)), base.ErrNotFound)
	wantCode(t, e.apply("cq-electronics", pledgeMsg("P-2", "cq-bank", e.now.Unix()-1)), base.ErrInvalidMsg)
	m := pledgeMsg("P-2", "cq-bank", e.now.Unix()+86400)
	m.GetPledge().AmountMinor = 0
	wantCode(t, e.apply("cq-electronics", m), base.ErrInvalidMsg)
	m.GetPledge().AmountMinor, m.GetPledge().Currency = 1, "rmb"
	wantCode(t, e.apply("cq-electronics", m), base.ErrInvalidMsg)
}

// TestStraightBill: a straight bill goes only to its consignee (or back to
// its title holder), with code STRAIGHT_BILL otherwise.
func TestStraightBill(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea("S-1", false), false))
	wantCode(t, e.apply("cq-electronics", endorseMsg("S-1", "gx-agri")), types.ErrStraightBill)
	wantCode(t, e.apply("cq-electronics", transferMsg("S-1", "gx-agri")), types.ErrStraightBill)
	e.mustApply("cq-electronics", transferMsg("S-1", "th-importer"))
	// The consignee holds possession only: it cannot endorse, and may only
	// hand possession back to the title holder.
	wantCode(t, e.apply("th-importer", endorseMsg("S-1", "th-importer")), base.ErrUnauthorized)
	wantCode(t, e.apply("th-importer", transferMsg("S-1", "gx-agri")), types.ErrStraightBill)
	e.mustApply("th-importer", transferMsg("S-1", "cq-electronics"))
	e.mustApply("cq-electronics", endorseMsg("S-1", "th-importer"))
	if b := e.bill("S-1"); b.TitleHolder != "th-importer" || b.Possessor != "th-importer" {
		t.Fatalf("after endorsement to consignee: %s / %s", b.TitleHolder, b.Possessor)
	}
	e.mustApply("th-importer", surrenderMsg("S-1", delivery))
	e.mustApply("landsea-mto", acceptMsg("S-1", nil))
	if b := e.bill("S-1"); b.Status != types.BillStatus_BILL_STATUS_SURRENDERED_FOR_DELIVERY {
		t.Fatalf("status %v", b.Status)
	}
}

// TestMoveArguments: a transfer or endorsement must change who holds the
// bill and go to a registered, active member; a holder cannot pledge a bill
// to itself; the issuer accepts a surrender for delivery without amended
// content and one for amendment only with it. Each refusal names the
// argument and says what is wrong with it.
func TestMoveArguments(t *testing.T) {
	const n = "M-1"
	type step struct {
		signer string
		msg    *types.Msg
	}
	cases := []struct {
		name   string
		before []step
		signer string
		msg    *types.Msg
		code   *base.Code
		field  string
		what   string
	}{
		{"transfer to the possessor", nil, "cq-electronics", transferMsg(n, "cq-electronics"),
			base.ErrInvalidMsg, "to:", "cq-electronics already possesses"},
		{"transfer to the possessor, title apart", []step{{"cq-electronics", transferMsg(n, "th-importer")}}, "th-importer", transferMsg(n, "th-importer"),
			base.ErrInvalidMsg, "to:", "th-importer already possesses"},
		{"endorse to the title holder", nil, "cq-electronics", endorseMsg(n, "cq-electronics"),
			base.ErrInvalidMsg, "to:", "cq-electronics already holds title"},
		{"transfer to an unregistered member", nil, "cq-electronics", transferMsg(n, "nobody-here"),
			base.ErrNotFound, "to:", `"nobody-here" is not registered`},
		{"endorse to an unregistered member", nil, "cq-electronics", endorseMsg(n, "nobody-here"),
			base.ErrNotFound, "to:", `"nobody-here" is not registered`},
		{"transfer to a suspended member", nil, "cq-electronics", transferMsg(n, "yn-forwarder"),
			base.ErrMemberSuspended, "to:", `"yn-forwarder" is MEMBER_STATUS_SUSPENDED`},
		{"endorse to a suspended member", nil, "cq-electronics", endorseMsg(n, "yn-forwarder"),
			base.ErrMemberSuspended, "to:", `"yn-forwarder" is MEMBER_STATUS_SUSPENDED`},
		{"pledge to itself", []step{{"cq-electronics", endorseMsg(n, "cq-bank")}}, "cq-bank", pledgeMsg(n, "cq-bank", 2_000_000_000),
			base.ErrInvalidMsg, "bank:", "cannot pledge a bill to itself"},
		{"amended content for a delivery", []step{{"cq-electronics", surrenderMsg(n, delivery)}}, "landsea-mto", acceptMsg(n, railSea(n+"-A", true)),
			base.ErrInvalidMsg, "amended:", "surrendered for delivery, not amendment"},
		{"no amended content for an amendment", []step{{"cq-electronics", surrenderMsg(n, amendment)}}, "landsea-mto", acceptMsg(n, nil),
			base.ErrInvalidMsg, "amended:", "the amended content (with a new number) is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustApply("landsea-mto", issueMsg(railSea(n, true), false))
			for _, s := range tc.before {
				e.mustApply(s.signer, s.msg)
			}
			err := e.apply(tc.signer, tc.msg)
			wantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), tc.what) {
				t.Fatalf("error %q does not name %s or does not say %q", err, tc.field, tc.what)
			}
		})
	}
}

// TestLegEvents: only the leg's carrier records its events; events never
// move title or possession; hand-over and delivery sit on the right legs.
func TestLegEvents(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea("L-1", true), false))
	e.mustApply("cq-electronics", pledgeMsg("L-1", "cq-bank", e.now.Unix()+86400*30))
	before := e.bill("L-1")
	wantCode(t, e.apply("beibu-shipping", legMsg("L-1", 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI")), base.ErrUnauthorized)
	wantCode(t, e.apply("landsea-mto", legMsg("L-1", 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI")), base.ErrUnauthorized)
	wantCode(t, e.apply("cr-rail", legMsg("L-1", 5, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI")), base.ErrInvalidMsg)
	wantCode(t, e.apply("beibu-shipping", legMsg("L-1", 1, types.LegEventType_LEG_EVENT_TYPE_HANDED_OVER, "THLCH")), base.ErrInvalidMsg)
	wantCode(t, e.apply("cr-rail", legMsg("L-1", 0, types.LegEventType_LEG_EVENT_TYPE_DELIVERED, "CNQZH")), base.ErrInvalidMsg)
	wantCode(t, e.apply("cr-rail", legMsg("L-1", 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "cnckg")), base.ErrInvalidMsg)
	// Each event carries the Rec 24 code the README documents for it.
	steps := []struct {
		signer string
		leg    uint32
		typ    types.LegEventType
		loc    string
		code   string
	}{
		{"cr-rail", 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI", "24"},
		{"cr-rail", 0, types.LegEventType_LEG_EVENT_TYPE_ARRIVED, "CNQZH", "1"},
		{"cr-rail", 0, types.LegEventType_LEG_EVENT_TYPE_HANDED_OVER, "CNQZH", "13"},
		{"beibu-shipping", 1, types.LegEventType_LEG_EVENT_TYPE_CUSTOMS_CLEARED, "CNQZH", "12"},
		{"beibu-shipping", 1, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNQZH", "24"},
		{"beibu-shipping", 1, types.LegEventType_LEG_EVENT_TYPE_BORDER_CROSSED, "THLCH", "16"},
		{"beibu-shipping", 1, types.LegEventType_LEG_EVENT_TYPE_ARRIVED, "THLCH", "1"},
		{"beibu-shipping", 1, types.LegEventType_LEG_EVENT_TYPE_DELIVERED, "THLCH", "21"},
	}
	for _, s := range steps {
		e.mustApply(s.signer, legMsg("L-1", s.leg, s.typ, s.loc))
		b := e.bill("L-1")
		if b.TitleHolder != before.TitleHolder || b.Possessor != before.Possessor || b.Status != before.Status {
			t.Fatalf("leg event %v moved the bill: %s/%s/%v", s.typ, b.TitleHolder, b.Possessor, b.Status)
		}
		if b.LastEvent.Type != s.typ || b.LastEvent.Location != s.loc || b.LastEvent.LegIndex != s.leg {
			t.Fatalf("last event %+v", b.LastEvent)
		}
		if b.LastEvent.Rec24Code != s.code {
			t.Fatalf("%v has Rec 24 code %q, want %s", s.typ, b.LastEvent.Rec24Code, s.code)
		}
	}
}

// TestBadInputNamesField: malformed content is refused with a message that
// names the field and says what is wrong.
func TestBadInputNamesField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(c *types.BillContent)
		field string
		what  string // words of the message that say what is wrong
		code  *base.Code
	}{
		{"lower-case number", func(c *types.BillContent) { c.Number = "abc-1" }, "content.number", "characters of A-Z", base.ErrInvalidMsg},
		{"bad locode", func(c *types.BillContent) { c.Legs[0].From = "CN-CQI" }, "content.legs[0].from", "is not a UN/LOCODE", base.ErrInvalidMsg},
		{"broken chain of legs", func(c *types.BillContent) { c.Legs[1].From = "CNNNG" }, "content.legs[1].from", "does not continue the previous leg", base.ErrInvalidMsg},
		{"no mode", func(c *types.BillContent) { c.Legs[1].Mode = 0 }, "content.legs[1].mode", "must be RAIL, SEA, ROAD or INLAND_WATER", base.ErrInvalidMsg},
		{"float weight", func(c *types.BillContent) { c.Goods[0].CargoItems[0].GrossWeight.Value = "8.45e3" }, "gross_weight.value", "is not a decimal number", base.ErrInvalidMsg},
		{"negative weight", func(c *types.BillContent) { c.Goods[0].CargoItems[0].GrossWeight.Value = "-8450.5" },
			"content.goods[0].cargo_items[0].gross_weight.value", "is negative", base.ErrInvalidMsg},
		{"negative net weight", func(c *types.BillContent) {
			c.Goods[0].CargoItems[0].NetWeight = &types.Quantity{Value: "-1", Unit: "KGM"}
		}, "content.goods[0].cargo_items[0].net_weight.value", "is negative", base.ErrInvalidMsg},
		{"bad hs code", func(c *types.BillContent) { c.Goods[0].HsCodes[0] = "8471" }, "content.goods[0].hs_codes[0]", "is not an HS code", base.ErrInvalidMsg},
		{"container check digit", func(c *types.BillContent) { c.Equipment[0].EquipmentReference = "CSQU3054384" }, "equipment_reference", "check digit", base.ErrInvalidMsg},
		{"container listed twice", func(c *types.BillContent) { c.Equipment = append(c.Equipment, c.Equipment[0]) },
			"content.equipment[1].equipment_reference", "CSQU3054383 is listed twice", base.ErrInvalidMsg},
		{"cargo in unknown container", func(c *types.BillContent) { c.Goods[0].CargoItems[0].EquipmentReference = "MSKU0000005" }, "cargo_items[0].equipment_reference", "is not in content.equipment", base.ErrInvalidMsg},
		{"straight bill without consignee member", func(c *types.BillContent) { c.ToOrder = false; c.Consignee.MemberId = "" }, "content.consignee.member_id", "required for a straight bill", base.ErrInvalidMsg},
		{"no shipper member", func(c *types.BillContent) { c.Shipper.MemberId = "" }, "content.shipper.member_id", "required", base.ErrInvalidMsg},
		{"too many legs", func(c *types.BillContent) { c.Legs = manyLegs(types.LegsMax + 1) }, "content.legs", "17 entries, at most 16", base.ErrLimitExceeded},
		{"bad date", func(c *types.BillContent) { c.Legs[0].PlannedArrival = "2026-13-01" }, "content.legs[0].planned_arrival", "is not a date", base.ErrInvalidMsg},
		{"arrival before departure", func(c *types.BillContent) { c.Legs[1].PlannedArrival = "2026-12-03" },
			"content.legs[1]", "planned_arrival 2026-12-03 is before planned_departure 2026-12-04", base.ErrInvalidMsg},
		{"leg from and to the same place", func(c *types.BillContent) { c.Legs[0].To = "CNCQI" },
			"content.legs[0]", "from and to are both CNCQI", base.ErrInvalidMsg},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := railSea("V-1", true)
			tc.edit(c)
			err := e.apply("landsea-mto", issueMsg(c, false))
			wantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.field+":") {
				t.Fatalf("error %q does not name %s", err, tc.field)
			}
			if !strings.Contains(err.Error(), tc.what) {
				t.Fatalf("error %q does not say %q", err, tc.what)
			}
		})
	}

	// Refusals that depend on the ledger's members and bills.
	c := railSea("V-3", true)
	c.Legs[1].Carrier = "gx-agri"
	unknown := railSea("V-4", true)
	unknown.Consignee.MemberId = "nobody-here"
	refusals := []struct {
		name, signer string
		msg          *types.Msg
		code         *base.Code
		names, what  string // what the message names, and what it says about it
	}{
		{"issued by a non-carrier", "cq-electronics", issueMsg(railSea("V-2", true), false), base.ErrUnauthorized, "issuer:", `"cq-electronics" lacks`},
		{"leg carried by a non-carrier", "landsea-mto", issueMsg(c, false), base.ErrUnauthorized, "content.legs[1].carrier:", `"gx-agri" lacks`},
		{"unregistered consignee", "landsea-mto", issueMsg(unknown, false), base.ErrNotFound, "content.consignee.member_id:", `"nobody-here" is not registered`},
		{"no such bill", "cq-electronics", transferMsg("NO-SUCH-BILL", "gx-agri"), base.ErrNotFound, "bill NO-SUCH-BILL", "is not on the ledger"},
		{"no action", "cq-electronics", &types.Msg{}, base.ErrInvalidMsg, "bill:", "no action is set"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			err := newEnv(t).apply(tc.signer, tc.msg)
			wantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.names) || !strings.Contains(err.Error(), tc.what) {
				t.Fatalf("error %q does not name %s or does not say %q", err, tc.names, tc.what)
			}
		})
	}
}

func manyLegs(n int) []*types.Leg {
	codes := []string{"CNCQI", "CNQZH"}
	legs := make([]*types.Leg, n)
	for i := range legs {
		legs[i] = &types.Leg{Mode: types.TransportMode_TRANSPORT_MODE_RAIL, From: codes[i%2], To: codes[(i+1)%2], Carrier: "cr-rail"}
	}
	return legs
}
