package keeper

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

// valKey is a validator's test public key.
func valKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// govCtx is a genesis with n validators of power 10 (keys valKey(1..n)).
func govCtx(t *testing.T, n int) (base.Context, Keeper, *[]base.Event) {
	t.Helper()
	ctx, k := genesisCtx(t)
	var vals []*types.Validator
	for i := 1; i <= n; i++ {
		vals = append(vals, &types.Validator{PubKey: valKey(byte(i)), Power: 10})
	}
	if err := k.InitValidators(ctx, vals); err != nil {
		t.Fatal(err)
	}
	events := new([]base.Event)
	return withEvents(ctx, events), k, events
}

func propose(reason string, c *types.ValidatorChange) *types.Msg {
	m := &types.MsgSubmitProposal{Reason: reason}
	if c != nil {
		m.Action = &types.MsgSubmitProposal_ValidatorChange{ValidatorChange: c}
	}
	return &types.Msg{Sum: &types.Msg_SubmitProposal{SubmitProposal: m}}
}

func voteMsg(id uint64, approve bool) *types.Msg {
	return &types.Msg{Sum: &types.Msg_Vote{Vote: &types.MsgVote{ProposalId: id, Approve: approve}}}
}

// as is ctx signed by signer.
func as(ctx base.Context, signer string) base.Context {
	ctx.Signer = signer
	return ctx
}

func powers(t *testing.T, k Keeper, r base.Reader) string {
	t.Helper()
	vals, err := k.Validators(r)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, v := range vals {
		parts = append(parts, fmt.Sprintf("%x:%d:%s", v.PubKey[:1], v.Power, v.Province))
	}
	return strings.Join(parts, " ")
}

func proposal(t *testing.T, k Keeper, ctx base.Context, id uint64) *types.Proposal {
	t.Helper()
	p, err := k.Proposal(ctx.State, id)
	if err != nil || p == nil {
		t.Fatalf("proposal %d: %v, %v", id, p, err)
	}
	return p
}

func isOpen(t *testing.T, ctx base.Context, id uint64) bool {
	t.Helper()
	bz, err := ctx.Index.Get(types.OpenProposalKey(id))
	if err != nil {
		t.Fatal(err)
	}
	return bz != nil
}

func hasEvent(events []base.Event, typ string, attrs ...string) bool {
	for _, e := range events {
		if e.Type != typ {
			continue
		}
		got := map[string]string{}
		for _, a := range e.Attrs {
			got[a.Key] = a.Value
		}
		ok := true
		for i := 0; i+1 < len(attrs); i += 2 {
			ok = ok && got[attrs[i]] == attrs[i+1]
		}
		if ok {
			return true
		}
	}
	return false
}

