package keeper

import (
	"bytes"
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// Keeper reads and writes bills. It holds no state of its own.
type Keeper struct {
	members Members
}

// NewKeeper returns a keeper that checks parties against members.
func NewKeeper(members Members) Keeper { return Keeper{members: members} }

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error { return types.ValidateMsg(msg) }

// Handle applies one message; ctx.Signer is the actor.
func (k Keeper) Handle(ctx base.Context, msg *types.Msg) error {
	if err := types.ValidateMsg(msg); err != nil {
		return err
	}
	switch m := msg.GetSum().(type) {
	case *types.Msg_IssueBill:
		return k.issueBill(ctx, m.IssueBill)
	case *types.Msg_IssueDraft:
		return k.issueDraft(ctx, m.IssueDraft)
	case *types.Msg_Transfer:
		return k.transfer(ctx, m.Transfer)
	case *types.Msg_Endorse:
		return k.endorse(ctx, m.Endorse)
	case *types.Msg_Pledge:
		return k.pledge(ctx, m.Pledge)
	case *types.Msg_Release:
		return k.endPledge(ctx, m.Release.Number, m.Release.Remark, false)
	case *types.Msg_Enforce:
		return k.endPledge(ctx, m.Enforce.Number, m.Enforce.Remark, true)
	case *types.Msg_LegEvent:
		return k.legEvent(ctx, m.LegEvent)
	case *types.Msg_Surrender:
		return k.surrender(ctx, m.Surrender)
	case *types.Msg_AcceptSurrender:
		return k.acceptSurrender(ctx, m.AcceptSurrender)
	case *types.Msg_RejectSurrender:
		return k.rejectSurrender(ctx, m.RejectSurrender)
	case *types.Msg_SwitchToPaper:
		return k.switchToPaper(ctx, m.SwitchToPaper)
	default:
		return base.ErrInvalidMsg.Wrapf("bill: no action is set")
	}
}

// Get returns the bill with number, its content filled in, or (nil, nil)
// when there is none. The content is protected: public answers use
// GetRecord.
func (k Keeper) Get(r base.Reader, number string) (*types.Bill, error) {
	b, err := k.GetRecord(r, number)
	if err != nil || b == nil {
		return nil, err
	}
	bz, err := r.Get(types.ContentKey(number))
	if err != nil {
		return nil, err
	}
	if bz == nil {
		return nil, fmt.Errorf("bill: the content of bill %q is missing from state", number)
	}
	b.Content = &types.BillContent{}
	if err := b.Content.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("bill: stored content of %q does not decode: %w", number, err)
	}
	if err := types.VerifyContent(b); err != nil {
		return nil, fmt.Errorf("bill: stored content of %q: %w", number, err)
	}
	return b, nil
}

// GetRecord returns the public record of the bill with number (without
// content), or (nil, nil) when there is none.
func (Keeper) GetRecord(r base.Reader, number string) (*types.Bill, error) {
	if types.ValidateNumber("number", number) != nil {
		return nil, nil
	}
	bz, err := r.Get(types.BillKey(number))
	if err != nil || bz == nil {
		return nil, err
	}
	b := &types.Bill{}
	if err := b.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("bill: stored bill %q does not decode: %w", number, err)
	}
	if b.Number != number || b.Content != nil {
		return nil, fmt.Errorf("bill: record under %q names bill %q or holds content", number, b.Number)
	}
	return b, nil
}

// History returns a bill's history entries, oldest first.
func (Keeper) History(r base.Reader, number string) ([]*types.HistoryEntry, error) {
	var out []*types.HistoryEntry
	var decodeErr error
	err := base.IteratePrefix(r, types.HistoryPrefix(number), func(_, v []byte) bool {
		e := &types.HistoryEntry{}
		if decodeErr = e.Unmarshal(v); decodeErr != nil {
			return false
		}
		out = append(out, e)
		return true
	})
	if err == nil {
		err = decodeErr
	}
	return out, err
}

// mustGet loads a bill that a message names.
func (k Keeper) mustGet(r base.Reader, number string) (*types.Bill, error) {
	b, err := k.Get(r, number)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, base.ErrNotFound.Wrapf("bill %s is not on the ledger", number)
	}
	return b, nil
}

