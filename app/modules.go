package app

import (
	"github.com/landsea/corridor/app/types"
	accesskeeper "github.com/landsea/corridor/x/access/keeper"
	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customskeeper "github.com/landsea/corridor/x/customs/keeper"
	customstypes "github.com/landsea/corridor/x/customs/types"
	membershipkeeper "github.com/landsea/corridor/x/membership/keeper"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// msgHandler is what the app needs of a module's keeper for one message type.
type msgHandler[M any] interface {
	ValidateMsg(msg M) error
	Handle(ctx base.Context, msg M) error
}

// endBlocker is a module with work at the end of every block (expiry queues,
// governance proposals that expire).
type endBlocker interface {
	EndBlock(ctx base.Context) error
}

// modules wires the keepers together. Each consumer gets the small interface
// it declares; the concrete keepers are built here and nowhere else.
type modules struct {
	members     membershipkeeper.Keeper
	customs     msgHandler[*customstypes.Msg]
	bill        msgHandler[*billtypes.Msg]
	access      msgHandler[*accesstypes.Msg]
	endBlockers []endBlocker
}

func newModules() modules {
	members := membershipkeeper.Keeper{}
	m := modules{
		members: members,
		customs: customskeeper.NewKeeper(members),
		bill:    billkeeper.NewKeeper(members),
		access:  accesskeeper.NewKeeper(members),
	}
	for _, h := range []any{m.members, m.customs, m.bill, m.access} {
		if eb, ok := h.(endBlocker); ok {
			m.endBlockers = append(m.endBlockers, eb)
		}
	}
	return m
}

var _ msgHandler[*membershiptypes.Msg] = membershipkeeper.Keeper{}

// validateMsg runs a message's stateless checks.
func (a *App) validateMsg(msg *types.Message) error {
	switch m := msg.GetSum().(type) {
	case *types.Message_Membership:
		return a.members.ValidateMsg(m.Membership)
	case *types.Message_Customs:
		return a.customs.ValidateMsg(m.Customs)
	case *types.Message_Bill:
		return a.bill.ValidateMsg(m.Bill)
	case *types.Message_Access:
		return a.access.ValidateMsg(m.Access)
	default:
		return base.ErrInvalidMsg.Wrapf("message names no module")
	}
}

// handleMsg applies one message.
func (a *App) handleMsg(ctx base.Context, msg *types.Message) error {
	switch m := msg.GetSum().(type) {
	case *types.Message_Membership:
		return a.members.Handle(ctx, m.Membership)
	case *types.Message_Customs:
		return a.customs.Handle(ctx, m.Customs)
	case *types.Message_Bill:
		return a.bill.Handle(ctx, m.Bill)
	case *types.Message_Access:
		return a.access.Handle(ctx, m.Access)
	default:
		return base.ErrInvalidMsg.Wrapf("message names no module")
	}
}
