package keeper

import (
	"bytes"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/types"
)

// Keeper applies customs messages. Its only state between calls is the
// count of declarations lodged by the transaction being executed, which
// enforces the per-transaction limit across messages; the app executes a
// transaction's messages one after another from index 0, so the count is
// the same on every node.
type Keeper struct {
	members Members
	tally   *txTally
}

type txTally struct {
	txHash []byte
	count  int
}

// NewKeeper returns a keeper that asks members about signers.
func NewKeeper(members Members) Keeper { return Keeper{members: members, tally: &txTally{}} }

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error { return types.ValidateMsg(msg) }

// Handle applies one message signed by ctx.Signer.
func (k Keeper) Handle(ctx base.Context, msg *types.Msg) error {
	if err := types.ValidateMsg(msg); err != nil {
		return err
	}
	switch m := msg.GetSum().(type) {
	case *types.Msg_SubmitDeclaration:
		return k.submitAll(ctx, []*types.Declaration{m.SubmitDeclaration.Declaration}, "submit_declaration")
	case *types.Msg_SubmitDeclarations:
		return k.submitAll(ctx, m.SubmitDeclarations.Declarations, "submit_declarations.declarations")
	case *types.Msg_AmendDeclaration:
		return k.amend(ctx, m.AmendDeclaration)
	case *types.Msg_Decide:
		return k.decide(ctx, m.Decide)
	}
	return nil
}

// countDeclarations adds n to the declarations lodged by the current
// transaction and refuses the message when the total passes the limit.
func (k Keeper) countDeclarations(ctx base.Context, n int) error {
	if k.tally == nil {
		return nil
	}
	if ctx.MsgIndex == 0 || !bytes.Equal(k.tally.txHash, ctx.TxHash) {
		k.tally.txHash = append(k.tally.txHash[:0], ctx.TxHash...)
		k.tally.count = 0
	}
	k.tally.count += n
	if k.tally.count > types.DeclarationsPerTxMax {
		return base.ErrLimitExceeded.Wrapf("this transaction lodges %d declarations; a transaction lodges at most %d: split the load into more transactions",
			k.tally.count, types.DeclarationsPerTxMax)
	}
	return nil
}
