package keeper_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

var randomActors = []string{"landsea-mto", "beibu-shipping", "cr-rail", "cq-electronics", "th-importer", "gx-agri", "cq-bank"}

// randomStep picks an action on one of the bills, signed by anyone.
// A new number is added to numbers only once its bill exists.
func randomStep(r *rand.Rand, e *env, numbers *[]string) (string, *types.Msg) {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	n := ""
	if len(*numbers) > 0 {
		n = pick(*numbers)
	}
	_ = numbers
	if n == "" || (len(*numbers) < 80 && (r.IntN(40) == 0 || (terminal(e, n) && r.IntN(5) > 0))) {
		n = fmt.Sprintf("R-%d", e.height)
		return pick([]string{"landsea-mto", "beibu-shipping", "landsea-mto", "cq-electronics"}), issueMsg(railSea(n, r.IntN(3) > 0), r.IntN(4) == 0)
	}
	if b, _ := e.k.Get(e.st, n); b != nil && r.IntN(2) == 0 {
		if signer, msg := guidedStep(r, e, b); msg != nil {
			return signer, msg
		}
	}
	signer := pick(randomActors)
	if b, _ := e.k.Get(e.st, n); b != nil && r.IntN(5) < 3 {
		// Mostly let a party to the bill act, so that the walk gets far.
		signer = pick([]string{b.Possessor, b.TitleHolder, b.Issuer, b.Pledge.GetBank(), b.Issuer, b.Possessor})
		if signer == "" {
			signer = b.Issuer
		}
	}
	switch r.IntN(13) {
	case 0:
		return signer, issueDraftMsg(n)
	case 1, 2:
		return signer, transferMsg(n, pick(randomActors))
	case 3:
		return signer, endorseMsg(n, pick(randomActors))
	case 4:
		return signer, pledgeMsg(n, pick([]string{"cq-bank", "cq-bank", "gx-agri"}), e.now.Unix()+86400)
	case 5:
		return signer, releaseMsg(n)
	case 6:
		return signer, enforceMsg(n)
	case 7:
		leg := uint32(r.IntN(2))
		return pick([]string{"cr-rail", "beibu-shipping", signer}), legMsg(n, leg, types.LegEventType(1+r.IntN(6)), "CNQZH")
	case 8:
		return signer, surrenderMsg(n, types.SurrenderPurpose(1+r.IntN(2)))
	case 9:
		amended := railSea(fmt.Sprintf("R-%d", e.height), true)
		if b, _ := e.k.Get(e.st, n); b.GetStatus() == types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT && r.IntN(4) > 0 {
			return signer, acceptMsg(n, amended)
		}
		return signer, acceptMsg(n, nil)
	case 10:
		return signer, rejectMsg(n)
	case 11:
		if r.IntN(4) == 0 {
			return signer, paperMsg(n)
		}
		return signer, transferMsg(n, pick(randomActors))
	default:
		return signer, issueMsg(railSea(n, true), false) // re-issue: always refused
	}
}

// TestRandomNeverTwoHolders runs a few thousand random actions by random
// signers (seeded) and checks after each that every bill has exactly one
// possessor and one title holder in the indexes, matching its record; that
// a pledged bill has not moved since it was pledged; that only the party in
// control changed who holds a bill; and that every history verifies. A
// refused action must refuse before writing anything (env.apply checks it).
func TestRandomNeverTwoHolders(t *testing.T) {
	const seed, steps = 20261129, 4000
	r := rand.New(rand.NewPCG(seed, seed))
	e := newEnv(t)
	var numbers []string
	pledgedAt := map[string][2]string{}
	ok := 0
	refused, accepted := map[string]int{}, map[string]int{}
	for i := 0; i < steps; i++ {
		signer, msg := randomStep(r, e, &numbers)
		touched := touchedBills(msg, numbers, i%250 == 0)
		before := snapshot(e, touched)
		err := e.apply(signer, msg)
		if err == nil {
			ok++
			accepted[fmt.Sprintf("%T", msg.Sum)]++
		} else {
			_, code, _ := base.ABCIInfo(err)
			refused[fmt.Sprintf("%T/%d", msg.Sum, code)]++
		}
		after := snapshot(e, touched)
		if err == nil {
			if nb := newBill(msg); nb != "" {
				numbers = append(numbers, nb)
				after[nb] = e.bill(nb)
				checkBill(t, i, e, nb, after[nb], pledgedAt)
			}
		}
		for _, n := range touched {
			checkControl(t, i, signer, msg, err, before[n], after[n])
			checkBill(t, i, e, n, after[n], pledgedAt)
		}
	}
	t.Logf("accepted: %v", accepted)
	t.Logf("refused (type/code): %v", refused)
	if ok < steps/5 || len(accepted) != 12 {
		t.Fatalf("only %d of %d random actions succeeded, of %d kinds; the walk explores too little", ok, steps, len(accepted))
	}
	t.Logf("%d steps, %d accepted, %d bills", steps, ok, len(numbers))
}

