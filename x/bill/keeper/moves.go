package keeper

import (
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// transfer moves possession. An order bill goes to any member; a straight
// bill only to its consignee, or back to its title holder.
func (k Keeper) transfer(ctx base.Context, m *types.MsgTransfer) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpTransfer, ctx.Signer, 0); err != nil {
		return err
	}
	if m.To == b.Possessor {
		return base.ErrInvalidMsg.Wrapf("to: %s already possesses bill %s", m.To, m.Number)
	}
	if !b.Content.ToOrder && m.To != b.Content.Consignee.GetMemberId() && m.To != b.TitleHolder {
		return types.ErrStraightBill.Wrapf("bill %s is a straight bill consigned to %s; possession goes only to the consignee or back to the title holder %s, not to %s",
			m.Number, b.Content.Consignee.GetMemberId(), b.TitleHolder, m.To)
	}
	if err := k.requireMember(ctx.State, "to", m.To); err != nil {
		return err
	}
	old := clone(b)
	b.Possessor = m.To
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_TRANSFER, Counterparty: m.To, Remark: m.Remark}, nil)
}

// endorse moves title together with possession to the endorsee. An order
// bill is endorsed to any member; a straight bill only to its consignee.
func (k Keeper) endorse(ctx base.Context, m *types.MsgEndorse) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpEndorse, ctx.Signer, 0); err != nil {
		return err
	}
	if m.To == b.TitleHolder {
		return base.ErrInvalidMsg.Wrapf("to: %s already holds title to bill %s", m.To, m.Number)
	}
	if !b.Content.ToOrder && m.To != b.Content.Consignee.GetMemberId() {
		return types.ErrStraightBill.Wrapf("bill %s is a straight bill consigned to %s; it cannot be endorsed to %s",
			m.Number, b.Content.Consignee.GetMemberId(), m.To)
	}
	if err := k.requireMember(ctx.State, "to", m.To); err != nil {
		return err
	}
	old := clone(b)
	b.TitleHolder, b.Possessor = m.To, m.To
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_ENDORSE, Counterparty: m.To, Remark: m.Remark}, nil)
}

// pledge gives the bill to a bank as security: the bank becomes the
// possessor and nothing moves until it releases or enforces.
func (k Keeper) pledge(ctx base.Context, m *types.MsgPledge) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpPledge, ctx.Signer, 0); err != nil {
		return err
	}
	if m.Bank == ctx.Signer {
		return base.ErrInvalidMsg.Wrapf("bank: %s cannot pledge a bill to itself", m.Bank)
	}
	if err := k.requireRole(ctx.State, "bank", m.Bank, membershiptypes.Role_ROLE_BANK); err != nil {
		return err
	}
	if m.ExpiresUnix <= ctx.Time.Unix() {
		return base.ErrInvalidMsg.Wrapf("expires_unix: %d is not after the block time %d", m.ExpiresUnix, ctx.Time.Unix())
	}
	old := clone(b)
	p := &types.Pledge{Bank: m.Bank, Pledgor: ctx.Signer, AmountMinor: m.AmountMinor, Currency: m.Currency,
		AgreementReference: m.AgreementReference, ExpiresUnix: m.ExpiresUnix, PledgedHeight: ctx.Height}
	b.Pledge, b.Possessor, b.Status = p, m.Bank, types.BillStatus_BILL_STATUS_PLEDGED
	e := &types.HistoryEntry{Action: types.Action_ACTION_PLEDGE, Counterparty: m.Bank, Pledge: p, Remark: m.Remark}
	return k.record(ctx, old, b, e, nil)
}

// endPledge releases (possession back to the pledgor) or enforces (the bank
// takes title) a pledge.
func (k Keeper) endPledge(ctx base.Context, number, remark string, enforce bool) error {
	b, err := k.mustGet(ctx.State, number)
	if err != nil {
		return err
	}
	op, action := OpRelease, types.Action_ACTION_RELEASE
	if enforce {
		op, action = OpEnforce, types.Action_ACTION_ENFORCE
	}
	if err := Check(b, op, ctx.Signer, 0); err != nil {
		return err
	}
	old := clone(b)
	p := b.Pledge
	b.Pledge, b.Status = nil, types.BillStatus_BILL_STATUS_ISSUED
	b.Possessor = p.Pledgor
	if enforce {
		b.TitleHolder, b.Possessor = p.Bank, p.Bank
	}
	e := &types.HistoryEntry{Action: action, Counterparty: p.Pledgor, Pledge: p, Remark: remark}
	return k.record(ctx, old, b, e, nil)
}