// requireMember checks that id is a registered, active member.
func (k Keeper) requireMember(r base.Reader, field, id string) error {
	m, err := k.members.Get(r, id)
	if err != nil {
		return err
	}
	if m == nil {
		return base.ErrNotFound.Wrapf("%s: member %q is not registered", field, id)
	}
	if m.Status != membershiptypes.MemberStatus_MEMBER_STATUS_ACTIVE {
		return base.ErrMemberSuspended.Wrapf("%s: member %q is %s", field, id, m.Status)
	}
	return nil
}

// requireRole checks that a member the message names (not the signer) is
// registered, active and holds role.
func (k Keeper) requireRole(r base.Reader, field, id string, role membershiptypes.Role) error {
	if err := k.requireMember(r, field, id); err != nil {
		return err
	}
	if _, err := k.members.MustHaveRole(r, id, role); err != nil {
		return base.Prefix(err, "%s", field)
	}
	return nil
}

// record appends a history entry for the action just applied to b, then
// stores b and updates its index entries against old (nil for a new bill).
// prevHash overrides the link of a new bill's first entry (amendments).
func (k Keeper) record(ctx base.Context, old, b *types.Bill, e *types.HistoryEntry, prevHash []byte) error {
	if b.HistoryLength >= types.HistoryEntriesMax {
		return base.ErrLimitExceeded.Wrapf("bill %s has %d history entries, the most a bill may have", b.Content.Number, b.HistoryLength)
	}
	if old == nil {
		var err error
		b.Number = b.Content.Number
		if b.ContentHash, err = types.ContentHash(b.Content); err != nil {
			return err
		}
	}
	e.Number, e.Seq, e.Actor = b.Number, b.HistoryLength, ctx.Signer
	e.TimeUnixNano, e.Height = ctx.Time.UnixNano(), ctx.Height
	e.StatusAfter, e.TitleHolderAfter, e.PossessorAfter = b.Status, b.TitleHolder, b.Possessor
	e.PrevHash = b.HistoryHead
	if b.HistoryLength == 0 {
		e.PrevHash = prevHash
	}
	var err error
	if e.StateHash, err = types.StateHash(b); err != nil {
		return err
	}
	if e.Hash, err = types.EntryHash(e); err != nil {
		return err
	}
	entryBz, err := e.Marshal()
	if err != nil {
		return err
	}
	ctx.State.Set(types.HistoryKey(e.Number, e.Seq), entryBz)
	b.HistoryLength++
	b.HistoryHead = e.Hash
	if err := k.save(ctx, old, b); err != nil {
		return err
	}
	ctx.Emit("bill."+actionName(e.Action), "number", e.Number, "actor", e.Actor, "status", b.Status.String(),
		"title_holder", b.TitleHolder, "possessor", b.Possessor)
	return nil
}

// save writes the record (without content) and moves its index entries
// from old to b. The content is written once, with a new bill (old nil):
// it never changes.
func (Keeper) save(ctx base.Context, old, b *types.Bill) error {
	rec := *b
	rec.Content = nil
	bz, err := rec.Marshal()
	if err != nil {
		return err
	}
	ctx.State.Set(types.BillKey(b.Number), bz)
	if old == nil {
		cbz, err := b.Content.Marshal()
		if err != nil {
			return err
		}
		ctx.State.Set(types.ContentKey(b.Number), cbz)
	}
	newKeys := types.IndexKeys(b)
	if old != nil {
		for _, k := range types.IndexKeys(old) {
			if !containsKey(newKeys, k) {
				ctx.Index.Delete(k)
			}
		}
	}
	for _, k := range newKeys {
		ctx.Index.Set(k, []byte{})
	}
	return nil
}

func containsKey(keys [][]byte, k []byte) bool {
	for _, x := range keys {
		if bytes.Equal(x, k) {
			return true
		}
	}
	return false
}

// DeriveIndex emits every index entry the module's state implies: each
// bill's listings.
func (Keeper) DeriveIndex(r base.Reader, emit base.IndexEmit) error {
	return base.EachRecord(r, types.BillPrefix(), func() *types.Bill { return &types.Bill{} }, func(b *types.Bill) error {
		for _, k := range types.IndexKeys(b) {
			if err := emit(k, []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}