// guidedStep picks an action the bill's status allows, signed by the party
// the action needs (it may still be refused, e.g. a straight bill's target).
func guidedStep(r *rand.Rand, e *env, b *types.Bill) (string, *types.Msg) {
	n, holder := b.Content.Number, b.Possessor
	anyone := randomActors[r.IntN(len(randomActors))]
	switch b.Status {
	case types.BillStatus_BILL_STATUS_DRAFT:
		return b.Issuer, issueDraftMsg(n)
	case types.BillStatus_BILL_STATUS_ISSUED:
		switch r.IntN(8) {
		case 0, 1:
			return holder, transferMsg(n, anyone)
		case 2, 3:
			return holder, endorseMsg(n, anyone)
		case 4:
			return holder, pledgeMsg(n, "cq-bank", e.now.Unix()+86400)
		case 5:
			return b.Content.Legs[1].Carrier, legMsg(n, 1, types.LegEventType_LEG_EVENT_TYPE_ARRIVED, "THLCH")
		case 6:
			return holder, surrenderMsg(n, types.SurrenderPurpose(1+r.IntN(2)))
		default:
			return b.TitleHolder, transferMsg(n, anyone) // the title holder alone, when apart
		}
	case types.BillStatus_BILL_STATUS_PLEDGED:
		switch r.IntN(4) {
		case 0:
			return b.Pledge.Bank, releaseMsg(n)
		case 1:
			return b.Pledge.Bank, enforceMsg(n)
		case 2:
			return b.Pledge.Pledgor, transferMsg(n, anyone) // always refused: PLEDGED
		default:
			return b.Pledge.Bank, endorseMsg(n, anyone) // always refused: PLEDGED
		}
	case types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT:
		if r.IntN(3) > 0 {
			return b.Issuer, acceptMsg(n, railSea(fmt.Sprintf("R-%d", e.height), r.IntN(3) > 0))
		}
		return b.Issuer, rejectMsg(n)
	case types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY:
		if r.IntN(3) > 0 {
			return b.Issuer, rejectMsg(n)
		}
		return b.Issuer, acceptMsg(n, nil)
	}
	return "", nil
}

// newBill is the number of the bill a message creates, if any.
func newBill(m *types.Msg) string {
	if ib := m.GetIssueBill(); ib != nil {
		return ib.Content.Number
	}
	return m.GetAcceptSurrender().GetAmended().GetNumber()
}

// terminal says whether bill n can no longer move.
func terminal(e *env, n string) bool {
	b, _ := e.k.Get(e.st, n)
	switch b.GetStatus() {
	case types.BillStatus_BILL_STATUS_VOID, types.BillStatus_BILL_STATUS_SWITCHED_TO_PAPER, types.BillStatus_BILL_STATUS_SURRENDERED_FOR_DELIVERY:
		return true
	}
	return false
}

// touchedBills are the bills a message can change (all of them on a sweep).
func touchedBills(msg *types.Msg, numbers []string, sweep bool) []string {
	if sweep {
		return numbers
	}
	var out []string
	for _, n := range numbers {
		if n == msgNumber(msg) || (msg.GetAcceptSurrender() != nil && n == msg.GetAcceptSurrender().GetAmended().GetNumber()) {
			out = append(out, n)
		}
	}
	return out
}

