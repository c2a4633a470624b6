package app

import (
	"crypto/ed25519"
	"crypto/sha256"
	"strconv"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/x/base"
)

// decodedTx is a transaction that passed every stateless check.
type decodedTx struct {
	tx   *types.Tx
	body *types.TxBody
	hash []byte
}

// txChecks chooses the costly checks. A transaction already in the mempool
// was fully checked when it entered; when CometBFT rechecks it after a
// block, only what a block can change is checked again (key status,
// sequence, timeout), not its messages or its signature over unchanged
// bytes.
type txChecks struct{ messages, signature bool }

var (
	fullChecks    = txChecks{messages: true, signature: true}
	recheckChecks = txChecks{}
)

// decodeTx decodes a transaction and checks everything that needs no state:
// size, shape, chain id, message count and (with c.messages) each message's
// own validation.
func (a *App) decodeTx(bz []byte, c txChecks) (*decodedTx, error) {
	lim := a.cfg.Limits
	if len(bz) > lim.TxBytesMax {
		return nil, base.ErrTxTooLarge.Wrapf("tx is %d bytes; the limit is %d", len(bz), lim.TxBytesMax)
	}
	if len(bz) == 0 {
		return nil, base.ErrTxDecode.Wrapf("tx is empty")
	}
	tx := &types.Tx{}
	if err := tx.Unmarshal(bz); err != nil {
		return nil, base.ErrTxDecode.Wrapf("tx does not decode as corridor.tx.v1.Tx: %v", err)
	}
	if len(tx.BodyBytes) == 0 || len(tx.Signature) == 0 {
		return nil, base.ErrTxDecode.Wrapf("tx needs both body_bytes and signature")
	}
	body := &types.TxBody{}
	if err := body.Unmarshal(tx.BodyBytes); err != nil {
		return nil, base.ErrTxDecode.Wrapf("body_bytes do not decode as corridor.tx.v1.TxBody: %v", err)
	}
	if body.ChainId != a.chainID {
		return nil, base.ErrWrongChainID.Wrapf("tx is for chain %q; this is chain %q", body.ChainId, a.chainID)
	}
	if body.Signer == nil || body.Signer.MemberId == "" || body.Signer.KeyId == "" {
		return nil, base.ErrTxDecode.Wrapf("body.signer needs member_id and key_id")
	}
	if len(body.Memo) > lim.MemoBytesMax {
		return nil, base.ErrLimitExceeded.Wrapf("memo is %d bytes; the limit is %d", len(body.Memo), lim.MemoBytesMax)
	}
	if len(body.Messages) == 0 {
		return nil, base.ErrEmptyTx.Wrapf("tx carries no messages")
	}
	if len(body.Messages) > lim.MessagesPerTxMax {
		return nil, base.ErrTooManyMessages.Wrapf("tx carries %d messages; the limit is %d", len(body.Messages), lim.MessagesPerTxMax)
	}
	for i, m := range body.Messages {
		if !c.messages {
			break
		}
		if err := a.validateMsg(m); err != nil {
			return nil, wrapMsgIndex(err, i)
		}
	}
	h := sha256.Sum256(bz)
	return &decodedTx{tx: tx, body: body, hash: h[:]}, nil
}

// authenticate checks the signer's key and signature and the sequence
// against state r, where next is the sequence the signer must use now.
func (a *App) authenticate(r base.Reader, d *decodedTx, height int64, next uint64, c txChecks) error {
	b := d.body
	if b.TimeoutHeight != 0 && height > b.TimeoutHeight {
		return base.ErrTxTimeout.Wrapf("tx timed out at height %d; the chain is at %d", b.TimeoutHeight, height)
	}
	_, key, err := a.members.Authenticate(r, b.Signer.MemberId, b.Signer.KeyId, height)
	if err != nil {
		return err
	}
	if c.signature && !ed25519.Verify(key.PublicKey, types.SignBytes(a.chainID, d.tx.BodyBytes), d.tx.Signature) {
		return base.ErrBadSignature.Wrapf("signature does not verify with key %q of member %q over chain %q", b.Signer.KeyId, b.Signer.MemberId, a.chainID)
	}
	switch {
	case b.Sequence < next:
		return base.ErrSequenceReplayed.Wrapf("sequence %d of %q is already used; the next is %d", b.Sequence, b.Signer.MemberId, next)
	case b.Sequence > next:
		return base.ErrSequenceGap.Wrapf("sequence %d of %q skips ahead; the next is %d", b.Sequence, b.Signer.MemberId, next)
	}
	return nil
}

// wrapMsgIndex keeps the error's code and says which message failed.
func wrapMsgIndex(err error, i int) error { return base.Prefix(err, "message %d", i) }

func itoa(i int) string { return strconv.Itoa(i) }
