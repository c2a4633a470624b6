package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// QueryServer answers customs queries over committed state. Its answers
// are public: declaration records (statuses, decisions, the documents'
// content hashes). Versions and generated documents are protected and
// served only through signed reads (corridor.access.v1.ReadService, which
// uses FullDeclaration and records every read).
type QueryServer struct {
	state base.Committed
}

var _ types.QueryServiceServer = QueryServer{}

// NewQueryServer returns the gRPC query service.
func NewQueryServer(c base.Committed) QueryServer { return QueryServer{state: c} }

// Withheld is what the public answer leaves out of a declaration, and where
// to read it.
const Withheld = "the declaration as entered (its versions) and the documents generated from it are protected: " +
	"read them through corridor.access.v1.ReadService (corridord query access read customs.declaration ID) " +
	"as the declarant, a customs office of the documents' jurisdictions or a grantee"

// Declaration returns a declaration's record; with prove, its ICS23 proof.
// A version, if asked for, must exist; its content is withheld like the
// current version's.
func (q QueryServer) Declaration(_ context.Context, req *types.DeclarationRequest) (*types.DeclarationResponse, error) {
	if err := types.ValidateDeclarationID("id", req.Id); err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.DeclarationResponse{Height: q.state.Height(), Record: &types.DeclarationRecord{}, Withheld: Withheld}
	if err := q.read(resp, types.RecordKey(req.Id), req.Prove, resp.Record); err != nil {
		if errors.Is(err, base.ErrNotFound) {
			err = base.ErrNotFound.Wrapf("declaration %q does not exist", req.Id)
		}
		return nil, base.GRPCError(err)
	}
	if req.Version > resp.Record.Version {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("declaration %q has versions 1 to %d, not %d", req.Id, resp.Record.Version, req.Version))
	}
	if len(resp.Proofs) > 0 {
		resp.Height = resp.Proofs[0].Height
	}
	return resp, nil
}

// FullDeclaration reads a declaration with its protected parts: the record,
// one version as entered (0: the current one) and that version's generated
// documents. It returns (nil, nil) when the declaration or the version does
// not exist. Only the read service (x/access) may serve its answer.
func FullDeclaration(r base.Reader, id string, version uint32) (*types.DeclarationResponse, error) {
	rec, err := loadRecord(r, id)
	if err != nil || rec == nil {
		return nil, err
	}
	if version == 0 {
		version = rec.Version
	}
	if version > rec.Version {
		return nil, nil
	}
	resp := &types.DeclarationResponse{Record: rec, Version: &types.DeclarationVersion{}}
	if err := mustRead(r, types.VersionKey(id, version), resp.Version); err != nil {
		return nil, err
	}
	for _, ref := range resp.Version.Documents {
		doc := &types.GeneratedDocument{}
		if err := mustRead(r, types.DocumentKey(id, version, ref.Code), doc); err != nil {
			return nil, err
		}
		resp.Documents = append(resp.Documents, doc)
	}
	return resp, nil
}

type unmarshaler interface{ Unmarshal([]byte) error }

// mustRead loads key into m; an absent key is an internal error (the
// record names it).
func mustRead(r base.Reader, key []byte, m unmarshaler) error {
	bz, err := r.Get(key)
	if err != nil {
		return err
	}
	if bz == nil {
		return fmt.Errorf("customs: key %x is named by its record but absent", key)
	}
	return decodeStored(key, bz, m)
}

// decodeStored unmarshals the value stored under key into m.
func decodeStored(key, bz []byte, m unmarshaler) error {
	if err := m.Unmarshal(bz); err != nil {
		return fmt.Errorf("customs: stored value under %x does not decode: %w", key, err)
	}
	return nil
}

// read loads key into m; with prove it also appends the key's proof.
func (q QueryServer) read(resp *types.DeclarationResponse, key []byte, prove bool, m unmarshaler) error {
	bz, proof, err := base.ReadCommitted(q.state, key, prove)
	if err != nil {
		return err
	}
	if proof != nil {
		resp.Proofs = append(resp.Proofs, proof)
	}
	if bz == nil {
		return base.ErrNotFound.Wrapf("key %x is absent", key)
	}
	return decodeStored(key, bz, m)
}

// DeclarationsByDeclarant lists a member's declarations in id order,
// optionally only those with a summary status.
func (q QueryServer) DeclarationsByDeclarant(_ context.Context, req *types.DeclarationsByDeclarantRequest) (*types.DeclarationsByDeclarantResponse, error) {
	if err := mt.ValidateID("declarant", req.Declarant); err != nil {
		return nil, base.GRPCError(err)
	}
	prefix := types.ByDeclarantPrefix(req.Declarant)
	if req.Status != types.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED {
		prefix = types.ByDeclarantStatusPrefix(req.Declarant, req.Status)
	}
	resp := &types.DeclarationsByDeclarantResponse{}
	var err error
	resp.NextPageToken, resp.Records, err = q.list(prefix, nil, nil, req.PageToken, req.Limit, 0)
	return resp, base.GRPCError(err)
}