// TestProposalPassesWithTwoThirdsOfTheProvinces: a province proposes to
// remove a validator and to add another; nine approvals (the proposer's
// included) change nothing, the tenth carries the proposal out in the same
// message, and the proposal then takes no more votes. Each province votes
// once.
func TestProposalPassesWithTwoThirdsOfTheProvinces(t *testing.T) {
	ctx, k, events := govCtx(t, 4)
	if types.ApprovalsToPass() != 10 || types.RejectionsToReject() != 6 {
		t.Fatalf("with 15 provinces: %d approvals pass, %d rejections reject; want 10 and 6", types.ApprovalsToPass(), types.RejectionsToReject())
	}
	ctx.Height = 7
	remove := &types.ValidatorChange{Province: "guizhou", PubKey: valKey(4), Power: 0}
	if err := k.Handle(as(ctx, "chongqing"), propose("guizhou moves its validator to a new data centre", remove)); err != nil {
		t.Fatal(err)
	}
	add := &types.ValidatorChange{Province: "guizhou", PubKey: valKey(9), Power: 20}
	if err := k.Handle(as(ctx, "guizhou"), propose("guizhou's new validator", add)); err != nil {
		t.Fatal(err)
	}
	p := proposal(t, k, ctx, 1)
	if p.Proposer != "chongqing" || p.SubmittedHeight != 7 || p.VotingEndHeight != 7+types.ProposalVotingBlocks ||
		p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN || fmt.Sprint(p.Approvals) != "[chongqing]" || !isOpen(t, ctx, 1) {
		t.Fatalf("submitted proposal: %+v", p)
	}
	if !hasEvent(*events, "membership.proposal_submitted", "proposal", "1", "by", "chongqing", "power", "0") {
		t.Fatalf("events: %+v", *events)
	}
	provinces := types.Provinces
	ctx.Height = 8
	for _, pr := range provinces[1:9] { // chongqing approved by proposing
		if err := k.Handle(as(ctx, pr.ID), voteMsg(1, true)); err != nil {
			t.Fatal(err)
		}
	}
	if p := proposal(t, k, ctx, 1); len(p.Approvals) != 9 || p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
		t.Fatalf("after nine approvals: %+v", p)
	}
	if got := powers(t, k, ctx.State); got != "01:10: 02:10: 03:10: 04:10:" {
		t.Fatalf("validators after nine approvals: %s", got)
	}
	wantErr(t, k.Handle(as(ctx, provinces[3].ID), voteMsg(1, false)), base.ErrAlreadyExists, "already voted")
	if err := k.Handle(as(ctx, provinces[9].ID), voteMsg(1, true)); err != nil {
		t.Fatal(err)
	}
	p = proposal(t, k, ctx, 1)
	if p.Status != types.ProposalStatus_PROPOSAL_STATUS_PASSED || p.ClosedHeight != 8 || len(p.Approvals) != 10 || isOpen(t, ctx, 1) {
		t.Fatalf("after ten approvals: %+v", p)
	}
	if got := powers(t, k, ctx.State); got != "01:10: 02:10: 03:10:" {
		t.Fatalf("validators after the removal passed: %s", got)
	}
	if !hasEvent(*events, "membership.proposal_passed", "proposal", "1", "approvals", "10") ||
		!hasEvent(*events, "membership.validator_changed", "province", "guizhou", "power", "0") {
		t.Fatalf("events: %+v", *events)
	}
	wantErr(t, k.Handle(as(ctx, provinces[10].ID), voteMsg(1, true)), base.ErrInvalidTransition, "PASSED since height 8")

	// The second proposal: the proposer and nine more.
	ctx.Height = 9
	for _, pr := range provinces {
		if pr.ID == "guizhou" {
			continue
		}
		if err := k.Handle(as(ctx, pr.ID), voteMsg(2, true)); err != nil {
			t.Fatal(err)
		}
		if p := proposal(t, k, ctx, 2); p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
			break
		}
	}
	if p := proposal(t, k, ctx, 2); p.Status != types.ProposalStatus_PROPOSAL_STATUS_PASSED {
		t.Fatalf("second proposal: %+v", p)
	}
	if got := powers(t, k, ctx.State); got != "01:10: 02:10: 03:10: 09:20:guizhou" {
		t.Fatalf("validators after the addition passed: %s", got)
	}
	v := mustValidator(t, k, ctx, valKey(9))
	if v.SinceHeight != 9 {
		t.Fatalf("added validator: %+v", v)
	}
}

func mustValidator(t *testing.T, k Keeper, ctx base.Context, pub []byte) *types.Validator {
	t.Helper()
	vals, err := k.Validators(ctx.State)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if bytes.Equal(v.PubKey, pub) {
			return v
		}
	}
	t.Fatalf("no validator %x", pub)
	return nil
}

