package keeper

import (
	"crypto/sha256"
	"strconv"
	"strings"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/mapping"
	"github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

func sha256Sum(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

// declarantRoles may lodge declarations: enterprises (or their agents) and
// province authorities loading records from their provincial systems.
var declarantRoles = []mt.Role{mt.Role_ROLE_ENTERPRISE, mt.Role_ROLE_PROVINCE_AUTHORITY}

// submitAll lodges declarations as version 1, each under the id
// "<signer>/<trader reference>". field names them in errors.
func (k Keeper) submitAll(ctx base.Context, ds []*types.Declaration, field string) error {
	if err := k.countDeclarations(ctx, len(ds)); err != nil {
		return err
	}
	if _, err := k.members.MustHaveRole(ctx.State, ctx.Signer, declarantRoles...); err != nil {
		return err
	}
	for i, d := range ds {
		if err := submitOne(ctx, d); err != nil {
			if len(ds) == 1 && field == "submit_declaration" {
				return err
			}
			return base.Prefix(err, "%s[%d]", field, i)
		}
	}
	return nil
}

func submitOne(ctx base.Context, d *types.Declaration) error {
	id := types.DeclarationID(ctx.Signer, d.TraderReference)
	if existing, err := loadRecord(ctx.State, id); err != nil {
		return err
	} else if existing != nil {
		return base.ErrAlreadyExists.Wrapf("declaration %q already exists (version %d); amend it or use another trader_reference", id, existing.Version)
	}
	docs, err := mapping.Generate(mapping.Input{ID: id, Version: 1, Time: ctx.Time, Decl: d})
	if err != nil {
		return err
	}
	if err := storeVersion(ctx, id, 1, d, docs); err != nil {
		return err
	}
	now := unixNano(ctx)
	rec := &types.DeclarationRecord{
		Id: id, DeclarantMember: ctx.Signer, Version: 1, Status: types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED,
		Documents:     documentStates(docs),
		CreatedHeight: ctx.Height, CreatedTimeUnixNano: now,
		UpdatedHeight: ctx.Height, UpdatedTimeUnixNano: now,
		VersionHeight: ctx.Height, VersionTimeUnixNano: now,
		TransportDocumentNumber: d.TransportDocumentNumber,
	}
	if err := saveRecord(ctx, rec, nil); err != nil {
		return err
	}
	ctx.Emit("customs.declaration_submitted", "id", id, "declarant", ctx.Signer, "version", "1", "documents", docCodes(docs))
	return nil
}

func documentStates(docs []*types.GeneratedDocument) []*types.DocumentState {
	out := make([]*types.DocumentState, 0, len(docs))
	for _, d := range docs {
		out = append(out, &types.DocumentState{Code: d.Code, Jurisdiction: d.Jurisdiction, ContentHash: d.ContentHash,
			Status: types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED})
	}
	return out
}

func docCodes(docs []*types.GeneratedDocument) string {
	codes := make([]string, len(docs))
	for i, d := range docs {
		codes[i] = d.Code
	}
	return strings.Join(codes, ",")
}

// amend stores a new version of a declaration that no customs office has
// accepted yet and regenerates its documents; earlier versions stay.
func (k Keeper) amend(ctx base.Context, m *types.MsgAmendDeclaration) error {
	if _, err := k.members.MustHaveRole(ctx.State, ctx.Signer, declarantRoles...); err != nil {
		return err
	}
	rec, err := mustLoadRecord(ctx.State, m.Id)
	if err != nil {
		return err
	}
	if err := checkAmendable(ctx.Signer, rec, m.Version); err != nil {
		return err
	}
	version := rec.Version + 1
	docs, err := mapping.Generate(mapping.Input{ID: rec.Id, Version: version, Time: ctx.Time, Decl: m.Declaration})
	if err != nil {
		return err
	}
	if err := storeVersion(ctx, rec.Id, version, m.Declaration, docs); err != nil {
		return err
	}
	old := indexEntries(rec)
	now := unixNano(ctx)
	rec.Version, rec.Status, rec.Documents = version, types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED, documentStates(docs)
	rec.UpdatedHeight, rec.UpdatedTimeUnixNano = ctx.Height, now
	rec.VersionHeight, rec.VersionTimeUnixNano = ctx.Height, now
	rec.TransportDocumentNumber = m.Declaration.TransportDocumentNumber
	if err := saveRecord(ctx, rec, old); err != nil {
		return err
	}
	ctx.Emit("customs.declaration_amended", "id", rec.Id, "declarant", ctx.Signer,
		"version", strconv.FormatUint(uint64(version), 10), "documents", docCodes(docs))
	return nil
}

// checkAmendable says why signer may not amend version of rec, if so.
func checkAmendable(signer string, rec *types.DeclarationRecord, version uint32) error {
	if signer != rec.DeclarantMember {
		return base.ErrUnauthorized.Wrapf("only the declarant %q may amend %q", rec.DeclarantMember, rec.Id)
	}
	if version != rec.Version {
		return types.ErrStaleVersion.Wrapf("%q is at version %d, not %d: amend the current version", rec.Id, rec.Version, version)
	}
	for _, d := range rec.Decisions {
		if d.Version == rec.Version && d.Decision == types.Decision_DECISION_ACCEPT {
			return types.ErrAmendmentClosed.Wrapf("%s of %q was accepted by %s at height %d; an accepted declaration cannot be amended",
				d.Document, rec.Id, d.Office, d.Height)
		}
	}
	if rec.Version >= types.VersionsMax {
		return base.ErrLimitExceeded.Wrapf("%q has %d versions, the most allowed; lodge a new declaration", rec.Id, rec.Version)
	}
	return nil
}
