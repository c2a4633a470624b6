package keeper

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

func testKey(id string, b byte) *types.Key {
	pk := make([]byte, 32)
	pk[0] = b
	return &types.Key{Id: id, Scheme: types.KeyScheme_KEY_SCHEME_ED25519, PublicKey: pk}
}

func genesisCtx(t *testing.T) (base.Context, Keeper) {
	t.Helper()
	var events []base.Event
	ctx := base.NewContext(&events)
	ctx.State, ctx.Index, ctx.Height = state.NewCache(state.MapReader{}), state.NewCache(state.MapReader{}), 1
	gs := &types.GenesisState{}
	for i, p := range types.Provinces {
		gs.Members = append(gs.Members, &types.Member{Id: p.ID, Name: p.Name, Roles: []types.Role{types.Role_ROLE_PROVINCE_AUTHORITY},
			Province: p.ID, Country: "CN", Keys: []*types.Key{testKey("k1", byte(i))}})
	}
	k := Keeper{}
	if err := k.InitGenesis(ctx, gs); err != nil {
		t.Fatal(err)
	}
	return ctx, k
}

func carrier(id, province string) *types.Member {
	return &types.Member{Id: id, Name: "Carrier " + id, Roles: []types.Role{types.Role_ROLE_CARRIER}, Province: province, Country: "CN",
		Keys: []*types.Key{testKey("k1", 99)}}
}

func register(m *types.Member) *types.Msg {
	return &types.Msg{Sum: &types.Msg_RegisterMember{RegisterMember: &types.MsgRegisterMember{Member: m}}}
}

func TestGenesisNeedsEveryProvince(t *testing.T) {
	var events []base.Event
	ctx := base.NewContext(&events)
	ctx.State, ctx.Index = state.NewCache(state.MapReader{}), state.NewCache(state.MapReader{})
	gs := &types.GenesisState{Members: []*types.Member{{Id: "chongqing", Name: "CQ", Roles: []types.Role{types.Role_ROLE_PROVINCE_AUTHORITY},
		Province: "chongqing", Country: "CN", Keys: []*types.Key{testKey("k1", 1)}}}}
	if err := (Keeper{}).InitGenesis(ctx, gs); err == nil {
		t.Fatal("genesis with one province accepted")
	}
}