func msgNumber(m *types.Msg) string {
	switch s := m.Sum.(type) {
	case *types.Msg_IssueBill:
		return s.IssueBill.Content.Number
	case *types.Msg_IssueDraft:
		return s.IssueDraft.Number
	case *types.Msg_Transfer:
		return s.Transfer.Number
	case *types.Msg_Endorse:
		return s.Endorse.Number
	case *types.Msg_Pledge:
		return s.Pledge.Number
	case *types.Msg_Release:
		return s.Release.Number
	case *types.Msg_Enforce:
		return s.Enforce.Number
	case *types.Msg_LegEvent:
		return s.LegEvent.Number
	case *types.Msg_Surrender:
		return s.Surrender.Number
	case *types.Msg_AcceptSurrender:
		return s.AcceptSurrender.Number
	case *types.Msg_RejectSurrender:
		return s.RejectSurrender.Number
	case *types.Msg_SwitchToPaper:
		return s.SwitchToPaper.Number
	}
	return ""
}

func snapshot(e *env, numbers []string) map[string]*types.Bill {
	out := map[string]*types.Bill{}
	for _, n := range numbers {
		b, _ := e.k.Get(e.st, n)
		out[n] = b
	}
	return out
}

// checkControl: a change of title holder or possessor is made only by the
// party in control — the possessor, the pledgee bank or the issuer. A
// refused action is not looked at: its writes never reach the ledger.
func checkControl(t *testing.T, step int, signer string, msg *types.Msg, err error, before, after *types.Bill) {
	t.Helper()
	if err != nil || before == nil || after == nil {
		return
	}
	moved := before.TitleHolder != after.TitleHolder || before.Possessor != after.Possessor
	if !moved || before.Status == types.BillStatus_BILL_STATUS_DRAFT {
		return
	}
	if signer != before.Possessor && signer != before.Pledge.GetBank() && signer != before.Issuer {
		t.Fatalf("step %d: %s moved bill %s held by %s", step, signer, after.Content.Number, before.Possessor)
	}
	if before.Status == types.BillStatus_BILL_STATUS_PLEDGED && signer != before.Pledge.GetBank() {
		t.Fatalf("step %d: pledged bill %s moved by %s", step, after.Content.Number, signer)
	}
}

func checkBill(t *testing.T, step int, e *env, n string, b *types.Bill, pledgedAt map[string][2]string) {
	t.Helper()
	if b == nil {
		return
	}
	if err := types.VerifyHistory(b, e.history(n), nil); err != nil {
		t.Fatalf("step %d: %v", step, err)
	}
	wantOne := func(prefix byte, member string) {
		found := indexHolders(t, e, prefix, n)
		if (member == "" && len(found) != 0) || (member != "" && (len(found) != 1 || found[0] != member)) {
			t.Fatalf("step %d: bill %s index 0x%x lists %v, record says %q", step, n, prefix, found, member)
		}
	}
	wantOne(0xb0, b.Possessor)
	wantOne(0xb1, b.TitleHolder)
	wantOne(0xb3, b.Pledge.GetBank())
	if b.Status == types.BillStatus_BILL_STATUS_DRAFT && (b.Possessor != "" || b.TitleHolder != "") {
		t.Fatalf("step %d: draft %s has holders", step, n)
	}
	if b.Status != types.BillStatus_BILL_STATUS_PLEDGED {
		if b.Pledge != nil {
			t.Fatalf("step %d: bill %s in %v keeps a pledge", step, n, b.Status)
		}
		delete(pledgedAt, n)
		return
	}
	if b.Possessor != b.Pledge.Bank || b.TitleHolder != b.Pledge.Pledgor {
		t.Fatalf("step %d: pledged bill %s held by %s/%s, pledge %+v", step, n, b.TitleHolder, b.Possessor, b.Pledge)
	}
	now := [2]string{b.TitleHolder, b.Possessor}
	if was, ok := pledgedAt[n]; ok && was != now {
		t.Fatalf("step %d: pledged bill %s moved from %v to %v", step, n, was, now)
	}
	pledgedAt[n] = now
}

// indexHolders lists the members an index lists bill n under.
func indexHolders(t *testing.T, e *env, prefix byte, n string) []string {
	var out []string
	err := base.IteratePrefix(e.idx, []byte{prefix}, func(k, _ []byte) bool {
		member, rest, err := base.ReadString(k[1:])
		if err != nil {
			t.Fatal(err)
		}
		num, _, _ := base.ReadString(rest)
		if num == n {
			out = append(out, member)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