// DeclarationsByStatus lists declarations by summary status, or by the
// status of their document in a jurisdiction, in id order.
func (q QueryServer) DeclarationsByStatus(_ context.Context, req *types.DeclarationsByStatusRequest) (*types.DeclarationsByStatusResponse, error) {
	if _, ok := types.DocumentStatus_name[int32(req.Status)]; !ok || req.Status == types.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("status: required (submitted, accepted, inspection, released or rejected)"))
	}
	prefix := types.ByStatusPrefix(req.Status)
	if req.Jurisdiction != "" {
		if err := validateJurisdiction(req.Jurisdiction); err != nil {
			return nil, base.GRPCError(err)
		}
		prefix = types.ByJurisdictionStatusPrefix(req.Jurisdiction, req.Status)
	}
	resp := &types.DeclarationsByStatusResponse{}
	var err error
	resp.NextPageToken, resp.Records, err = q.list(prefix, nil, nil, req.PageToken, req.Limit, 0)
	return resp, base.GRPCError(err)
}

// DeclarationsByJurisdiction lists the declarations with a document in a
// jurisdiction whose current version was stored in [from, to).
func (q QueryServer) DeclarationsByJurisdiction(_ context.Context, req *types.DeclarationsByJurisdictionRequest) (*types.DeclarationsByJurisdictionResponse, error) {
	if err := validateJurisdiction(req.Jurisdiction); err != nil {
		return nil, base.GRPCError(err)
	}
	if req.FromUnixNano < 0 || req.ToUnixNano < 0 || (req.ToUnixNano != 0 && req.ToUnixNano < req.FromUnixNano) {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("from_unix_nano %d, to_unix_nano %d: need 0 <= from <= to (to 0 = no end)", req.FromUnixNano, req.ToUnixNano))
	}
	prefix := types.ByJurisdictionTimePrefix(req.Jurisdiction)
	start := base.AppendPart(append([]byte(nil), prefix...), req.FromUnixNano)
	var end []byte
	if req.ToUnixNano != 0 {
		end = base.AppendPart(append([]byte(nil), prefix...), req.ToUnixNano)
	}
	resp := &types.DeclarationsByJurisdictionResponse{}
	var err error
	resp.NextPageToken, resp.Records, err = q.list(prefix, start, end, req.PageToken, req.Limit, 8)
	return resp, base.GRPCError(err)
}

// DeclarationsByTransportDocument lists the declarations whose current
// version names a transport document, in id order: how a single bill finds
// the customs declarations of the goods it carries.
func (q QueryServer) DeclarationsByTransportDocument(_ context.Context, req *types.DeclarationsByTransportDocumentRequest) (*types.DeclarationsByTransportDocumentResponse, error) {
	n := req.TransportDocumentNumber
	if n == "" || len(n) > base.MaxKeyPart {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("transport_document_number: required, at most 64 characters"))
	}
	resp := &types.DeclarationsByTransportDocumentResponse{}
	var err error
	resp.NextPageToken, resp.Records, err = q.list(types.ByTransportDocumentPrefix(n), nil, nil, req.PageToken, req.Limit, 0)
	return resp, base.GRPCError(err)
}

func validateJurisdiction(j string) error {
	if len(j) < 2 || len(j) > 32 {
		return base.ErrInvalidMsg.Wrapf("jurisdiction: %q is not a jurisdiction like CN-chongqing or TH", j)
	}
	return nil
}

// list pages through index keys under prefix within [start, end) (nil
// means the whole prefix), skipping skip fixed bytes after the prefix
// before the id, and loads each declaration's record.
func (q QueryServer) list(prefix, start, end []byte, token string, limit uint32, skip int) (string, []*types.DeclarationRecord, error) {
	if start == nil {
		start = prefix
	}
	if end == nil {
		end = base.PrefixEnd(prefix)
	}
	if token != "" {
		after, err := base.PageStart(prefix, token)
		if err != nil {
			return "", nil, err
		}
		if bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	n := base.PageLimit(limit)
	var records []*types.DeclarationRecord
	var last []byte
	var loadErr error
	more := false
	err := q.state.Index().Iterate(start, end, func(k, _ []byte) bool {
		if len(records) == n {
			more = true
			return false
		}
		var rec *types.DeclarationRecord
		if rec, loadErr = q.recordAt(k, len(prefix)+skip); loadErr != nil {
			return false
		}
		records = append(records, rec)
		last = append(last[:0], k...)
		return true
	})
	if err == nil {
		err = loadErr
	}
	if err != nil || !more {
		return "", records, err
	}
	return base.PageToken(last), records, nil
}

// recordAt reads the id at offset of an index key and loads its record.
func (q QueryServer) recordAt(key []byte, offset int) (*types.DeclarationRecord, error) {
	if len(key) < offset {
		return nil, fmt.Errorf("customs: index key %x is too short", key)
	}
	id, _, err := base.ReadString(key[offset:])
	if err != nil {
		return nil, fmt.Errorf("customs: index key %x: %w", key, err)
	}
	rec, err := loadRecord(q.state.State(), id)
	if err == nil && rec == nil {
		err = fmt.Errorf("customs: index names %q but its record is absent", id)
	}
	return rec, err
}