// TestProposalRejected: six rejections leave too few provinces to pass
// it, so the proposal closes as rejected and changes nothing.
func TestProposalRejected(t *testing.T) {
	ctx, k, events := govCtx(t, 4)
	if err := k.Handle(as(ctx, "chongqing"), propose("raise chongqing's power", &types.ValidatorChange{Province: "chongqing", PubKey: valKey(1), Power: 50})); err != nil {
		t.Fatal(err)
	}
	for i, pr := range types.Provinces[1:7] {
		if err := k.Handle(as(ctx, pr.ID), voteMsg(1, false)); err != nil {
			t.Fatal(err)
		}
		status := proposal(t, k, ctx, 1).Status
		if want := types.ProposalStatus_PROPOSAL_STATUS_OPEN; i < 5 && status != want || i == 5 && status != types.ProposalStatus_PROPOSAL_STATUS_REJECTED {
			t.Fatalf("after %d rejections: %s", i+1, status)
		}
	}
	if isOpen(t, ctx, 1) || !hasEvent(*events, "membership.proposal_rejected", "proposal", "1", "rejections", "6") {
		t.Fatalf("rejected proposal still open, or no event: %+v", *events)
	}
	if got := powers(t, k, ctx.State); got != "01:10: 02:10: 03:10: 04:10:" {
		t.Fatalf("validators after a rejection: %s", got)
	}
}

// TestProposalExpires: a proposal that has not passed by its last voting
// height closes as expired at the end of that block, not before.
func TestProposalExpires(t *testing.T) {
	ctx, k, events := govCtx(t, 2)
	ctx.Height = 100
	if err := k.Handle(as(ctx, "chongqing"), propose("remove validator 2", &types.ValidatorChange{Province: "guangxi", PubKey: valKey(2)})); err != nil {
		t.Fatal(err)
	}
	end := proposal(t, k, ctx, 1).VotingEndHeight
	ctx.Height = end - 1
	if err := k.EndBlock(ctx); err != nil {
		t.Fatal(err)
	}
	if p := proposal(t, k, ctx, 1); p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
		t.Fatalf("expired early: %+v", p)
	}
	ctx.Height = end
	if err := k.Handle(as(ctx, "guangxi"), voteMsg(1, true)); err != nil {
		t.Fatalf("a vote at the last voting height: %v", err)
	}
	if err := k.EndBlock(ctx); err != nil {
		t.Fatal(err)
	}
	p := proposal(t, k, ctx, 1)
	if p.Status != types.ProposalStatus_PROPOSAL_STATUS_EXPIRED || p.ClosedHeight != end || isOpen(t, ctx, 1) || len(p.Approvals) != 2 {
		t.Fatalf("at its last voting height's end: %+v", p)
	}
	if !hasEvent(*events, "membership.proposal_expired", "proposal", "1", "approvals", "2") {
		t.Fatalf("events: %+v", *events)
	}
	ctx.Height = end + 1
	wantErr(t, k.Handle(as(ctx, "sichuan"), voteMsg(1, true)), base.ErrInvalidTransition, "EXPIRED")
	if got := powers(t, k, ctx.State); got != "01:10: 02:10:" {
		t.Fatalf("validators after the expiry: %s", got)
	}
}

