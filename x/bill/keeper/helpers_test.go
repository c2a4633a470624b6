package keeper_test

import (
	"errors"
	"testing"
	"time"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/keeper"
	"github.com/landsea/corridor/x/bill/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// fakeMembers is an in-memory membership: id -> roles. The members in
// suspendedMembers are registered but suspended.
type fakeMembers map[string][]mt.Role

func (f fakeMembers) Get(_ base.Reader, id string) (*mt.Member, error) {
	roles, ok := f[id]
	if !ok {
		return nil, nil
	}
	status := mt.MemberStatus_MEMBER_STATUS_ACTIVE
	if suspendedMembers[id] {
		status = mt.MemberStatus_MEMBER_STATUS_SUSPENDED
	}
	return &mt.Member{Id: id, Roles: roles, Status: status}, nil
}

func (f fakeMembers) MustHaveRole(r base.Reader, id string, roles ...mt.Role) (*mt.Member, error) {
	m, _ := f.Get(r, id)
	if m == nil {
		return nil, base.ErrUnknownSigner.Wrapf("member %q is not registered", id)
	}
	for _, want := range roles {
		if mt.HasRole(m, want) {
			return m, nil
		}
	}
	return nil, base.ErrUnauthorized.Wrapf("member %q lacks %v", id, roles)
}

// members are the genesis demo members the tests use.
var members = fakeMembers{
	"landsea-mto":    {mt.Role_ROLE_CARRIER},
	"cr-rail":        {mt.Role_ROLE_CARRIER},
	"beibu-shipping": {mt.Role_ROLE_CARRIER},
	"cq-electronics": {mt.Role_ROLE_ENTERPRISE},
	"gx-agri":        {mt.Role_ROLE_ENTERPRISE},
	"th-importer":    {mt.Role_ROLE_ENTERPRISE},
	"cq-bank":        {mt.Role_ROLE_BANK},
	"corridor-audit": {mt.Role_ROLE_AUDITOR},
	"yn-forwarder":   {mt.Role_ROLE_ENTERPRISE},
}

// suspendedMembers are registered members whose membership is suspended.
var suspendedMembers = map[string]bool{"yn-forwarder": true}

// env is a keeper over in-memory state, applying each message the way the
// app does: stateless checks, then Handle on a cache that is written back
// only when the message succeeds. The app drops a refused transaction's
// writes (execTx in app/finalize.go, and the app's tests check it), so here
// too a refused message never reaches e.st; what the keeper itself promises
// is that every check comes before the first write, and apply fails the
// test when a refused message left anything in its cache.
type env struct {
	t      *testing.T
	k      keeper.Keeper
	st     *state.Cache
	idx    *state.Cache
	height int64
	now    time.Time
	events []base.Event
}

func newEnv(t *testing.T) *env {
	return &env{t: t, k: keeper.NewKeeper(members), st: state.NewCache(state.MapReader{}), idx: state.NewCache(state.MapReader{}),
		height: 10, now: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)}
}

func (e *env) apply(signer string, msg *types.Msg) error {
	e.t.Helper()
	e.height++
	e.now = e.now.Add(5 * time.Second)
	if err := e.k.ValidateMsg(msg); err != nil {
		return err
	}
	st, idx := state.NewCache(e.st), state.NewCache(e.idx)
	ctx := base.NewContext(&e.events)
	ctx.State, ctx.Index, ctx.Signer, ctx.Height, ctx.Time = st, idx, signer, e.height, e.now
	if err := e.k.Handle(ctx, msg); err != nil {
		if n := st.Len() + idx.Len(); n != 0 {
			e.t.Errorf("refused %T by %s wrote %d keys before refusing (%v)", msg.Sum, signer, n, err)
		}
		return err
	}
	st.Write(e.st)
	idx.Write(e.idx)
	return nil
}

func (e *env) mustApply(signer string, msg *types.Msg) {
	e.t.Helper()
	if err := e.apply(signer, msg); err != nil {
		e.t.Fatalf("%s: %v", signer, err)
	}
}

func (e *env) bill(number string) *types.Bill {
	e.t.Helper()
	b, err := e.k.Get(e.st, number)
	if err != nil || b == nil {
		e.t.Fatalf("bill %s: %v %v", number, b, err)
	}
	return b
}

