package demo

import (
	"crypto/ed25519"
	"crypto/sha256"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// DemoOfficeID is the customs office the demo's provinces admit by a vote.
const DemoOfficeID = "cq-guoyuan-customs"

// membershipSteps are the membership module's demo transactions: Chongqing
// proposes a customs office for Guoyuan port, which it may not admit
// alone, and nine more provinces approve it, the tenth approval admitting
// it. `corridord query membership proposals` then shows the passed
// proposal with its votes. The office's key is made from a fixed seed, so
// that the demo is the same on every run; its private key is in no keyring.
func membershipSteps() []Step {
	seed := sha256.Sum256([]byte("corridor demo " + DemoOfficeID))
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	office := &mt.Member{Id: DemoOfficeID, Name: "Chongqing Customs, Guoyuan Port Office", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE},
		Province: "chongqing", Country: "CN", CustomsCode: "8000000002", Jurisdiction: "CN-chongqing",
		Keys: []*mt.Key{{Id: "k1", Scheme: mt.KeyScheme_KEY_SCHEME_ED25519, PublicKey: pub}}}
	steps := []Step{{Signer: "chongqing", Note: "membership: chongqing proposes a customs office for Guoyuan port (proposal 1)",
		Msgs: []*types.Message{client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_SubmitProposal{SubmitProposal: &mt.MsgSubmitProposal{
			Reason: "Guoyuan port opens its own customs office for rail-sea containers",
			Action: &mt.MsgSubmitProposal_MemberAdmission{MemberAdmission: &mt.MemberAdmission{Member: office}}}}})}}}
	for i, p := range mt.Provinces[1:mt.ApprovalsToPass()] {
		note := "membership: " + p.ID + " approves proposal 1"
		if i == mt.ApprovalsToPass()-2 {
			note += ": ten approvals, " + DemoOfficeID + " is admitted"
		}
		steps = append(steps, Step{Signer: p.ID, Note: note,
			Msgs: []*types.Message{client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: 1, Approve: true}}})}})
	}
	return steps
}
