package keeper

import (
	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

// Keeper reads and writes grants and access events. It holds no state of
// its own.
type Keeper struct {
	members Members
}

// NewKeeper returns a keeper that checks signers and grantees against members.
func NewKeeper(members Members) Keeper { return Keeper{members: members} }

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error { return types.ValidateMsg(msg) }

// Handle applies one message; ctx.Signer is the actor.
func (k Keeper) Handle(ctx base.Context, msg *types.Msg) error {
	if err := types.ValidateMsg(msg); err != nil {
		return err
	}
	switch m := msg.GetSum().(type) {
	case *types.Msg_Grant:
		return k.grant(ctx, m.Grant)
	case *types.Msg_Revoke:
		return k.revoke(ctx, m.Revoke)
	case *types.Msg_RecordEvents:
		return k.recordEvents(ctx, m.RecordEvents)
	}
	return nil
}

// EndBlock expires the grants whose expiry time has come (at most
// types.ExpiriesPerBlockMax per block, oldest first).
func (k Keeper) EndBlock(ctx base.Context) error { return k.expireGrants(ctx) }
