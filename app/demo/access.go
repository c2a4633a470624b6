package demo

import (
	"time"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	at "github.com/landsea/corridor/x/access/types"
)

// grantsExpire is 2030-06-30T00:00:00Z: a fixed date, so that the demo
// transactions are the same on every run (a grant may reach at most five
// years past the block time).
var grantsExpire = time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)

func grantStep(owner, grantee string, scope at.GrantScope, recType, id string, p at.Purpose, why, basis, note string) Step {
	return Step{Signer: owner, Note: note, Msgs: []*types.Message{client.AccessMsg(&at.Msg{Sum: &at.Msg_Grant{Grant: &at.MsgGrantAccess{
		Grantee: grantee, Scope: scope, RecordType: recType, RecordId: id, Purpose: p, PurposeText: why, LegalBasis: basis,
		ExpiresUnixNano: grantsExpire.UnixNano()}}})}}
}

// accessSteps are the access module's demo transactions: the data owners
// of the demo's bill and declarations let a bank, a transit customs office
// and the auditor read them; one grant is given and revoked again. With
// them, `corridord query access read` works for each of these readers, and
// every read shows up in `corridord query access events`.
func accessSteps() []Step {
	const (
		record = at.GrantScope_GRANT_SCOPE_RECORD
		class  = at.GrantScope_GRANT_SCOPE_CLASS
		th     = "cq-electronics/CQE-2026-0001"
	)
	revoke := Step{Signer: "cq-electronics", Note: "access: cq-electronics revokes grant 4: the Lao shipment's financing was declined",
		Msgs: []*types.Message{client.AccessMsg(&at.Msg{Sum: &at.Msg_Revoke{Revoke: &at.MsgRevokeGrant{GrantId: 4, Reason: "financing declined"}}})}}
	return []Step{
		grantStep("landsea-mto", "cq-bank", class, at.RecordTypeBill, "", at.Purpose_PURPOSE_TRADE_FINANCE,
			"documentary checks for export financing against Land-Sea bills", "Land-Sea/CQRCB data sharing agreement 2026, art. 3",
			"access: landsea-mto lets cq-bank read all its bills for trade finance"),
		grantStep("cq-electronics", "nn-customs", record, at.RecordTypeDeclaration, th, at.Purpose_PURPOSE_CUSTOMS_CONTROL,
			"transit check of the rail–sea containers at Qinzhou port", "GACC–Guangxi corridor transit facilitation rules, art. 12",
			"access: cq-electronics lets Nanning Customs (Qinzhou) read its Thailand declaration"),
		grantStep("gx-agri", "corridor-audit", class, at.RecordTypeDeclaration, "", at.Purpose_PURPOSE_AUDIT,
			"2026 corridor compliance audit", "Corridor governance charter, ch. 5 (joint audit)",
			"access: gx-agri opens its declarations to the Corridor Joint Audit Office"),
		grantStep("cq-electronics", "cq-bank", record, at.RecordTypeDeclaration, "cq-electronics/CQE-2026-0002", at.Purpose_PURPOSE_TRADE_FINANCE,
			"financing of the Lao appliance shipment", "CQRCB trade finance terms 2026, clause 9",
			"access: cq-electronics lets cq-bank read its Lao declaration for financing"),
		revoke,
	}
}

// AccessSteps returns the access module's part of the demo on its own.
func AccessSteps() []Step { return accessSteps() }