// TestProposalThatCannotBeCarriedOutFails: two proposals remove the same
// validator; the first passes, and the second, once it passes, fails
// with the reason, and changes nothing.
func TestProposalThatCannotBeCarriedOutFails(t *testing.T) {
	ctx, k, events := govCtx(t, 3)
	for _, p := range []string{"chongqing", "guangxi"} {
		if err := k.Handle(as(ctx, p), propose("retire validator 3", &types.ValidatorChange{Province: "sichuan", PubKey: valKey(3)})); err != nil {
			t.Fatal(err)
		}
	}
	for id := uint64(1); id <= 2; id++ {
		for _, pr := range types.Provinces[2:11] {
			if err := k.Handle(as(ctx, pr.ID), voteMsg(id, true)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if p := proposal(t, k, ctx, 1); p.Status != types.ProposalStatus_PROPOSAL_STATUS_PASSED {
		t.Fatalf("first: %+v", p)
	}
	p := proposal(t, k, ctx, 2)
	if p.Status != types.ProposalStatus_PROPOSAL_STATUS_FAILED || !strings.Contains(p.Outcome, "not in the validator set") || isOpen(t, ctx, 2) {
		t.Fatalf("second: %+v", p)
	}
	if !hasEvent(*events, "membership.proposal_failed", "proposal", "2") {
		t.Fatalf("events: %+v", *events)
	}
	if got := powers(t, k, ctx.State); got != "01:10: 02:10:" {
		t.Fatalf("validators: %s", got)
	}
}

// TestProposalRefusals: what may not be proposed or voted is refused with
// a code and a message that says why, and writes nothing.
func TestProposalRefusals(t *testing.T) {
	ctx, k, _ := govCtx(t, 2)
	if err := k.Handle(as(ctx, "chongqing"), register(carrier("cq-rail-2", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	named := &types.ValidatorChange{Province: "guangxi", PubKey: valKey(7), Power: 10}
	if err := k.applyValidatorChange(ctx, named); err != nil { // a validator whose province is recorded
		t.Fatal(err)
	}
	if err := k.Handle(as(ctx, "chongqing"), propose("open one", &types.ValidatorChange{Province: "chongqing", PubKey: valKey(1), Power: 20})); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(as(ctx, "chongqing"), suspend("cq-rail-2", "stolen key")); err != nil {
		t.Fatal(err)
	}
	change := func(province string, pub []byte, power int64) *types.ValidatorChange {
		return &types.ValidatorChange{Province: province, PubKey: pub, Power: power}
	}
	cases := []struct {
		name   string
		signer string
		msg    *types.Msg
		code   *base.Code
		text   string
	}{
		{"no reason", "chongqing", propose("", change("chongqing", valKey(5), 10)), base.ErrInvalidMsg, "say why"},
		{"long reason", "chongqing", propose(strings.Repeat("x", types.ReasonBytesMax+1), change("chongqing", valKey(5), 10)), base.ErrInvalidMsg, "got 257"},
		{"no action", "chongqing", propose("why", nil), base.ErrInvalidMsg, "no action set"},
		{"not a province", "chongqing", propose("why", change("cq-rail-2", valKey(5), 10)), base.ErrInvalidMsg, "not one of the 15 provinces"},
		{"short key", "chongqing", propose("why", change("chongqing", valKey(5)[:31], 10)), base.ErrInvalidMsg, "32 bytes, got 31"},
		{"negative power", "chongqing", propose("why", change("chongqing", valKey(5), -1)), base.ErrInvalidMsg, "must be 0"},
		{"power too high", "chongqing", propose("why", change("chongqing", valKey(5), types.ValidatorPowerMax+1)), base.ErrInvalidMsg, "got 10001"},
		{"remove an unknown validator", "chongqing", propose("why", change("chongqing", valKey(5), 0)), base.ErrNotFound, "nothing to remove"},
		{"same power", "chongqing", propose("why", change("chongqing", valKey(1), 10)), base.ErrInvalidTransition, "already has power 10"},
		{"another province's validator", "chongqing", propose("why", change("chongqing", valKey(7), 5)), base.ErrUnauthorized, `run by province "guangxi"`},
		{"a carrier proposes", "cq-rail-3", propose("why", change("chongqing", valKey(5), 10)), base.ErrUnknownSigner, "not registered"},
		{"a suspended member proposes", "cq-rail-2", propose("why", change("chongqing", valKey(5), 10)), base.ErrMemberSuspended, "SUSPENDED"},
		{"no proposal id", "guangxi", voteMsg(0, true), base.ErrInvalidMsg, "numbered from 1"},
		{"unknown proposal", "guangxi", voteMsg(9, true), base.ErrNotFound, "no proposal 9"},
		{"proposer votes again", "chongqing", voteMsg(1, false), base.ErrAlreadyExists, "already voted"},
	}
	before := snapshot(ctx)
	for _, tc := range cases {
		err := k.Handle(as(ctx, tc.signer), tc.msg)
		if !strings.Contains(fmt.Sprint(err), tc.text) || !errors.Is(err, tc.code) {
			t.Errorf("%s: got %v; want %s containing %q", tc.name, err, tc.code.Name, tc.text)
		}
		if after := snapshot(ctx); after != before {
			t.Errorf("%s: the refused message changed state", tc.name)
		}
	}
	// A carrier with the role (not only an unknown signer) is refused too.
	if err := k.Handle(as(ctx, "chongqing"), register(carrier("cq-rail-3", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	wantErr(t, k.Handle(as(ctx, "cq-rail-3"), voteMsg(1, true)), base.ErrUnauthorized, "needs one of")

	// The last validator cannot be removed.
	one, k1, _ := govCtx(t, 1)
	wantErr(t, k1.Handle(as(one, "chongqing"), propose("why", change("chongqing", valKey(1), 0))), base.ErrInvalidTransition, "the last one")
}

// TestOpenProposalsLimit: at most OpenProposalsMax proposals are open at
// once; a closed one makes room.
func TestOpenProposalsLimit(t *testing.T) {
	ctx, k, _ := govCtx(t, 2)
	for i := 0; i < types.OpenProposalsMax; i++ {
		if err := k.Handle(as(ctx, "chongqing"), propose("why", &types.ValidatorChange{Province: "chongqing", PubKey: valKey(1), Power: int64(11 + i)})); err != nil {
			t.Fatal(err)
		}
	}
	next := propose("one too many", &types.ValidatorChange{Province: "chongqing", PubKey: valKey(1), Power: 99})
	wantErr(t, k.Handle(as(ctx, "guangxi"), next), base.ErrLimitExceeded, "32 proposals are open")
	for _, pr := range types.Provinces[1:7] {
		if err := k.Handle(as(ctx, pr.ID), voteMsg(5, false)); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Handle(as(ctx, "guangxi"), next); err != nil {
		t.Fatalf("after one was rejected: %v", err)
	}
	if p := proposal(t, k, ctx, types.OpenProposalsMax+1); p.Proposer != "guangxi" {
		t.Fatalf("proposal %d: %+v", types.OpenProposalsMax+1, p)
	}
}

// snapshot is every key and value of ctx's state and index.
func snapshot(ctx base.Context) string {
	var b strings.Builder
	for _, kv := range []base.KV{ctx.State, ctx.Index} {
		_ = kv.Iterate(nil, nil, func(k, v []byte) bool {
			fmt.Fprintf(&b, "%x=%x;", k, v)
			return true
		})
		b.WriteString("|")
	}
	return b.String()
}

func proposeRemoval(id string) *types.Msg {
	return &types.Msg{Sum: &types.Msg_SubmitProposal{SubmitProposal: &types.MsgSubmitProposal{Reason: "breach of the data-sharing agreement",
		Action: &types.MsgSubmitProposal_MemberRemoval{MemberRemoval: &types.MemberRemoval{MemberId: id}}}}}
}

// passAll has provinces approve proposal id, from the first, until it
// closes.
func passAll(t *testing.T, ctx base.Context, k Keeper, id uint64) {
	t.Helper()
	for _, pr := range types.Provinces {
		if p := proposal(t, k, ctx, id); p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
			return
		}
		if p := proposal(t, k, ctx, id); slices.Contains(p.Approvals, pr.ID) {
			continue
		}
		if err := k.Handle(as(ctx, pr.ID), voteMsg(id, true)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMemberRemovalByProposal: any province may propose to remove a
// member of any province; once ten approve, the member is removed for
// good. It signs nothing, its province can neither suspend nor reinstate
// it, and its record stays. A province authority is never removed, and a
// second proposal to remove the same member fails when it passes.
func TestMemberRemovalByProposal(t *testing.T) {
	ctx, k, events := govCtx(t, 1)
	if err := k.Handle(as(ctx, "chongqing"), register(carrier("cq-rail-2", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeRemoval("chongqing")), base.ErrUnauthorized, "province authority")
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeRemoval("nobody")), base.ErrNotFound, "not registered")
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeRemoval("No Such Id")), base.ErrInvalidMsg, "member_removal.member_id")
	for _, by := range []string{"guangxi", "sichuan"} {
		if err := k.Handle(as(ctx, by), proposeRemoval("cq-rail-2")); err != nil {
			t.Fatal(err)
		}
	}
	ctx.Height = 5
	passAll(t, ctx, k, 1)
	if p := proposal(t, k, ctx, 1); p.Status != types.ProposalStatus_PROPOSAL_STATUS_PASSED || p.GetMemberRemoval().GetMemberId() != "cq-rail-2" {
		t.Fatalf("removal proposal: %+v", p)
	}
	m, err := k.Get(ctx.State, "cq-rail-2")
	if err != nil || m.Status != types.MemberStatus_MEMBER_STATUS_REMOVED || len(m.Keys) != 1 || m.Province != "chongqing" {
		t.Fatalf("removed member: %+v, %v", m, err)
	}
	if !hasEvent(*events, "membership.member_removed", "member", "cq-rail-2", "province", "chongqing", "proposal", "1") {
		t.Fatalf("events: %+v", *events)
	}
	_, _, err = k.Authenticate(ctx.State, "cq-rail-2", "k1", 6)
	wantErr(t, err, base.ErrMemberSuspended, "REMOVED")
	wantErr(t, k.Handle(as(ctx, "chongqing"), reinstate("cq-rail-2", "back")), base.ErrInvalidTransition, "removed by a governance proposal")
	wantErr(t, k.Handle(as(ctx, "chongqing"), suspend("cq-rail-2", "again")), base.ErrInvalidTransition, "removed by a governance proposal")
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeRemoval("cq-rail-2")), base.ErrInvalidTransition, "already removed")

	passAll(t, ctx, k, 2)
	if p := proposal(t, k, ctx, 2); p.Status != types.ProposalStatus_PROPOSAL_STATUS_FAILED || !strings.Contains(p.Outcome, "already removed") {
		t.Fatalf("the second removal: %+v", p)
	}
}

func proposeAction(reason string, m *types.MsgSubmitProposal) *types.Msg {
	m.Reason = reason
	return &types.Msg{Sum: &types.Msg_SubmitProposal{SubmitProposal: m}}
}

func proposeAdmission(m *types.Member) *types.Msg {
	return proposeAction("a new customs office on the corridor", &types.MsgSubmitProposal{
		Action: &types.MsgSubmitProposal_MemberAdmission{MemberAdmission: &types.MemberAdmission{Member: m}}})
}

func proposeKeys(member string, key *types.Key) *types.Msg {
	return proposeAction("its keys were lost with a laptop", &types.MsgSubmitProposal{
		Action: &types.MsgSubmitProposal_KeyReplacement{KeyReplacement: &types.KeyReplacement{MemberId: member, Key: key}}})
}

func customsOffice(id, province, jurisdiction string) *types.Member {
	return &types.Member{Id: id, Name: "Customs " + id, Roles: []types.Role{types.Role_ROLE_CUSTOMS_OFFICE}, Province: province, Country: "CN",
		Jurisdiction: jurisdiction, Keys: []*types.Key{testKey("k1", 77)}}
}

// TestMemberAdmissionByProposal: a province alone cannot admit a customs
// office or an auditor (nor change anything trying); the provinces admit
// one together, into any province. The admitted member signs from the
// next block, the proposal keeps the member as submitted, and a second
// proposal for the same id fails when it passes.
func TestMemberAdmissionByProposal(t *testing.T) {
	ctx, k, events := govCtx(t, 1)
	before := snapshot(ctx)
	wantErr(t, k.Handle(as(ctx, "guangxi"), register(customsOffice("gx-customs-2", "guangxi", "CN-guangxi"))), base.ErrUnauthorized, "propose-admission")
	auditor := carrier("gx-audit", "guangxi")
	auditor.Roles = []types.Role{types.Role_ROLE_AUDITOR}
	wantErr(t, k.Handle(as(ctx, "guangxi"), register(auditor)), base.ErrUnauthorized, "ROLE_AUDITOR")
	if snapshot(ctx) != before {
		t.Fatal("a refused registration changed state")
	}

	noJurisdiction := customsOffice("gx-customs-3", "guangxi", "")
	wantErr(t, k.Handle(as(ctx, "chongqing"), proposeAdmission(noJurisdiction)), base.ErrInvalidMsg, "member.jurisdiction")
	province := carrier("cq-second-authority", "chongqing")
	province.Roles = []types.Role{types.Role_ROLE_PROVINCE_AUTHORITY}
	wantErr(t, k.Handle(as(ctx, "chongqing"), proposeAdmission(province)), base.ErrUnauthorized, "15 provinces named in genesis")
	wantErr(t, k.Handle(as(ctx, "chongqing"), proposeAdmission(carrier("guangxi", "guangxi"))), base.ErrAlreadyExists, "already registered")
	if err := k.Handle(as(ctx, "gx-customs-2"), proposeAdmission(customsOffice("gx-customs-9", "guangxi", "CN-guangxi"))); !errors.Is(err, base.ErrUnknownSigner) {
		t.Fatalf("a proposal signed by no member: %v", err)
	}
	if snapshot(ctx) != before {
		t.Fatal("a refused proposal changed state")
	}

	// Chongqing proposes a customs office for Guangxi, twice.
	for range 2 {
		// What the ledger sets is not the submitter's to set.
		office := customsOffice("gx-customs-2", "guangxi", "CN-guangxi")
		office.Status, office.AdmittedHeight = types.MemberStatus_MEMBER_STATUS_SUSPENDED, 3
		office.Keys[0].Status, office.Keys[0].NotAfterHeight = types.KeyStatus_KEY_STATUS_REVOKED, 4
		if err := k.Handle(as(ctx, "chongqing"), proposeAdmission(office)); err != nil {
			t.Fatal(err)
		}
	}
	if m, _ := k.Get(ctx.State, "gx-customs-2"); m != nil {
		t.Fatalf("admitted before the vote: %+v", m)
	}
	ctx.Height = 9
	passAll(t, ctx, k, 1)
	m, err := k.Get(ctx.State, "gx-customs-2")
	if err != nil || m == nil || m.Status != types.MemberStatus_MEMBER_STATUS_ACTIVE || m.AdmittedHeight != 9 || m.Keys[0].Status != types.KeyStatus_KEY_STATUS_ACTIVE || m.Keys[0].AddedHeight != 9 {
		t.Fatalf("admitted member: %+v, %v", m, err)
	}
	if _, _, err := k.Authenticate(ctx.State, "gx-customs-2", "k1", 10); err != nil {
		t.Fatalf("the admitted member cannot sign: %v", err)
	}
	p := proposal(t, k, ctx, 1)
	if pm := p.GetMemberAdmission().GetMember(); p.Status != types.ProposalStatus_PROPOSAL_STATUS_PASSED || pm.Status != types.MemberStatus_MEMBER_STATUS_UNSPECIFIED || pm.AdmittedHeight != 0 ||
		pm.Keys[0].Status != types.KeyStatus_KEY_STATUS_UNSPECIFIED || pm.Keys[0].AddedHeight != 0 || pm.Keys[0].NotAfterHeight != 0 {
		t.Fatalf("passed admission proposal: %+v", p)
	}
	if !hasEvent(*events, "membership.member_registered", "member", "gx-customs-2", "province", "guangxi", "proposal", "1") {
		t.Fatalf("events: %+v", *events)
	}
	if bz, err := ctx.Index.Get(types.RoleIndexKey(types.Role_ROLE_CUSTOMS_OFFICE, "gx-customs-2")); err != nil || bz == nil {
		t.Fatalf("not in the customs offices' index: %v", err)
	}
	passAll(t, ctx, k, 2)
	if p := proposal(t, k, ctx, 2); p.Status != types.ProposalStatus_PROPOSAL_STATUS_FAILED || !strings.Contains(p.Outcome, "already registered") {
		t.Fatalf("the second admission: %+v", p)
	}
}

// TestKeyReplacementByProposal: the provinces give a member that lost its
// keys a new one; every key that could sign, or would until a later
// height, is revoked in the same block. A province authority's keys are
// replaced the same way. Used key ids, unknown and removed members are
// refused, and a replacement whose key id was taken meanwhile fails.
func TestKeyReplacementByProposal(t *testing.T) {
	ctx, k, events := govCtx(t, 1)
	if err := k.Handle(as(ctx, "chongqing"), register(carrier("cq-rail-2", "chongqing"))); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(as(ctx, "cq-rail-2"), addKey(testKey("k2", 98))); err != nil {
		t.Fatal(err)
	}
	if err := k.Handle(as(ctx, "cq-rail-2"), revokeKey("k1", 50)); err != nil { // k1 signs until 50
		t.Fatal(err)
	}
	before := snapshot(ctx)
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeKeys("nobody", testKey("k3", 97))), base.ErrNotFound, "not registered")
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeKeys("cq-rail-2", testKey("k1", 97))), base.ErrAlreadyExists, `already has a key "k1"`)
	short := testKey("k3", 97)
	short.PublicKey = short.PublicKey[:31]
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeKeys("cq-rail-2", short)), base.ErrInvalidMsg, "32 bytes")
	wantErr(t, k.Handle(as(ctx, "cq-rail-2"), proposeKeys("cq-rail-2", testKey("k3", 97))), base.ErrUnauthorized, "")
	if snapshot(ctx) != before {
		t.Fatal("a refused proposal changed state")
	}

	for _, key := range []string{"k3", "k3"} {
		if err := k.Handle(as(ctx, "guangxi"), proposeKeys("cq-rail-2", testKey(key, 97))); err != nil {
			t.Fatal(err)
		}
	}
	ctx.Height = 10
	passAll(t, ctx, k, 1)
	m, err := k.Get(ctx.State, "cq-rail-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range m.Keys {
		want, wantNotAfter := types.KeyStatus_KEY_STATUS_REVOKED, int64(10)
		if key.Id == "k3" {
			want, wantNotAfter = types.KeyStatus_KEY_STATUS_ACTIVE, 0
		}
		if key.Status != want || key.NotAfterHeight != wantNotAfter {
			t.Fatalf("key %s after the replacement: %+v", key.Id, key)
		}
	}
	if len(m.Keys) != 3 || !hasEvent(*events, "membership.keys_replaced", "member", "cq-rail-2", "key", "k3", "revoked", "k1,k2", "proposal", "1") {
		t.Fatalf("keys %+v, events %+v", m.Keys, *events)
	}
	for _, key := range []string{"k1", "k2"} {
		_, _, err := k.Authenticate(ctx.State, "cq-rail-2", key, 11)
		wantErr(t, err, base.ErrKeyRevoked, "")
	}
	if _, _, err := k.Authenticate(ctx.State, "cq-rail-2", "k3", 11); err != nil {
		t.Fatalf("the new key cannot sign: %v", err)
	}
	passAll(t, ctx, k, 2)
	if p := proposal(t, k, ctx, 2); p.Status != types.ProposalStatus_PROPOSAL_STATUS_FAILED || !strings.Contains(p.Outcome, `already has a key "k3"`) {
		t.Fatalf("the second replacement: %+v", p)
	}

	// A province authority that lost its key gets a new one from the others.
	if err := k.Handle(as(ctx, "chongqing"), proposeKeys("guizhou", testKey("k2", 96))); err != nil {
		t.Fatal(err)
	}
	ctx.Height = 12
	passAll(t, ctx, k, 3)
	if _, _, err := k.Authenticate(ctx.State, "guizhou", "k1", 13); !errors.Is(err, base.ErrKeyRevoked) {
		t.Fatalf("guizhou's lost key: %v", err)
	}
	if err := k.Handle(as(ctx, "guizhou"), voteMsg(3, true)); !errors.Is(err, base.ErrInvalidTransition) {
		t.Fatalf("a vote on a closed proposal: %v", err)
	}

	if err := k.Handle(as(ctx, "guangxi"), proposeRemoval("cq-rail-2")); err != nil {
		t.Fatal(err)
	}
	passAll(t, ctx, k, 4)
	wantErr(t, k.Handle(as(ctx, "guangxi"), proposeKeys("cq-rail-2", testKey("k4", 95))), base.ErrInvalidTransition, "removed")
}