func (e *env) history(number string) []*types.HistoryEntry {
	e.t.Helper()
	h, err := e.k.History(e.st, number)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func wantCode(t *testing.T, err error, code *base.Code) {
	t.Helper()
	if code == nil {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	if !errors.Is(err, code) {
		t.Fatalf("want %s/%d (%s), got %v", code.Codespace, code.Code, code.Name, err)
	}
}

// railSea is the corridor's typical through bill: Chongqing by rail to
// Qinzhou, then by sea to Laem Chabang.
func railSea(number string, toOrder bool) *types.BillContent {
	return &types.BillContent{
		Number:    number,
		ToOrder:   toOrder,
		Shipper:   &types.Party{MemberId: "cq-electronics", Name: "Chongqing Electronics Co., Ltd."},
		Consignee: &types.Party{MemberId: "th-importer", Name: "Thai Importer Co., Ltd."},
		Goods: []*types.GoodsItem{{
			Descriptions: []string{"Notebook computers"},
			HsCodes:      []string{"847130"},
			CargoItems: []*types.CargoItem{{EquipmentReference: "CSQU3054383",
				GrossWeight:    &types.Quantity{Value: "8450.5", Unit: "KGM"},
				OuterPackaging: &types.Packaging{NumberOfPackages: 320, PackageCode: "CT", Description: "Cartons"}}},
		}},
		Equipment: []*types.Equipment{{EquipmentReference: "CSQU3054383", IsoEquipmentCode: "42G1",
			Seals: []*types.Seal{{Number: "CQ2026-0001", Source: "CAR"}}}},
		Legs: []*types.Leg{
			{Mode: types.TransportMode_TRANSPORT_MODE_RAIL, From: "CNCQI", To: "CNQZH", Carrier: "cr-rail",
				PlannedDeparture: "2026-12-01", PlannedArrival: "2026-12-03"},
			{Mode: types.TransportMode_TRANSPORT_MODE_SEA, From: "CNQZH", To: "THLCH", Carrier: "beibu-shipping",
				PlannedDeparture: "2026-12-04", PlannedArrival: "2026-12-09", VesselName: "Beibu Gulf Star", VoyageNumber: "BG2612S"},
		},
	}
}

func issueMsg(c *types.BillContent, draft bool) *types.Msg {
	return &types.Msg{Sum: &types.Msg_IssueBill{IssueBill: &types.MsgIssueBill{Content: c, Draft: draft}}}
}

func transferMsg(n, to string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Transfer{Transfer: &types.MsgTransfer{Number: n, To: to}}}
}

func endorseMsg(n, to string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Endorse{Endorse: &types.MsgEndorse{Number: n, To: to}}}
}

func pledgeMsg(n, bank string, expires int64) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Pledge{Pledge: &types.MsgPledge{Number: n, Bank: bank, AmountMinor: 250_000_000,
		Currency: "CNY", AgreementReference: "CQB-PF-2026-0917", ExpiresUnix: expires}}}
}

func releaseMsg(n string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Release{Release: &types.MsgRelease{Number: n}}}
}

func enforceMsg(n string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Enforce{Enforce: &types.MsgEnforce{Number: n}}}
}

func legMsg(n string, leg uint32, typ types.LegEventType, loc string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_LegEvent{LegEvent: &types.MsgRecordLegEvent{Number: n, LegIndex: leg, Type: typ, Location: loc}}}
}

func surrenderMsg(n string, p types.SurrenderPurpose) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Surrender{Surrender: &types.MsgSurrender{Number: n, Purpose: p}}}
}

func acceptMsg(n string, amended *types.BillContent) *types.Msg {
	return &types.Msg{Sum: &types.Msg_AcceptSurrender{AcceptSurrender: &types.MsgAcceptSurrender{Number: n, Amended: amended}}}
}

func rejectMsg(n string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_RejectSurrender{RejectSurrender: &types.MsgRejectSurrender{Number: n, Remark: "seal number mismatch"}}}
}

func paperMsg(n string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_SwitchToPaper{SwitchToPaper: &types.MsgSwitchToPaper{Number: n}}}
}

func issueDraftMsg(n string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_IssueDraft{IssueDraft: &types.MsgIssueDraft{Number: n}}}
}

const (
	delivery  = types.SurrenderPurpose_SURRENDER_PURPOSE_DELIVERY
	amendment = types.SurrenderPurpose_SURRENDER_PURPOSE_AMENDMENT
)
