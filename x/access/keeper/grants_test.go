package keeper_test

import (
	"testing"
	"time"

	"github.com/landsea/corridor/x/access/keeper"
	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

func TestGrantRules(t *testing.T) {
	e := newEnv(t)
	later := e.now.Add(30 * 24 * time.Hour)
	mut := func(f func(m *types.MsgGrantAccess)) *types.Msg {
		msg := grantMsg("cq-bank", record, bill, "LSC-0001", fin, later)
		f(msg.GetGrant())
		return msg
	}
	cases := []struct {
		name   string
		signer string
		msg    *types.Msg
		want   *base.Code
	}{
		{"bank owns no records", "cq-bank", grantMsg("gx-agri", class, bill, "", fin, later), base.ErrUnauthorized},
		{"auditor owns no records", "corridor-audit", grantMsg("gx-agri", class, bill, "", fin, later), base.ErrUnauthorized},
		{"unknown signer", "nobody", grantMsg("gx-agri", class, bill, "", fin, later), base.ErrUnknownSigner},
		{"grant to self", "landsea-mto", grantMsg("landsea-mto", class, bill, "", fin, later), base.ErrInvalidMsg},
		{"unknown grantee", "landsea-mto", grantMsg("no-such-bank", class, bill, "", fin, later), base.ErrNotFound},
		{"suspended grantee", "landsea-mto", grantMsg("gone-suspended", class, bill, "", fin, later), base.ErrMemberSuspended},
		{"expiry in the past", "landsea-mto", grantMsg("cq-bank", class, bill, "", fin, e.now.Add(-time.Hour)), types.ErrExpiryNotAhead},
		{"expiry too far", "landsea-mto", grantMsg("cq-bank", class, bill, "", fin, e.now.Add(6*365*24*time.Hour)), types.ErrExpiryNotAhead},
		{"class with record id", "landsea-mto", grantMsg("cq-bank", class, bill, "LSC-0001", fin, later), base.ErrInvalidMsg},
		{"record without id", "landsea-mto", grantMsg("cq-bank", record, bill, "", fin, later), base.ErrInvalidMsg},
		{"no scope", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.Scope = 0 }), base.ErrInvalidMsg},
		{"unknown record type", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.RecordType = "bills" }), base.ErrInvalidMsg},
		{"no purpose", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.Purpose = 0 }), base.ErrInvalidMsg},
		{"unknown purpose", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.Purpose = 99 }), base.ErrInvalidMsg},
		{"no purpose text", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.PurposeText = "" }), base.ErrInvalidMsg},
		{"no legal basis", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.LegalBasis = "" }), base.ErrInvalidMsg},
		{"no expiry", "landsea-mto", mut(func(m *types.MsgGrantAccess) { m.ExpiresUnixNano = 0 }), base.ErrInvalidMsg},
		{"carrier grants a record", "landsea-mto", grantMsg("cq-bank", record, bill, "LSC-0001", fin, later), nil},
		{"enterprise grants a class", "cq-electronics", grantMsg("cq-customs", class, decl, "", ctl, later), nil},
		{"customs office grants", "cq-customs", grantMsg("th-customs", record, decl, "cq-electronics/PO-1", ctl, later), nil},
		{"province grants", "chongqing", grantMsg("corridor-audit", class, decl, "", types.Purpose_PURPOSE_AUDIT, later), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCode(t, e.apply(c.signer, c.msg), c.want) })
	}
	g := e.grant(1)
	if g.Owner != "landsea-mto" || g.Grantee != "cq-bank" || g.RecordId != "LSC-0001" || g.Status != types.GrantStatus_GRANT_STATUS_ACTIVE ||
		g.ExpiresUnixNano != later.UnixNano() || g.CreatedHeight == 0 || g.LegalBasis == "" {
		t.Fatalf("grant 1 = %v", g)
	}
	if e.grant(4).Owner != "chongqing" {
		t.Fatalf("ids are not consecutive: %v", e.grant(4))
	}
}

func TestRevokeRules(t *testing.T) {
	e := newEnv(t)
	e.mustApply("landsea-mto", grantMsg("cq-bank", class, bill, "", fin, e.now.Add(time.Hour)))
	wantCode(t, e.apply("cq-bank", revokeMsg(1)), types.ErrNotGrantOwner)
	wantCode(t, e.apply("landsea-mto", revokeMsg(2)), base.ErrNotFound)
	wantCode(t, e.apply("landsea-mto", &types.Msg{Sum: &types.Msg_Revoke{Revoke: &types.MsgRevokeGrant{}}}), base.ErrInvalidMsg)
	check := keeper.ReadCheck{Reader: "cq-bank", RecordType: bill, RecordID: "LSC-0001", Owner: "landsea-mto", Purpose: fin, NowUnixNano: e.now.UnixNano()}
	if g, why, err := e.k.FindGrant(e.st, e.idx, check); err != nil || g == nil {
		t.Fatalf("before revoke: %v %q %v", g, why, err)
	}
	e.mustApply("landsea-mto", revokeMsg(1))
	g := e.grant(1)
	if g.Status != types.GrantStatus_GRANT_STATUS_REVOKED || g.EndedHeight != e.height || g.RevokeReason != "contract ended" {
		t.Fatalf("revoked grant = %v", g)
	}
	wantCode(t, e.apply("landsea-mto", revokeMsg(1)), types.ErrGrantNotActive)
	if g, why, err := e.k.FindGrant(e.st, e.idx, check); err != nil || g != nil || why == "" {
		t.Fatalf("after revoke: %v %q %v", g, why, err)
	}
	check.GrantID = 1
	if _, why, _ := e.k.FindGrant(e.st, e.idx, check); why != "grant 1 does not allow this read: it is GRANT_STATUS_REVOKED" {
		t.Fatalf("named revoked grant: %q", why)
	}
	// A revoked grant leaves the expiry queue: its expiry passes quietly.
	e.advance(2 * time.Hour)
	if e.grant(1).Status != types.GrantStatus_GRANT_STATUS_REVOKED {
		t.Fatalf("expiry touched a revoked grant: %v", e.grant(1))
	}
}

