package keeper

import (
	"strconv"
	"strings"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// decide records a customs office's decision on one document of the
// current version. Only an office whose jurisdiction is the document's may
// decide: "CN-<province>" for the CN export declaration (the customs
// province named in the declaration), the country code for an import one.
func (k Keeper) decide(ctx base.Context, m *types.MsgDecide) error {
	office, err := k.members.MustHaveRole(ctx.State, ctx.Signer, mt.Role_ROLE_CUSTOMS_OFFICE)
	if err != nil {
		return err
	}
	rec, err := mustLoadRecord(ctx.State, m.Id)
	if err != nil {
		return err
	}
	if m.Version != rec.Version {
		return types.ErrStaleVersion.Wrapf("%q is at version %d; version %d cannot be decided", rec.Id, rec.Version, m.Version)
	}
	doc := findDocument(rec, m.Document)
	if doc == nil {
		return base.ErrNotFound.Wrapf("declaration %q version %d has no document %s (it has %s)", rec.Id, rec.Version, m.Document, stateCodes(rec))
	}
	if office.Jurisdiction != doc.Jurisdiction {
		return types.ErrWrongJurisdiction.Wrapf("%s of %q is decided by a customs office of %s; %q decides for %q",
			doc.Code, rec.Id, doc.Jurisdiction, office.Id, office.Jurisdiction)
	}
	to, err := transition(doc, m.Decision)
	if err != nil {
		return err
	}
	old := indexEntries(rec)
	from := doc.Status
	doc.Status = to
	rec.Status = summaryStatus(rec.Documents)
	rec.UpdatedHeight, rec.UpdatedTimeUnixNano = ctx.Height, unixNano(ctx)
	rec.Decisions = append(rec.Decisions, &types.DecisionRecord{
		Version: rec.Version, Document: doc.Code, Decision: m.Decision, From: from, To: to,
		Office: office.Id, Reason: m.Reason, Height: ctx.Height, TimeUnixNano: unixNano(ctx), TxHash: ctx.TxHash,
	})
	if err := saveRecord(ctx, rec, old); err != nil {
		return err
	}
	ctx.Emit("customs.document_decided", "id", rec.Id, "version", strconv.FormatUint(uint64(rec.Version), 10),
		"document", doc.Code, "decision", m.Decision.String(), "status", to.String(), "office", office.Id)
	return nil
}

func findDocument(rec *types.DeclarationRecord, code string) *types.DocumentState {
	for _, d := range rec.Documents {
		if d.Code == code {
			return d
		}
	}
	return nil
}

func stateCodes(rec *types.DeclarationRecord) string {
	codes := make([]string, len(rec.Documents))
	for i, d := range rec.Documents {
		codes[i] = d.Code
	}
	return strings.Join(codes, ", ")
}

// allowedFrom lists, for each decision, the statuses it may follow.
var allowedFrom = map[types.Decision][]types.DocumentStatus{
	types.Decision_DECISION_ACCEPT:  {types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED},
	types.Decision_DECISION_INSPECT: {types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED},
	types.Decision_DECISION_RELEASE: {types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED, types.DocumentStatus_DOCUMENT_STATUS_INSPECTION},
	types.Decision_DECISION_REJECT: {types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED, types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED,
		types.DocumentStatus_DOCUMENT_STATUS_INSPECTION},
}

var decisionResult = map[types.Decision]types.DocumentStatus{
	types.Decision_DECISION_ACCEPT:  types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED,
	types.Decision_DECISION_INSPECT: types.DocumentStatus_DOCUMENT_STATUS_INSPECTION,
	types.Decision_DECISION_RELEASE: types.DocumentStatus_DOCUMENT_STATUS_RELEASED,
	types.Decision_DECISION_REJECT:  types.DocumentStatus_DOCUMENT_STATUS_REJECTED,
}

// transition returns the status a decision leads to, or why it may not be
// taken now.
func transition(doc *types.DocumentState, d types.Decision) (types.DocumentStatus, error) {
	switch doc.Status {
	case types.DocumentStatus_DOCUMENT_STATUS_RELEASED, types.DocumentStatus_DOCUMENT_STATUS_REJECTED:
		return 0, types.ErrDocumentClosed.Wrapf("%s is %s; no further decision can be taken on it", doc.Code, statusName(doc.Status))
	}
	for _, from := range allowedFrom[d] {
		if from == doc.Status {
			return decisionResult[d], nil
		}
	}
	need := make([]string, 0, 3)
	for _, s := range allowedFrom[d] {
		need = append(need, statusName(s))
	}
	return 0, base.ErrInvalidTransition.Wrapf("%s is %s; %s needs it to be %s", doc.Code, statusName(doc.Status),
		decisionName(d), strings.Join(need, " or "))
}

// summaryStatus summarises a version's documents: RELEASED when all are
// released, else REJECTED when one is rejected, else INSPECTION when one is
// held, else ACCEPTED when one is accepted or released, else SUBMITTED.
func summaryStatus(docs []*types.DocumentState) types.DocumentStatus {
	var released, rejected, inspection, accepted int
	for _, d := range docs {
		switch d.Status {
		case types.DocumentStatus_DOCUMENT_STATUS_RELEASED:
			released++
		case types.DocumentStatus_DOCUMENT_STATUS_REJECTED:
			rejected++
		case types.DocumentStatus_DOCUMENT_STATUS_INSPECTION:
			inspection++
		case types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED:
			accepted++
		}
	}
	switch {
	case released == len(docs):
		return types.DocumentStatus_DOCUMENT_STATUS_RELEASED
	case rejected > 0:
		return types.DocumentStatus_DOCUMENT_STATUS_REJECTED
	case inspection > 0:
		return types.DocumentStatus_DOCUMENT_STATUS_INSPECTION
	case accepted+released > 0:
		return types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED
	}
	return types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED
}

// statusName is "SUBMITTED" for DOCUMENT_STATUS_SUBMITTED.
func statusName(s types.DocumentStatus) string {
	return strings.TrimPrefix(s.String(), "DOCUMENT_STATUS_")
}

func decisionName(d types.Decision) string {
	return strings.ToLower(strings.TrimPrefix(d.String(), "DECISION_"))
}
