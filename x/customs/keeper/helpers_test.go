package keeper_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/keeper"
	"github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// fakeMembers is an in-memory membership for keeper tests.
type fakeMembers map[string]*mt.Member

func (f fakeMembers) MustHaveRole(_ base.Reader, id string, roles ...mt.Role) (*mt.Member, error) {
	m, ok := f[id]
	if !ok {
		return nil, base.ErrUnknownSigner.Wrapf("member %q is not registered", id)
	}
	for _, r := range roles {
		if mt.HasRole(m, r) {
			return m, nil
		}
	}
	return nil, base.ErrUnauthorized.Wrapf("member %q lacks %v", id, roles)
}

func member(id string, role mt.Role, jurisdiction string) *mt.Member {
	return &mt.Member{Id: id, Roles: []mt.Role{role}, Jurisdiction: jurisdiction, Status: mt.MemberStatus_MEMBER_STATUS_ACTIVE}
}

var members = fakeMembers{
	"cq-electronics": member("cq-electronics", mt.Role_ROLE_ENTERPRISE, ""),
	"gx-agri":        member("gx-agri", mt.Role_ROLE_ENTERPRISE, ""),
	"chongqing":      member("chongqing", mt.Role_ROLE_PROVINCE_AUTHORITY, ""),
	"cq-customs":     member("cq-customs", mt.Role_ROLE_CUSTOMS_OFFICE, "CN-chongqing"),
	"nn-customs":     member("nn-customs", mt.Role_ROLE_CUSTOMS_OFFICE, "CN-guangxi"),
	"th-customs":     member("th-customs", mt.Role_ROLE_CUSTOMS_OFFICE, "TH"),
	"la-customs":     member("la-customs", mt.Role_ROLE_CUSTOMS_OFFICE, "LA"),
	"cr-rail":        member("cr-rail", mt.Role_ROLE_CARRIER, ""),
}

// env is a keeper over in-memory state, executing one message per "block".
type env struct {
	t      *testing.T
	k      keeper.Keeper
	state  *state.Cache
	index  *state.Cache
	events []base.Event
	height int64
	time   time.Time
}

func newEnv(t *testing.T) *env {
	return &env{t: t, k: keeper.NewKeeper(members), state: state.NewCache(state.MapReader{}), index: state.NewCache(state.MapReader{}),
		time: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)}
}

// exec runs msg signed by signer in a new block; a failed message leaves
// no writes, as in the app.
func (e *env) exec(signer string, msg *types.Msg) error {
	e.height++
	e.time = e.time.Add(5 * time.Second)
	st, ix := state.NewCache(e.state), state.NewCache(e.index)
	ctx := base.NewContext(&e.events)
	ctx.Height, ctx.Time, ctx.Signer, ctx.State, ctx.Index = e.height, e.time, signer, st, ix
	ctx.TxHash = []byte{byte(e.height)}
	if err := e.k.Handle(ctx, msg); err != nil {
		return err
	}
	st.Write(e.state)
	ix.Write(e.index)
	return nil
}

func (e *env) mustExec(signer string, msg *types.Msg) {
	e.t.Helper()
	if err := e.exec(signer, msg); err != nil {
		e.t.Fatalf("%s: %v", signer, err)
	}
}

func submit(d *types.Declaration) *types.Msg {
	return &types.Msg{Sum: &types.Msg_SubmitDeclaration{SubmitDeclaration: &types.MsgSubmitDeclaration{Declaration: d}}}
}

func batch(ds ...*types.Declaration) *types.Msg {
	return &types.Msg{Sum: &types.Msg_SubmitDeclarations{SubmitDeclarations: &types.MsgSubmitDeclarations{Declarations: ds}}}
}

func amend(id string, version uint32, d *types.Declaration) *types.Msg {
	return &types.Msg{Sum: &types.Msg_AmendDeclaration{AmendDeclaration: &types.MsgAmendDeclaration{Id: id, Version: version, Declaration: d}}}
}

func decide(id string, version uint32, doc string, d types.Decision, reason string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{Id: id, Version: version, Document: doc, Decision: d, Reason: reason}}}
}

func (e *env) record(id string) *types.DeclarationRecord {
	e.t.Helper()
	bz, err := e.state.Get(types.RecordKey(id))
	if err != nil || bz == nil {
		e.t.Fatalf("record %q: %v (present %v)", id, err, bz != nil)
	}
	rec := &types.DeclarationRecord{}
	if err := rec.Unmarshal(bz); err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func (e *env) version(id string, v uint32) *types.DeclarationVersion {
	e.t.Helper()
	bz, err := e.state.Get(types.VersionKey(id, v))
	if err != nil || bz == nil {
		e.t.Fatalf("version %d of %q: %v (present %v)", v, id, err, bz != nil)
	}
	ver := &types.DeclarationVersion{}
	if err := ver.Unmarshal(bz); err != nil {
		e.t.Fatal(err)
	}
	return ver
}

// wantErr fails unless err has code and mentions text.
func wantErr(t *testing.T, err error, code *base.Code, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s (%s)", code.Name, text)
	}
	if !errors.Is(err, code) || !strings.Contains(err.Error(), text) {
		t.Fatalf("got %v; want %s/%d containing %q", err, code.Codespace, code.Code, text)
	}
}

func docStatus(rec *types.DeclarationRecord, code string) types.DocumentStatus {
	for _, d := range rec.Documents {
		if d.Code == code {
			return d.Status
		}
	}
	return 0
}
