package types

import (
	"fmt"
	"regexp"

	"github.com/landsea/corridor/x/base"
)

// Limits on messages.
const (
	// DeclarationsPerTxMax is the most declarations one transaction may
	// lodge, counting every submit message in it. A province loading its
	// records in bulk sends batches of up to this many per transaction.
	DeclarationsPerTxMax = 2000
	// VersionsMax is the most versions (the original and its amendments)
	// a declaration may have.
	VersionsMax = 16
	// ReasonBytesMax bounds a decision's reason.
	ReasonBytesMax = 512
)

var docCodePattern = regexp.MustCompile(`^[A-Z]{2}-(EXPORT|IMPORT)$`)

// ValidateMsg checks a customs message without state.
func ValidateMsg(msg *Msg) error {
	switch m := msg.GetSum().(type) {
	case *Msg_SubmitDeclaration:
		if err := ValidateDeclaration(m.SubmitDeclaration.GetDeclaration()); err != nil {
			return base.Prefix(err, "submit_declaration.declaration")
		}
		return nil
	case *Msg_SubmitDeclarations:
		return validateBatch(m.SubmitDeclarations.Declarations)
	case *Msg_AmendDeclaration:
		return validateAmend(m.AmendDeclaration)
	case *Msg_Decide:
		return validateDecide(m.Decide)
	default:
		return base.ErrInvalidMsg.Wrapf("customs message: no action set")
	}
}

func validateBatch(ds []*Declaration) error {
	if len(ds) == 0 {
		return bad("submit_declarations.declarations", "is empty")
	}
	if len(ds) > DeclarationsPerTxMax {
		return base.ErrLimitExceeded.Wrapf("submit_declarations carries %d declarations; a transaction lodges at most %d: split the batch", len(ds), DeclarationsPerTxMax)
	}
	seen := make(map[string]int, len(ds))
	for i, d := range ds {
		if err := ValidateDeclaration(d); err != nil {
			return base.Prefix(err, "submit_declarations.declarations[%d]", i)
		}
		if j, dup := seen[d.TraderReference]; dup {
			return bad(fmt.Sprintf("submit_declarations.declarations[%d].trader_reference", i), "%q is also used by declarations[%d]", d.TraderReference, j)
		}
		seen[d.TraderReference] = i
	}
	return nil
}

func validateAmend(m *MsgAmendDeclaration) error {
	if err := ValidateDeclarationID("amend_declaration.id", m.Id); err != nil {
		return err
	}
	if m.Version == 0 {
		return bad("amend_declaration.version", "is required: the current version being amended")
	}
	if err := ValidateDeclaration(m.Declaration); err != nil {
		return base.Prefix(err, "amend_declaration.declaration")
	}
	if _, ref, _ := SplitDeclarationID(m.Id); ref != m.Declaration.TraderReference {
		return bad("amend_declaration.declaration.trader_reference", "is %q but the declaration's is %q; it cannot change", m.Declaration.TraderReference, ref)
	}
	return nil
}

func validateDecide(m *MsgDecide) error {
	if err := ValidateDeclarationID("decide.id", m.Id); err != nil {
		return err
	}
	if m.Version == 0 {
		return bad("decide.version", "is required: the version decided on")
	}
	if !docCodePattern.MatchString(m.Document) {
		return bad("decide.document", "%q is not a document code like CN-EXPORT or TH-IMPORT", m.Document)
	}
	if _, ok := Decision_name[int32(m.Decision)]; !ok || m.Decision == Decision_DECISION_UNSPECIFIED {
		return bad("decide.decision", "must be accept, inspect, release or reject")
	}
	needReason := m.Decision == Decision_DECISION_INSPECT || m.Decision == Decision_DECISION_REJECT
	return checkText("decide.reason", m.Reason, needReason, ReasonBytesMax)
}
