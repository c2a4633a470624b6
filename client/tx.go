package client

import (
	"fmt"

	"github.com/landsea/corridor/app/types"
	accesstypes "github.com/landsea/corridor/x/access/types"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customstypes "github.com/landsea/corridor/x/customs/types"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// TxParams are the envelope fields of a transaction.
type TxParams struct {
	ChainID       string
	Sequence      uint64
	TimeoutHeight int64
	Memo          string
}

// BuildTx encodes the messages into a body, signs it with key and returns
// the transaction bytes ready to broadcast.
func BuildTx(key *Key, p TxParams, msgs ...*types.Message) ([]byte, error) {
	if len(msgs) == 0 {
		return nil, fmt.Errorf("client: a transaction needs at least one message")
	}
	body := &types.TxBody{
		Signer:        &types.Signer{MemberId: key.MemberID, KeyId: key.KeyID},
		Sequence:      p.Sequence,
		TimeoutHeight: p.TimeoutHeight,
		Memo:          p.Memo,
		Messages:      msgs,
		ChainId:       p.ChainID,
	}
	bodyBytes, err := body.Marshal()
	if err != nil {
		return nil, err
	}
	tx := &types.Tx{BodyBytes: bodyBytes, Signature: key.Sign(types.SignBytes(p.ChainID, bodyBytes))}
	return tx.Marshal()
}

// MembershipMsg wraps a membership action.
func MembershipMsg(m *membershiptypes.Msg) *types.Message {
	return &types.Message{Sum: &types.Message_Membership{Membership: m}}
}

// CustomsMsg wraps a customs action.
func CustomsMsg(m *customstypes.Msg) *types.Message {
	return &types.Message{Sum: &types.Message_Customs{Customs: m}}
}

// BillMsg wraps a single-bill action.
func BillMsg(m *billtypes.Msg) *types.Message {
	return &types.Message{Sum: &types.Message_Bill{Bill: m}}
}

// AccessMsg wraps an access action.
func AccessMsg(m *accesstypes.Msg) *types.Message {
	return &types.Message{Sum: &types.Message_Access{Access: m}}
}

// RegisterMember is a membership message admitting m.
func RegisterMember(m *membershiptypes.Member) *types.Message {
	return MembershipMsg(&membershiptypes.Msg{Sum: &membershiptypes.Msg_RegisterMember{
		RegisterMember: &membershiptypes.MsgRegisterMember{Member: m}}})
}