func TestExpiryQueue(t *testing.T) {
	e := newEnv(t)
	start := e.now
	e.mustApply("landsea-mto", grantMsg("cq-bank", class, bill, "", fin, start.Add(30*time.Second)))       // 1
	e.mustApply("cq-electronics", grantMsg("cq-customs", class, decl, "", ctl, start.Add(20*time.Second))) // 2
	e.mustApply("cq-electronics", grantMsg("th-customs", class, decl, "", ctl, start.Add(20*time.Second))) // 3
	e.mustApply("cq-electronics", grantMsg("corridor-audit", class, decl, "", ctl, start.Add(time.Hour)))  // 4
	e.advance(20*time.Second - (e.now.Sub(start)))                                                         // block time = start+20s: grants 2 and 3 expire (expiry <= block time)
	for id, want := range map[uint64]types.GrantStatus{1: types.GrantStatus_GRANT_STATUS_ACTIVE, 2: types.GrantStatus_GRANT_STATUS_EXPIRED,
		3: types.GrantStatus_GRANT_STATUS_EXPIRED, 4: types.GrantStatus_GRANT_STATUS_ACTIVE} {
		if g := e.grant(id); g.Status != want {
			t.Fatalf("at +20s grant %d is %s, want %s", id, g.Status, want)
		}
	}
	if g := e.grant(2); g.EndedHeight != e.height || g.EndedTimeUnixNano != e.now.UnixNano() {
		t.Fatalf("expired grant = %v", g)
	}
	wantCode(t, e.apply("cq-electronics", revokeMsg(2)), types.ErrGrantNotActive)
	e.advance(time.Minute)
	if e.grant(1).Status != types.GrantStatus_GRANT_STATUS_EXPIRED || e.grant(4).Status != types.GrantStatus_GRANT_STATUS_ACTIVE {
		t.Fatalf("after a minute: %v / %v", e.grant(1), e.grant(4))
	}
	n := 0
	_ = base.IteratePrefix(e.st, types.ExpiryPrefix(), func(k, _ []byte) bool { n++; return true })
	if n != 1 {
		t.Fatalf("expiry queue holds %d entries, want 1 (grant 4)", n)
	}
}

func TestFindGrant(t *testing.T) {
	e := newEnv(t)
	exp := e.now.Add(time.Hour)
	e.mustApply("landsea-mto", grantMsg("cq-bank", record, bill, "LSC-0001", fin, exp))                    // 1
	e.mustApply("landsea-mto", grantMsg("cq-bank", class, bill, "", types.Purpose_PURPOSE_INSURANCE, exp)) // 2
	e.mustApply("cq-electronics", grantMsg("cq-bank", record, bill, "LSC-0002", fin, exp))                 // 3: not the owner of LSC-0002
	now := e.now.UnixNano()
	read := func(reader, id, owner string, p types.Purpose) keeper.ReadCheck {
		return keeper.ReadCheck{Reader: reader, RecordType: bill, RecordID: id, Owner: owner, Purpose: p, NowUnixNano: now}
	}
	cases := []struct {
		name  string
		check keeper.ReadCheck
		want  uint64
	}{
		{"record grant", read("cq-bank", "LSC-0001", "landsea-mto", fin), 1},
		{"class grant", read("cq-bank", "LSC-0009", "landsea-mto", types.Purpose_PURPOSE_INSURANCE), 2},
		{"class grant wrong purpose", read("cq-bank", "LSC-0009", "landsea-mto", fin), 0},
		{"record grant other record", read("cq-bank", "LSC-0003", "landsea-mto", fin), 0},
		{"grant by a non-owner", read("cq-bank", "LSC-0002", "landsea-mto", fin), 0},
		{"other reader", read("gx-agri", "LSC-0001", "landsea-mto", fin), 0},
		{"past expiry on the node clock", func() keeper.ReadCheck {
			c := read("cq-bank", "LSC-0001", "landsea-mto", fin)
			c.NowUnixNano = exp.UnixNano()
			return c
		}(), 0},
		{"named grant", func() keeper.ReadCheck { c := read("cq-bank", "LSC-0001", "landsea-mto", fin); c.GrantID = 1; return c }(), 1},
		{"named grant of another purpose", func() keeper.ReadCheck { c := read("cq-bank", "LSC-0001", "landsea-mto", fin); c.GrantID = 2; return c }(), 0},
		{"named missing grant", func() keeper.ReadCheck { c := read("cq-bank", "LSC-0001", "landsea-mto", fin); c.GrantID = 9; return c }(), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, why, err := e.k.FindGrant(e.st, e.idx, c.check)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == 0 {
				if g != nil || why == "" {
					t.Fatalf("allowed by %v (reason %q)", g, why)
				}
				t.Logf("denied: %s", why)
				return
			}
			if g == nil || g.Id != c.want {
				t.Fatalf("got %v (%s), want grant %d", g, why, c.want)
			}
		})
	}
}
