package keeper

import (
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// issueBill records a new bill, as a draft or in force. The number must
// never have been used, whatever became of the bill that used it.
func (k Keeper) issueBill(ctx base.Context, m *types.MsgIssueBill) error {
	if _, err := k.members.MustHaveRole(ctx.State, ctx.Signer, membershiptypes.Role_ROLE_CARRIER); err != nil {
		return base.Prefix(err, "issuer")
	}
	if err := k.checkUnused(ctx.State, m.Content.Number); err != nil {
		return err
	}
	if err := k.checkParties(ctx.State, m.Content); err != nil {
		return err
	}
	b := &types.Bill{
		Content:       m.Content,
		Issuer:        ctx.Signer,
		Status:        types.BillStatus_BILL_STATUS_DRAFT,
		CreatedHeight: ctx.Height,
	}
	action := types.Action_ACTION_DRAFT
	if !m.Draft {
		putInForce(ctx, b)
		action = types.Action_ACTION_ISSUE
	}
	return k.record(ctx, nil, b, &types.HistoryEntry{Action: action, Remark: m.Remark}, nil)
}

// putInForce issues b to its shipper: the shipper's member holds title and
// controls the record.
func putInForce(ctx base.Context, b *types.Bill) {
	b.Status = types.BillStatus_BILL_STATUS_ISSUED
	b.TitleHolder = b.Content.Shipper.MemberId
	b.Possessor = b.Content.Shipper.MemberId
	b.IssuedHeight = ctx.Height
}

// checkUnused refuses a number that any bill has ever used.
func (k Keeper) checkUnused(r base.Reader, number string) error {
	old, err := k.Get(r, number)
	if err != nil {
		return err
	}
	if old != nil {
		return base.ErrAlreadyExists.Wrapf("bill number %s was issued by %s at height %d (now %s); a bill number is never used twice",
			number, old.Issuer, old.CreatedHeight, statusName(old.Status))
	}
	return nil
}

// checkParties checks the members a bill names: the shipper, consignee and
// notify parties are active members where a member is given, and every leg
// is carried by a member with the carrier role.
func (k Keeper) checkParties(r base.Reader, c *types.BillContent) error {
	if err := k.requireMember(r, "content.shipper.member_id", c.Shipper.MemberId); err != nil {
		return err
	}
	if id := c.Consignee.GetMemberId(); id != "" {
		if err := k.requireMember(r, "content.consignee.member_id", id); err != nil {
			return err
		}
	}
	for _, p := range c.NotifyParties {
		if p.MemberId != "" {
			if err := k.requireMember(r, "content.notify_parties.member_id", p.MemberId); err != nil {
				return err
			}
		}
	}
	for i, l := range c.Legs {
		if err := k.requireRole(r, fmt.Sprintf("content.legs[%d].carrier", i), l.Carrier, membershiptypes.Role_ROLE_CARRIER); err != nil {
			return err
		}
	}
	return nil
}

// issueDraft puts a draft in force.
func (k Keeper) issueDraft(ctx base.Context, m *types.MsgIssueDraft) error {
	b, err := k.mustGet(ctx.State, m.Number)
	if err != nil {
		return err
	}
	if err := Check(b, OpIssueDraft, ctx.Signer, 0); err != nil {
		return err
	}
	if err := k.requireMember(ctx.State, "content.shipper.member_id", b.Content.Shipper.MemberId); err != nil {
		return err
	}
	old := clone(b)
	putInForce(ctx, b)
	return k.record(ctx, old, b, &types.HistoryEntry{Action: types.Action_ACTION_ISSUE, Remark: m.Remark}, nil)
}

// clone copies a bill record deeply enough that changing the copy's
// top-level fields leaves the original as it was.
func clone(b *types.Bill) *types.Bill {
	c := *b
	return &c
}
