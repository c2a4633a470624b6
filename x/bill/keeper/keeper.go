// Package keeper applies bill messages to state and answers bill queries.
package keeper

import (
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

// Keeper holds the bill module's dependencies; it keeps no state of its own.
type Keeper struct{}

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error {
	return base.ErrInvalidMsg.Wrapf("bill: no supported action is set")
}

// Handle applies one message.
func (k Keeper) Handle(_ base.Context, msg *types.Msg) error { return k.ValidateMsg(msg) }
