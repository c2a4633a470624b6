// Package keeper applies customs messages to state and answers customs queries.
package keeper

import (
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/types"
)

// Keeper holds the customs module's dependencies; it keeps no state of its own.
type Keeper struct{}

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error {
	return base.ErrInvalidMsg.Wrapf("customs: no supported action is set")
}

// Handle applies one message.
func (k Keeper) Handle(_ base.Context, msg *types.Msg) error { return k.ValidateMsg(msg) }
