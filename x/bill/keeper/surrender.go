package keeper

import (
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

// legEvent records a transport event of one leg. It changes where the
// goods are, never who holds the bill.
func (k Keeper) legEvent(ctx base.Context, m *types.MsgRecordLegEvent) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpLegEvent, ctx.Signer, m.LegIndex); err != nil {
		return err
	}
	last := int(m.LegIndex) == len(b.Content.Legs)-1
	if m.Type == types.LegEventType_LEG_EVENT_TYPE_HANDED_OVER && last {
		return base.ErrInvalidMsg.Wrapf("type: leg %d is the last leg of bill %s; there is no next carrier to hand over to (record DELIVERED)", m.LegIndex, m.Number)
	}
	if m.Type == types.LegEventType_LEG_EVENT_TYPE_DELIVERED && !last {
		return base.ErrInvalidMsg.Wrapf("type: goods are delivered at the end of the last leg (%d), not leg %d", len(b.Content.Legs)-1, m.LegIndex)
	}
	old := clone(b)
	ev := &types.LegEvent{LegIndex: m.LegIndex, Type: m.Type, Rec24Code: types.Rec24Code(m.Type), Location: m.Location,
		TimeUnixNano: ctx.Time.UnixNano(), Height: ctx.Height}
	b.LastEvent = ev
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_LEG_EVENT, LegEvent: ev, Remark: m.Remark}, nil)
}

// surrender hands the bill to its issuer, for delivery of the goods or for
// amendment. The issuer holds it until it accepts or rejects.
func (k Keeper) surrender(ctx base.Context, m *types.MsgSurrender) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	op, action, status := OpSurrenderForDelivery, types.Action_ACTION_SURRENDER_FOR_DELIVERY, types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	if m.Purpose == types.SurrenderPurpose_SURRENDER_PURPOSE_AMENDMENT {
		op, action, status = OpSurrenderForAmendment, types.Action_ACTION_SURRENDER_FOR_AMENDMENT, types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT
	}
	if err := Check(b, op, ctx.Signer, 0); err != nil {
		return err
	}
	old := clone(b)
	b.Status, b.Possessor = status, b.Issuer
	return k.record(ctx, old, b, &types.HistoryEntry{Action: action, Counterparty: b.Issuer, Remark: m.Remark}, nil)
}

// rejectSurrender returns a surrendered bill to its title holder.
func (k Keeper) rejectSurrender(ctx base.Context, m *types.MsgRejectSurrender) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpRejectSurrender, ctx.Signer, 0); err != nil {
		return err
	}
	old := clone(b)
	b.Status, b.Possessor = types.BillStatus_BILL_STATUS_ISSUED, b.TitleHolder
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_REJECT_SURRENDER, Counterparty: b.TitleHolder, Remark: m.Remark}, nil)
}

// acceptSurrender accomplishes a bill surrendered for delivery, or voids a
// bill surrendered for amendment and issues the amended bill under a new
// number to the same holder, its history linked to the old one's.
func (k Keeper) acceptSurrender(ctx base.Context, m *types.MsgAcceptSurrender) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpAcceptSurrender, ctx.Signer, 0); err != nil {
		return err
	}
	if b.Status == types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY {
		if m.Amended != nil {
			return base.ErrInvalidMsg.Wrapf("amended: bill %s was surrendered for delivery, not amendment; send no amended content", m.Number)
		}
		old := clone(b)
		b.Status = types.BillStatus_BILL_STATUS_SURRENDERED_FOR_DELIVERY
		return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_ACCEPT_SURRENDER, Remark: m.Remark}, nil)
	}
	return k.amend(ctx, b, m)
}

func (k Keeper) amend(ctx base.Context, b *types.Bill, m *types.MsgAcceptSurrender) error {
	if m.Amended == nil {
		return base.ErrInvalidMsg.Wrapf("amended: bill %s was surrendered for amendment; the amended content (with a new number) is required", m.Number)
	}
	if err := k.checkUnused(ctx.State, m.Amended.Number); err != nil {
		return err
	}
	if err := k.checkParties(ctx.State, m.Amended); err != nil {
		return base.Prefix(err, "amended")
	}
	old := clone(b)
	b.Status, b.ReplacedBy = types.BillStatus_BILL_STATUS_VOID, m.Amended.Number
	e := &types.HistoryEntry{Action: types.Action_ACTION_ACCEPT_SURRENDER, LinkedNumber: m.Amended.Number, Remark: m.Remark}
	if err := k.record(ctx, old, b, e, nil); err != nil {
		return err
	}
	nb := &types.Bill{
		Content:       m.Amended,
		Issuer:        b.Issuer,
		Status:        types.BillStatus_BILL_STATUS_ISSUED,
		TitleHolder:   b.TitleHolder,
		Possessor:     b.TitleHolder,
		Replaces:      b.Content.Number,
		CreatedHeight: ctx.Height,
		IssuedHeight:  ctx.Height,
	}
	ne := &types.HistoryEntry{Action: types.Action_ACTION_ISSUE_AMENDMENT, LinkedNumber: b.Content.Number, Remark: m.Remark}
	return k.record(ctx, nil, nb, ne, b.HistoryHead)
}

// switchToPaper makes the record inoperative: a paper document replaces it.
func (k Keeper) switchToPaper(ctx base.Context, m *types.MsgSwitchToPaper) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpSwitchToPaper, ctx.Signer, 0); err != nil {
		return err
	}
	old := clone(b)
	b.Status = types.BillStatus_BILL_STATUS_SWITCHED_TO_PAPER
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_SWITCH_TO_PAPER, Remark: m.Remark}, nil)
}
