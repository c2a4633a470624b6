package keeper_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/access/keeper"
	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// fakeMembers is an in-memory membership: id -> roles; ids ending in
// "-suspended" are suspended.
type fakeMembers map[string][]mt.Role

func (f fakeMembers) Get(_ base.Reader, id string) (*mt.Member, error) {
	roles, ok := f[id]
	if !ok {
		return nil, nil
	}
	m := &mt.Member{Id: id, Roles: roles, Status: mt.MemberStatus_MEMBER_STATUS_ACTIVE}
	if id == "gone-suspended" {
		m.Status = mt.MemberStatus_MEMBER_STATUS_SUSPENDED
	}
	return m, nil
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

var members = fakeMembers{
	"chongqing":      {mt.Role_ROLE_PROVINCE_AUTHORITY},
	"guangxi":        {mt.Role_ROLE_PROVINCE_AUTHORITY},
	"cq-customs":     {mt.Role_ROLE_CUSTOMS_OFFICE},
	"th-customs":     {mt.Role_ROLE_CUSTOMS_OFFICE},
	"cq-electronics": {mt.Role_ROLE_ENTERPRISE},
	"gx-agri":        {mt.Role_ROLE_ENTERPRISE},
	"landsea-mto":    {mt.Role_ROLE_CARRIER},
	"cq-bank":        {mt.Role_ROLE_BANK},
	"corridor-audit": {mt.Role_ROLE_AUDITOR},
	"gone-suspended": {mt.Role_ROLE_ENTERPRISE},
}

// env applies messages the way the app does: stateless checks, then Handle
// on caches written back only when the message succeeds; endBlock runs the
// expiry queue.
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

func (e *env) ctx(signer string) base.Context {
	ctx := base.NewContext(&e.events)
	ctx.Signer, ctx.Height, ctx.Time = signer, e.height, e.now
	ctx.TxHash = []byte(fmt.Sprintf("tx-%d", e.height))
	return ctx
}

func (e *env) apply(signer string, msg *types.Msg) error {
	e.height++
	e.now = e.now.Add(5 * time.Second)
	if err := e.k.ValidateMsg(msg); err != nil {
		return err
	}
	st, idx := state.NewCache(e.st), state.NewCache(e.idx)
	ctx := e.ctx(signer)
	ctx.State, ctx.Index = st, idx
	if err := e.k.Handle(ctx, msg); err != nil {
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

// advance moves block time on and runs EndBlock.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.height++
	e.now = e.now.Add(d)
	ctx := e.ctx("")
	ctx.State, ctx.Index = e.st, e.idx
	if err := e.k.EndBlock(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) grant(id uint64) *types.Grant {
	e.t.Helper()
	g, err := e.k.GetGrant(e.st, id)
	if err != nil || g == nil {
		e.t.Fatalf("grant %d: %v %v", id, g, err)
	}
	return g
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

func grantMsg(grantee string, scope types.GrantScope, recType, recID string, p types.Purpose, expires time.Time) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Grant{Grant: &types.MsgGrantAccess{
		Grantee: grantee, Scope: scope, RecordType: recType, RecordId: recID, Purpose: p,
		PurposeText: "pre-shipment finance for contract CQB-2026-17", LegalBasis: "Data sharing agreement WLSC-DSA-2026 art. 4",
		ExpiresUnixNano: expires.UnixNano(),
	}}}
}

func revokeMsg(id uint64) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Revoke{Revoke: &types.MsgRevokeGrant{GrantId: id, Reason: "contract ended"}}}
}

const (
	record = types.GrantScope_GRANT_SCOPE_RECORD
	class  = types.GrantScope_GRANT_SCOPE_CLASS
	bill   = types.RecordTypeBill
	decl   = types.RecordTypeDeclaration
	fin    = types.Purpose_PURPOSE_TRADE_FINANCE
	ctl    = types.Purpose_PURPOSE_CUSTOMS_CONTROL
)

// event is a served read of owner's bill by reader through province's node.
func event(n int, reader, owner, province string) *types.AccessEvent {
	id := sha256.Sum256([]byte(fmt.Sprintf("event-%d", n)))
	h := sha256.Sum256([]byte("content"))
	return &types.AccessEvent{
		Id: id[:], Reader: reader, ReaderProvince: "chongqing", NodeId: "node-" + province, Province: province,
		Owner: owner, RecordType: bill, RecordId: fmt.Sprintf("LSC-%04d", n%3), RecordVersion: 1, ContentHash: h[:],
		Purpose: fin, Basis: types.AccessBasis_ACCESS_BASIS_GRANT, GrantId: 1, Result: types.AccessResult_ACCESS_RESULT_SERVED,
		RequestTimeUnixNano: time.Date(2026, 11, 29, 9, 0, n, 0, time.UTC).UnixNano(),
	}
}

func eventsMsg(evs ...*types.AccessEvent) *types.Msg {
	return &types.Msg{Sum: &types.Msg_RecordEvents{RecordEvents: &types.MsgRecordAccessEvents{Events: evs}}}
}
