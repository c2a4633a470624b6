package keeper

import (
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/types"
)

type marshaler interface{ Marshal() ([]byte, error) }

func put(kv base.KV, key []byte, m marshaler) error {
	bz, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("customs: encode %T: %w", m, err)
	}
	kv.Set(key, bz)
	return nil
}

// loadRecord returns the declaration head, or (nil, nil) when there is none.
func loadRecord(r base.Reader, id string) (*types.DeclarationRecord, error) {
	bz, err := r.Get(types.RecordKey(id))
	if err != nil || bz == nil {
		return nil, err
	}
	rec := &types.DeclarationRecord{}
	if err := rec.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("customs: stored record %q does not decode: %w", id, err)
	}
	return rec, nil
}

// mustLoadRecord is loadRecord with a not-found error.
func mustLoadRecord(r base.Reader, id string) (*types.DeclarationRecord, error) {
	rec, err := loadRecord(r, id)
	if err == nil && rec == nil {
		err = base.ErrNotFound.Wrapf("declaration %q does not exist", id)
	}
	return rec, err
}

// storeVersion writes one version and its documents; neither is ever
// written again.
func storeVersion(ctx base.Context, id string, version uint32, d *types.Declaration, docs []*types.GeneratedDocument) error {
	declBytes, err := d.Marshal()
	if err != nil {
		return fmt.Errorf("customs: encode declaration: %w", err)
	}
	v := &types.DeclarationVersion{
		Id: id, Version: version, Declaration: d, DeclarationHash: sha256Sum(declBytes),
		SubmittedBy: ctx.Signer, Height: ctx.Height, TimeUnixNano: unixNano(ctx), TxHash: ctx.TxHash,
	}
	for _, doc := range docs {
		v.Documents = append(v.Documents, &types.DocumentRef{Code: doc.Code, Jurisdiction: doc.Jurisdiction, ContentHash: doc.ContentHash})
		if err := put(ctx.State, types.DocumentKey(id, version, doc.Code), doc); err != nil {
			return err
		}
	}
	return put(ctx.State, types.VersionKey(id, version), v)
}

// indexEntry is one secondary-index key and its value.
type indexEntry struct{ key, value []byte }

// indexEntries are the index keys a record is listed under.
func indexEntries(rec *types.DeclarationRecord) []indexEntry {
	if rec == nil {
		return nil
	}
	out := []indexEntry{
		{types.ByDeclarantKey(rec.DeclarantMember, rec.Id), []byte{}},
		{types.ByStatusKey(rec.Status, rec.Id), []byte{}},
		{types.ByDeclarantStatusKey(rec.DeclarantMember, rec.Status, rec.Id), []byte{}},
	}
	if rec.TransportDocumentNumber != "" {
		out = append(out, indexEntry{types.ByTransportDocumentKey(rec.TransportDocumentNumber, rec.Id), []byte{}})
	}
	t := max(rec.VersionTimeUnixNano, 0)
	for _, doc := range rec.Documents {
		code := []byte(doc.Code)
		out = append(out,
			indexEntry{types.ByJurisdictionTimeKey(doc.Jurisdiction, t, rec.Id), code},
			indexEntry{types.ByJurisdictionStatusKey(doc.Jurisdiction, doc.Status, rec.Id), code})
	}
	return out
}

// saveRecord writes the record and moves its index entries from old (the
// entries it had before the change; nil for a new record) to its current ones.
func saveRecord(ctx base.Context, rec *types.DeclarationRecord, old []indexEntry) error {
	if err := put(ctx.State, types.RecordKey(rec.Id), rec); err != nil {
		return err
	}
	for _, e := range old {
		ctx.Index.Delete(e.key)
	}
	for _, e := range indexEntries(rec) {
		ctx.Index.Set(e.key, e.value)
	}
	return nil
}

func unixNano(ctx base.Context) int64 {
	if ctx.Time.IsZero() {
		return 0
	}
	return ctx.Time.UnixNano()
}

// DeriveIndex emits every index entry the module's state implies: each
// declaration record's listings.
func (Keeper) DeriveIndex(r base.Reader, emit base.IndexEmit) error {
	return base.EachRecord(r, types.RecordPrefix(), func() *types.DeclarationRecord { return &types.DeclarationRecord{} }, func(rec *types.DeclarationRecord) error {
		for _, e := range indexEntries(rec) {
			if err := emit(e.key, e.value); err != nil {
				return err
			}
		}
		return nil
	})
}
