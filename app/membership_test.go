package app_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/client"
	mk "github.com/landsea/corridor/x/membership/keeper"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestKeyQuery: a member rotates its key until its record is full and the
// oldest revoked keys are dropped from it. The Key query still answers for
// those, with the public key and heights they had and a proof of their own
// record against the app hash; a listed key comes with a proof of the
// member's record. A dropped key's id is refused for a new key.
func TestKeyQuery(t *testing.T) {
	c := newChain(t)
	c.block()
	pub := map[string][]byte{"k1": c.keys["sichuan"].LedgerKey().PublicKey}
	revokedAt := map[string]int64{}
	last := mt.KeysPerRecordMax + 2 // k33 drops k2, k34 drops k3
	var appHash []byte
	for i := 2; i <= last; i++ {
		id := fmt.Sprintf("k%d", i)
		k := seedKey("sichuan-" + id)
		k.MemberID, k.KeyID = "sichuan", id
		pub[id] = k.LedgerKey().PublicKey
		fin := c.block(c.tx("sichuan",
			client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_AddKey{AddKey: &mt.MsgAddKey{Key: k.LedgerKey()}}}),
			client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_RevokeKey{RevokeKey: &mt.MsgRevokeKey{KeyId: id}}})))
		mustOK(t, fin)
		revokedAt[id], appHash = c.height, fin.AppHash
	}

	q, ctx := mk.NewQueryServer(app.NewCommitted(c.st)), context.Background()
	for _, tc := range []struct {
		id      string
		dropped bool
	}{{"k1", false}, {"k2", true}, {"k3", true}, {"k4", false}, {fmt.Sprintf("k%d", last), false}} {
		resp, err := q.Key(ctx, &mt.KeyRequest{MemberId: "sichuan", KeyId: tc.id, Prove: true})
		if err != nil {
			t.Fatalf("key %s: %v", tc.id, err)
		}
		if resp.Dropped != tc.dropped || resp.Key.Id != tc.id || !bytes.Equal(resp.Key.PublicKey, pub[tc.id]) ||
			resp.Key.NotAfterHeight != revokedAt[tc.id] || resp.Height != c.height {
			t.Fatalf("key %s: %+v at height %d; want dropped %v, its public key, signing until %d, at height %d",
				tc.id, resp.Key, resp.Height, tc.dropped, revokedAt[tc.id], c.height)
		}
		want := mt.MemberKey("sichuan")
		if tc.dropped {
			want = mt.RetiredKeyKey("sichuan", tc.id)
		}
		verifyProof(t, resp.Proof, want, appHash)
		m, _ := q.Member(ctx, &mt.MemberRequest{Id: "sichuan"})
		if listed := mt.FindKey(m.Member, tc.id) != nil; listed == tc.dropped {
			t.Fatalf("key %s: listed in the record %v, dropped %v", tc.id, listed, tc.dropped)
		}
	}
	for _, tc := range []struct {
		member, key string
		code        codes.Code
	}{
		{"sichuan", fmt.Sprintf("k%d", last+1), codes.NotFound},
		{"no-such-member", "k1", codes.NotFound},
		{"sichuan", "not a key id", codes.InvalidArgument},
		{"Sichuan", "k1", codes.InvalidArgument},
	} {
		if _, err := q.Key(ctx, &mt.KeyRequest{MemberId: tc.member, KeyId: tc.key}); status.Code(err) != tc.code {
			t.Errorf("key %s of %s: %v, want %s", tc.key, tc.member, err, tc.code)
		}
	}

	// A new key under k2's id is refused; k2 stays as it was.
	k := seedKey("sichuan-k2-again")
	k.MemberID, k.KeyID = "sichuan", "k2"
	fin := c.block(c.tx("sichuan", client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_AddKey{AddKey: &mt.MsgAddKey{Key: k.LedgerKey()}}})))
	wantCode(t, fin, 0, "corridor", 14)
	resp, err := q.Key(ctx, &mt.KeyRequest{MemberId: "sichuan", KeyId: "k2"})
	if err != nil || !resp.Dropped || !bytes.Equal(resp.Key.PublicKey, pub["k2"]) {
		t.Fatalf("k2 after the refused key: %+v, %v", resp, err)
	}
}
