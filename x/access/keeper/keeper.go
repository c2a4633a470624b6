// Package keeper applies access messages to state and answers access queries.
package keeper

import (
	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

// Keeper holds the access module's dependencies; it keeps no state of its own.
type Keeper struct{}

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error {
	return base.ErrInvalidMsg.Wrapf("access: no supported action is set")
}

// Handle applies one message.
func (k Keeper) Handle(_ base.Context, msg *types.Msg) error { return k.ValidateMsg(msg) }