func TestRegisterMemberRules(t *testing.T) {
	ctx, k := genesisCtx(t)
	ctx.Signer = "chongqing"
	if err := k.Handle(ctx, register(carrier("cq-rail-2", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	got, _ := k.Get(ctx.State, "cq-rail-2")
	if got == nil || got.Status != types.MemberStatus_MEMBER_STATUS_ACTIVE || got.AdmittedHeight != 1 {
		t.Fatalf("registered member: %+v", got)
	}
	cases := []struct {
		name   string
		signer string
		m      *types.Member
		code   *base.Code
	}{
		{"again", "chongqing", carrier("cq-rail-2", "chongqing"), base.ErrAlreadyExists},
		{"other province", "chongqing", carrier("gx-rail", "guangxi"), base.ErrUnauthorized},
		{"not a province", "cq-rail-2", carrier("cq-x", "chongqing"), base.ErrUnauthorized},
		{"unknown signer", "nobody", carrier("cq-y", "chongqing"), base.ErrUnknownSigner},
		{"province role", "chongqing", func() *types.Member {
			m := carrier("cq-z", "chongqing")
			m.Roles = []types.Role{types.Role_ROLE_PROVINCE_AUTHORITY}
			return m
		}(), base.ErrUnauthorized},
	}
	for _, tc := range cases {
		ctx.Signer = tc.signer
		if err := k.Handle(ctx, register(tc.m)); !errors.Is(err, tc.code) {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code.Name)
		}
	}
}

func TestKeyRotationWithOverlap(t *testing.T) {
	ctx, k := genesisCtx(t)
	ctx.Signer = "guangxi"
	add := &types.Msg{Sum: &types.Msg_AddKey{AddKey: &types.MsgAddKey{Key: testKey("k2", 50)}}}
	if err := k.Handle(ctx, add); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(ctx, add); !errors.Is(err, base.ErrAlreadyExists) {
		t.Fatalf("adding k2 twice: %v", err)
	}
	// Revoke k1 from height 10: it signs up to 10, not after.
	revoke := &types.Msg{Sum: &types.Msg_RevokeKey{RevokeKey: &types.MsgRevokeKey{KeyId: "k1", EffectiveHeight: 10}}}
	if err := k.Handle(ctx, revoke); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[int64]error{5: nil, 10: nil, 11: base.ErrKeyRevoked} {
		if _, _, err := k.Authenticate(ctx.State, "guangxi", "k1", h); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("k1 at height %d: %v, want %v", h, err, want)
		}
	}
	if _, _, err := k.Authenticate(ctx.State, "guangxi", "k2", 11); err != nil {
		t.Fatalf("k2 after the overlap: %v", err)
	}
	// k2 is now the only live key after height 10; it cannot be revoked.
	ctx.Height = 11
	last := &types.Msg{Sum: &types.Msg_RevokeKey{RevokeKey: &types.MsgRevokeKey{KeyId: "k2"}}}
	if err := k.Handle(ctx, last); !errors.Is(err, base.ErrInvalidTransition) {
		t.Fatalf("revoking the last key: %v", err)
	}
}

func addKey(k *types.Key) *types.Msg {
	return &types.Msg{Sum: &types.Msg_AddKey{AddKey: &types.MsgAddKey{Key: k}}}
}

func revokeKey(id string, effective int64) *types.Msg {
	return &types.Msg{Sum: &types.Msg_RevokeKey{RevokeKey: &types.MsgRevokeKey{KeyId: id, EffectiveHeight: effective}}}
}

// wantErr fails unless err has code and mentions text.
func wantErr(t *testing.T, err error, code *base.Code, text string) {
	t.Helper()
	if !errors.Is(err, code) || !strings.Contains(err.Error(), text) {
		t.Fatalf("got %v; want %s containing %q", err, code.Name, text)
	}
}

func TestRevokeKeyRules(t *testing.T) {
	ctx, k := genesisCtx(t)
	ctx.Signer = "guangxi"
	wantErr(t, k.Handle(ctx, revokeKey("k9", 0)), base.ErrNotFound, `member "guangxi" has no key "k9"`)

	// Revoked now (effective height not after the current one), k1 cannot
	// be revoked again, though k2 is still live.
	if err := k.Handle(ctx, addKey(testKey("k2", 50))); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(ctx, revokeKey("k1", 0)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, k.Handle(ctx, revokeKey("k1", 0)), base.ErrInvalidTransition, `key "k1" is already revoked`)
	wantErr(t, k.Handle(ctx, revokeKey("k1", 20)), base.ErrInvalidTransition, `key "k1" is already revoked`)
	m, _ := k.Get(ctx.State, "guangxi")
	if key := types.FindKey(m, "k1"); key.Status != types.KeyStatus_KEY_STATUS_REVOKED || key.NotAfterHeight != 1 {
		t.Fatalf("k1 after the refused revocations: %+v", key)
	}
}

// TestRevokeKeyPastItsRotationHeight: a key revoked from a later height is
// revoked once that height has passed; revoking it again cannot bring it
// back to life with a new effective height.
func TestRevokeKeyPastItsRotationHeight(t *testing.T) {
	ctx, k := genesisCtx(t)
	ctx.Signer = "guangxi"
	for _, key := range []*types.Key{testKey("k2", 50), testKey("k3", 51)} {
		if err := k.Handle(ctx, addKey(key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Handle(ctx, revokeKey("k1", 10)); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(ctx, revokeKey("k3", 20)); err != nil {
		t.Fatal(err)
	}
	ctx.Height = 11
	wantErr(t, k.Handle(ctx, revokeKey("k1", 100)), base.ErrInvalidTransition, `key "k1" is already revoked`)
	if _, _, err := k.Authenticate(ctx.State, "guangxi", "k1", 50); !errors.Is(err, base.ErrKeyRevoked) {
		t.Fatalf("k1 at height 50: %v, want it revoked", err)
	}
	wantErr(t, k.Handle(ctx, revokeKey("k1", 0)), base.ErrInvalidTransition, `key "k1" is already revoked`)
	// A pending revocation may be brought forward, not put off.
	wantErr(t, k.Handle(ctx, revokeKey("k3", 21)), base.ErrInvalidTransition, `key "k3" is revoked from height 20; a revocation can be brought forward, not put off to 21`)
	if err := k.Handle(ctx, revokeKey("k3", 15)); err != nil {
		t.Fatalf("bringing k3's revocation forward to 15: %v", err)
	}
	ctx.Height = 16
	if _, _, err := k.Authenticate(ctx.State, "guangxi", "k3", 16); !errors.Is(err, base.ErrKeyRevoked) {
		t.Fatalf("k3 at height 16: %v, want it revoked", err)
	}
	if err := k.Handle(ctx, addKey(testKey("k4", 52))); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(ctx, revokeKey("k4", 30)); err != nil {
		t.Fatal(err)
	}
	// At its rotation height a key still signs, so it may be revoked at once.
	ctx.Height = 30
	if err := k.Handle(ctx, revokeKey("k4", 0)); err != nil {
		t.Fatalf("revoking k4 at its rotation height: %v", err)
	}
}

// TestKeysLimit: a member has at most KeysPerMemberMax keys that can sign;
// revoked keys, and keys past their rotation height, do not count. Its
// record lists at most KeysPerRecordMax keys: adding one to a full record
// drops the revoked key that stopped signing first, and the event says
// which. So a member can rotate its key for ever. A dropped key is kept
// under its own state key, and its id is never given to another key.
func TestKeysLimit(t *testing.T) {
	ctx, k := genesisCtx(t)
	var events []base.Event
	ctx = withEvents(ctx, &events)
	ctx.Signer = "guangxi"
	for i := 2; i <= types.KeysPerMemberMax; i++ {
		if err := k.Handle(ctx, addKey(testKey(fmt.Sprintf("k%d", i), byte(i)))); err != nil {
			t.Fatalf("key %d of %d: %v", i, types.KeysPerMemberMax, err)
		}
	}
	wantErr(t, k.Handle(ctx, addKey(testKey("k9", 9))), base.ErrLimitExceeded, `member "guangxi" has 8 keys that can sign, the most allowed`)
	m, _ := k.Get(ctx.State, "guangxi")
	if len(m.Keys) != types.KeysPerMemberMax || types.FindKey(m, "k9") != nil {
		t.Fatalf("guangxi has %d keys after the refused one", len(m.Keys))
	}
	// A key revoked from a later height counts until that height passes.
	if err := k.Handle(ctx, revokeKey("k1", 5)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, k.Handle(ctx, addKey(testKey("k9", 9))), base.ErrLimitExceeded, "8 keys that can sign")
	ctx.Height = 6
	if err := k.Handle(ctx, addKey(testKey("k9", 9))); err != nil {
		t.Fatalf("a key in place of one past its rotation height: %v", err)
	}

	// Rotate: add a key, revoke the oldest live one, many times over.
	live := []string{"k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}
	revokedAt := map[string]int64{"k1": 5}
	var retired []*types.Key
	for i := 10; i < 10+3*types.KeysPerRecordMax; i++ {
		ctx.Height++
		if err := k.Handle(ctx, revokeKey(live[0], 0)); err != nil {
			t.Fatalf("rotation %d: revoke %s: %v", i, live[0], err)
		}
		revokedAt[live[0]] = ctx.Height
		live = live[1:]
		id := fmt.Sprintf("k%d", i)
		before, _ := k.Get(ctx.State, "guangxi")
		events = events[:0]
		if err := k.Handle(ctx, addKey(testKey(id, byte(i)))); err != nil {
			t.Fatalf("rotation %d: add %s: %v", i, id, err)
		}
		live = append(live, id)
		m, _ := k.Get(ctx.State, "guangxi")
		if len(m.Keys) > types.KeysPerRecordMax {
			t.Fatalf("rotation %d: the record lists %d keys", i, len(m.Keys))
		}
		var dropped string
		for _, a := range events[len(events)-1].Attrs {
			if a.Key == "dropped" {
				dropped = a.Value
			}
		}
		if dropped != "" {
			// The dropped key is the one revoked first of those listed.
			for _, key := range m.Keys {
				if at, ok := revokedAt[key.Id]; ok && at < revokedAt[dropped] {
					t.Fatalf("rotation %d: dropped %s (revoked at %d), but %s was revoked at %d", i, dropped, revokedAt[dropped], key.Id, at)
				}
			}
			delete(revokedAt, dropped)
			want := types.FindKey(before, dropped)
			got, err := k.RetiredKey(ctx.State, "guangxi", dropped)
			if err != nil || got == nil || !proto.Equal(got, want) {
				t.Fatalf("rotation %d: retired key %s = %v, %v; want the key the record listed, %v", i, dropped, got, err, want)
			}
			retired = append(retired, want)
		} else if got, err := k.RetiredKey(ctx.State, "guangxi", id); got != nil || err != nil {
			t.Fatalf("rotation %d: a retired key %s (%v, %v) where none was dropped", i, id, got, err)
		}
		if full := len(before.Keys) == types.KeysPerRecordMax; full != (dropped != "") {
			t.Fatalf("rotation %d: a record of %d keys, dropped %q", i, len(before.Keys), dropped)
		}
		if want := len(live) + len(revokedAt); len(m.Keys) != want {
			t.Fatalf("rotation %d: the record lists %d keys, want %d", i, len(m.Keys), want)
		}
		for _, id := range live {
			if _, _, err := k.Authenticate(ctx.State, "guangxi", id, ctx.Height); err != nil {
				t.Fatalf("rotation %d: live key %s: %v", i, id, err)
			}
		}
	}
	if m, _ := k.Get(ctx.State, "guangxi"); len(m.Keys) != types.KeysPerRecordMax {
		t.Fatalf("after many rotations the record lists %d keys, want %d", len(m.Keys), types.KeysPerRecordMax)
	}
	// k1 to k9 and the rotations' keys, less the full record's.
	if added := types.KeysPerMemberMax + 1 + 3*types.KeysPerRecordMax; len(retired) != added-types.KeysPerRecordMax {
		t.Fatalf("%d keys dropped over the rotations; %d added, %d listed", len(retired), added, types.KeysPerRecordMax)
	}
	// A dropped key's id names no new key, whatever its public key; the
	// record is as it was.
	ctx.Height++
	if err := k.Handle(ctx, revokeKey(live[0], 0)); err != nil {
		t.Fatal(err)
	}
	before, _ := k.Get(ctx.State, "guangxi")
	for _, old := range []*types.Key{retired[0], retired[len(retired)-1]} {
		wantErr(t, k.Handle(ctx, addKey(testKey(old.Id, 200))), base.ErrAlreadyExists,
			fmt.Sprintf(`member "guangxi" had a key %q (added at height %d, dropped from the record since); a key id is never used twice`, old.Id, old.AddedHeight))
	}
	if after, _ := k.Get(ctx.State, "guangxi"); !proto.Equal(after, before) {
		t.Fatal("a refused key changed the record")
	}
	if err := k.Handle(ctx, addKey(testKey("k-new", 201))); err != nil {
		t.Fatalf("a fresh id after the refusals: %v", err)
	}
	// Another member may use the id.
	if got, err := k.RetiredKey(ctx.State, "chongqing", retired[0].Id); got != nil || err != nil {
		t.Fatalf("chongqing has a retired key %s: %v, %v", retired[0].Id, got, err)
	}
}

// withEvents is ctx with its events appended to events.
func withEvents(ctx base.Context, events *[]base.Event) base.Context {
	c := base.NewContext(events)
	c.State, c.Index, c.Height, c.Time, c.Signer = ctx.State, ctx.Index, ctx.Height, ctx.Time, ctx.Signer
	return c
}

func suspend(id, reason string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_SuspendMember{SuspendMember: &types.MsgSuspendMember{MemberId: id, Reason: reason}}}
}

func reinstate(id, reason string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_ReinstateMember{ReinstateMember: &types.MsgReinstateMember{MemberId: id, Reason: reason}}}
}

// TestSuspendAndReinstate: the province that admitted a member suspends
// it, and the member then signs nothing, until that province reinstates
// it. No other member can, no province is suspended this way, and each
// change is refused when it changes nothing or gives no reason; a refused
// change leaves the record as it was. Each change is an event naming who
// made it and why.
func TestSuspendAndReinstate(t *testing.T) {
	ctx, k := genesisCtx(t)
	var events []base.Event
	ctx = withEvents(ctx, &events)
	ctx.Signer = "chongqing"
	if err := k.Handle(ctx, register(carrier("cq-rail-2", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	ctx.Signer = "guangxi"
	if err := k.Handle(ctx, register(carrier("gx-rail", "guangxi"))); err != nil {
		t.Fatal(err)
	}
	before, _ := k.Get(ctx.State, "cq-rail-2")
	for _, tc := range []struct {
		name, signer string
		msg          *types.Msg
		code         *base.Code
		says         string
	}{
		{"by another province", "guangxi", suspend("cq-rail-2", "stolen key"), base.ErrUnauthorized, `admitted by province "chongqing"; only that province`},
		{"by a member that is no province", "gx-rail", suspend("cq-rail-2", "stolen key"), base.ErrUnauthorized, "holds"},
		{"a province", "chongqing", suspend("guangxi", "dispute"), base.ErrUnauthorized, "the 15 provinces are not suspended"},
		{"itself", "chongqing", suspend("chongqing", "test"), base.ErrUnauthorized, "is a province authority"},
		{"unknown member", "chongqing", suspend("cq-nobody", "stolen key"), base.ErrNotFound, `"cq-nobody" is not registered`},
		{"no reason", "chongqing", suspend("cq-rail-2", ""), base.ErrInvalidMsg, "suspend_member.reason: say why in 1 to 256 bytes, got 0"},
		{"a reason too long", "chongqing", suspend("cq-rail-2", strings.Repeat("x", types.ReasonBytesMax+1)), base.ErrInvalidMsg, "got 257"},
		{"a bad id", "chongqing", suspend("CQ RAIL", "stolen key"), base.ErrInvalidMsg, "suspend_member.member_id"},
		{"reinstate an active member", "chongqing", reinstate("cq-rail-2", "all clear"), base.ErrInvalidTransition, "is already MEMBER_STATUS_ACTIVE"},
	} {
		ctx.Signer = tc.signer
		wantErr(t, k.Handle(ctx, tc.msg), tc.code, tc.says)
		if after, _ := k.Get(ctx.State, "cq-rail-2"); !proto.Equal(after, before) {
			t.Fatalf("%s: the refused change altered the record", tc.name)
		}
	}

	ctx.Signer = "chongqing"
	events = events[:0]
	if err := k.Handle(ctx, suspend("cq-rail-2", "key reported stolen")); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Type != "membership.member_suspended" ||
		fmt.Sprint(events[0].Attrs) != fmt.Sprint([]base.Attr{{Key: "member", Value: "cq-rail-2"}, {Key: "province", Value: "chongqing"}, {Key: "by", Value: "chongqing"}, {Key: "reason", Value: "key reported stolen"}}) {
		t.Fatalf("events %+v", events)
	}
	if _, _, err := k.Authenticate(ctx.State, "cq-rail-2", "k1", ctx.Height); !errors.Is(err, base.ErrMemberSuspended) {
		t.Fatalf("a suspended member signs: %v", err)
	}
	wantErr(t, k.Handle(ctx, suspend("cq-rail-2", "again")), base.ErrInvalidTransition, "is already MEMBER_STATUS_SUSPENDED")
	ctx.Signer = "guangxi"
	wantErr(t, k.Handle(ctx, reinstate("cq-rail-2", "all clear")), base.ErrUnauthorized, "only that province")

	ctx.Signer = "chongqing"
	if err := k.Handle(ctx, reinstate("cq-rail-2", "new key checked")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.Authenticate(ctx.State, "cq-rail-2", "k1", ctx.Height); err != nil {
		t.Fatalf("a reinstated member cannot sign: %v", err)
	}
	if after, _ := k.Get(ctx.State, "cq-rail-2"); !proto.Equal(after, before) {
		t.Fatalf("after suspension and reinstatement the record is %+v, was %+v", after, before)
	}
}
