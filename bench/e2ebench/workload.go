package main

import (
	"crypto/sha256"
	"fmt"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/x/customs/examples"
	ct "github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// plannedTx is one transaction of a workload before it is signed.
type plannedTx struct {
	signer  string
	msgs    []*types.Message
	records int // ledger records the tx creates
}

// workload is an ordered list of transactions; each signer's transactions
// are submitted in this order.
type workload struct {
	name string
	txs  []plannedTx
}

func (w workload) records() int {
	n := 0
	for _, tx := range w.txs {
		n += tx.records
	}
	return n
}

// signerIDs are the first n provinces, the members that sign every workload
// (province authorities may both admit members and lodge declarations).
func signerIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = mt.Provinces[i].ID
	}
	return out
}

// planRegister is workload (a): n transactions, each a province admitting
// one carrier member into its own province. Signers take turns.
func planRegister(n int, signers []string) workload {
	w := workload{name: "register", txs: make([]plannedTx, n)}
	for k := range w.txs {
		signer := signers[k%len(signers)]
		w.txs[k] = plannedTx{signer: signer, records: 1, msgs: []*types.Message{client.RegisterMember(benchMember(signer, k))}}
	}
	return w
}

func benchMember(province string, k int) *mt.Member {
	id := fmt.Sprintf("%s-bench-%07d", province, k)
	pub := sha256.Sum256([]byte("e2ebench/" + id)) // any 32 bytes: the member never signs
	return &mt.Member{
		Id: id, Name: "Benchmark carrier " + id, Roles: []mt.Role{mt.Role_ROLE_CARRIER},
		Province: province, Country: "CN",
		Keys: []*mt.Key{{Id: "k1", Scheme: mt.KeyScheme_KEY_SCHEME_ED25519, PublicKey: pub[:]}},
	}
}

// shipments are the example declarations the bulk workload cycles through
// (Thailand, Laos, Viet Nam, Malaysia: different routes and documents).
var shipments = []func() *ct.Declaration{
	examples.ElectronicsToThailand, examples.AppliancesToLaos, examples.FruitToVietnam, examples.PartsToMalaysia,
}

// planBulk is workload (b): records declarations in transactions of batch
// declarations each (one MsgSubmitDeclarations), signers taking turns.
func planBulk(records, batch int, signers []string) workload {
	w := workload{name: "bulk"}
	for first, k := 0, 0; first < records; first, k = first+batch, k+1 {
		n := min(batch, records-first)
		ds := make([]*ct.Declaration, n)
		for i := range ds {
			d := shipments[(first+i)%len(shipments)]()
			d.TraderReference = fmt.Sprintf("BENCH-%09d", first+i)
			ds[i] = d
		}
		msg := &ct.Msg{Sum: &ct.Msg_SubmitDeclarations{SubmitDeclarations: &ct.MsgSubmitDeclarations{Declarations: ds}}}
		w.txs = append(w.txs, plannedTx{signer: signers[k%len(signers)], records: n, msgs: []*types.Message{client.CustomsMsg(msg)}})
	}
	return w
}

// sign signs every transaction of w for chainID with the signers' keys;
// next holds each signer's next sequence and is advanced.
func sign(w workload, keys map[string]*client.Key, chainID string, next map[string]uint64) ([][]byte, error) {
	out := make([][]byte, len(w.txs))
	for i, tx := range w.txs {
		key := keys[tx.signer]
		if key == nil {
			return nil, fmt.Errorf("no key for signer %q", tx.signer)
		}
		bz, err := client.BuildTx(key, client.TxParams{ChainID: chainID, Sequence: next[tx.signer]}, tx.msgs...)
		if err != nil {
			return nil, fmt.Errorf("sign tx %d of %s: %w", i, w.name, err)
		}
		next[tx.signer]++
		out[i] = bz
	}
	return out, nil
}
