package app

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// FuzzDecodeTx feeds arbitrary bytes to the transaction decoder: it must
// never panic, and every refusal must carry a code from the envelope's
// table with a message.
func FuzzDecodeTx(f *testing.F) {
	st, err := store.Open(f.TempDir(), store.Options{BucketDepth: 12})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	a, err := New(st, "corridor-fuzz", DefaultConfig(), nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, bz []byte) {
		d, err := a.decodeTx(bz, fullChecks)
		if err == nil {
			if d.body == nil || len(d.body.Messages) == 0 || d.body.ChainId != "corridor-fuzz" {
				t.Fatalf("accepted a tx without messages or for another chain: %+v", d.body)
			}
			return
		}
		var c *base.Code
		if !errors.As(err, &c) || c.Codespace == "" || err.Error() == "" {
			t.Fatalf("refusal without a code: %v", err)
		}
		if errors.Is(err, base.ErrInternal) {
			t.Fatalf("decoding bad input is not an internal error: %v", err)
		}
	})
}

func fuzzSeeds(f *testing.F) [][]byte {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	msg := &types.Message{Sum: &types.Message_Membership{Membership: &mt.Msg{Sum: &mt.Msg_RevokeKey{RevokeKey: &mt.MsgRevokeKey{KeyId: "k1"}}}}}
	body := &types.TxBody{Signer: &types.Signer{MemberId: "chongqing", KeyId: "k1"}, ChainId: "corridor-fuzz", Messages: []*types.Message{msg}}
	bb, err := body.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	good, err := (&types.Tx{BodyBytes: bb, Signature: ed25519.Sign(priv, types.SignBytes("corridor-fuzz", bb))}).Marshal()
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{good, {}, {0x0a}, {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}, []byte("garbage")}
}
