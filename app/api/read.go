package api

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/store/storepb"
	accesskeeper "github.com/landsea/corridor/x/access/keeper"
	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	membershipkeeper "github.com/landsea/corridor/x/membership/keeper"
	mt "github.com/landsea/corridor/x/membership/types"
)

// AccessRecorder keeps access events durably until they are on the ledger
// (app/node's outbox).
type AccessRecorder interface {
	// Record stores ev synced to disk before it returns; the read service
	// sends nothing until it has. An event whose id is already pending is
	// refused with an error matching ErrEventPending.
	Record(ev *accesstypes.AccessEvent) error
}

// ErrEventPending is returned by an AccessRecorder for an event id it
// already holds: the read request was replayed.
var ErrEventPending = errors.New("access event already pending")

// readService answers signed reads of protected records (x/access).
type readService struct {
	accesstypes.UnimplementedReadServiceServer
	committed base.Committed
	sources   map[string]RecordSource
	recorder  AccessRecorder
	chainID   string
	nodeID    string
	province  string
	now       func() time.Time
	nonces    *nonceBook
	grants    accesskeeper.Keeper
}

func newReadService(c base.Committed, d Deps) *readService {
	s := &readService{committed: c, sources: d.RecordSources, recorder: d.Access, chainID: d.ChainID,
		nodeID: d.NodeID, province: d.Province, now: d.Now, nonces: newNonceBook()}
	if s.sources == nil {
		s.sources = DefaultRecordSources()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// readCtx is one read request on its way through the service.
type readCtx struct {
	req    *accesstypes.ReadRequest
	body   *accesstypes.ReadBody
	reader *mt.Member
	rec    *Record
	proofs []*storepb.Proof
	height int64
	now    time.Time
}

// Read serves a protected record. The steps, each with its own refusal:
// decode and check the request (InvalidArgument), the reader's key and
// signature (Unauthenticated), the nonce (AlreadyExists), the record
// (NotFound), then the decision: owner, party or grant. Every read by
// someone other than the owner, and every refusal at the decision, is
// written to the outbox before anything is answered.
func (s *readService) Read(_ context.Context, req *accesstypes.ReadRequest) (*accesstypes.ReadResponse, error) {
	rc := &readCtx{req: req, now: s.now(), height: s.committed.Height()}
	if err := s.authenticate(rc); err != nil {
		return nil, err
	}
	src, ok := s.sources[rc.body.RecordType]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "record_type: this node does not serve %q records", rc.body.RecordType)
	}
	if err := s.load(rc, src); err != nil {
		return nil, err
	}
	if rc.rec.Owner == rc.body.MemberId {
		return s.response(rc, nil), nil
	}
	return s.crossParty(rc)
}

// load reads the record at the latest committed height. With prove, it
// reads every state key through its ICS23 proof, so the content sent is
// exactly what the proofs prove, all at one height (it reads again, at
// most proveAttemptsMax times, if a block commits in between).
func (s *readService) load(rc *readCtx, src RecordSource) error {
	b := rc.body
	for attempt := 1; ; attempt++ {
		var r base.Reader = s.committed.State()
		pr := &provingReader{c: s.committed}
		if b.Prove {
			r = pr
		}
		rec, err := src.Read(r, b.RecordId, b.Version)
		if err != nil {
			return status.Errorf(codes.Internal, "read %s %q: %v", b.RecordType, b.RecordId, err)
		}
		if rec == nil {
			if b.Version != 0 {
				return status.Errorf(codes.NotFound, "%s %q version %d is not on the ledger at height %d (version 0 reads the current one)", b.RecordType, b.RecordId, b.Version, rc.height)
			}
			return status.Errorf(codes.NotFound, "%s %q is not on the ledger at height %d", b.RecordType, b.RecordId, rc.height)
		}
		rc.rec, rc.proofs = rec, pr.proofs
		if !b.Prove || len(pr.proofs) == 0 {
			return nil
		}
		if pr.sameHeight() {
			rc.height = pr.proofs[0].Height
			return nil
		}
		if attempt == proveAttemptsMax {
			return status.Errorf(codes.Unavailable, "blocks committed while %s %q was being proven; retry", b.RecordType, b.RecordId)
		}
	}
}

// proveAttemptsMax bounds how often a proven read starts again because a
// block committed between its proofs.
const proveAttemptsMax = 3

// provingReader reads committed state through ICS23 proofs at the latest
// committed height and keeps the proof of every key it finds. Absent keys
// give no proof (a non-existence proof shows neighbouring keys' values).
// Iterate reads unproven: the records fix what is iterated (a bill's
// history chains to its proven record).
type provingReader struct {
	c      base.Committed
	proofs []*storepb.Proof
}

func (p *provingReader) Get(key []byte) ([]byte, error) {
	pr, err := p.c.Prove(key)
	if err != nil || pr.Value == nil {
		return nil, err
	}
	p.proofs = append(p.proofs, pr)
	return pr.Value, nil
}

func (p *provingReader) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return p.c.State().Iterate(start, end, fn)
}

func (p *provingReader) sameHeight() bool {
	for _, pr := range p.proofs {
		if pr.Height != p.proofs[0].Height {
			return false
		}
	}
	return true
}

// crossParty decides a read by someone other than the owner, records its
// event and answers.
func (s *readService) crossParty(rc *readCtx) (*accesstypes.ReadResponse, error) {
	if s.recorder == nil {
		return nil, status.Errorf(codes.Unavailable, "this node cannot record access events (no province key), so it serves no reads of another member's records; ask another node")
	}
	ev, err := s.decide(rc)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "grant check: %v", err)
	}
	if err := s.record(ev); err != nil {
		return nil, err
	}
	if ev.Result == accesstypes.AccessResult_ACCESS_RESULT_DENIED {
		return nil, status.Errorf(codes.PermissionDenied, "%s; the refusal is recorded as access event %x", ev.DenialReason, ev.Id)
	}
	return s.response(rc, ev), nil
}

// authenticate decodes the request, checks its fields, the reader's key
// and signature at the latest committed height, and spends the nonce.
func (s *readService) authenticate(rc *readCtx) error {
	if len(rc.req.BodyBytes) == 0 || len(rc.req.BodyBytes) > accesstypes.ReadBodyBytesMax {
		return status.Errorf(codes.InvalidArgument, "body_bytes: must be 1-%d bytes, got %d", accesstypes.ReadBodyBytesMax, len(rc.req.BodyBytes))
	}
	rc.body = &accesstypes.ReadBody{}
	if err := rc.body.Unmarshal(rc.req.BodyBytes); err != nil {
		return status.Errorf(codes.InvalidArgument, "body_bytes: not a corridor.access.v1.ReadBody: %v", err)
	}
	if err := accesstypes.ValidateReadBody(rc.body, rc.now); err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	m, key, err := membershipkeeper.Keeper{}.Authenticate(s.committed.State(), rc.body.MemberId, rc.body.KeyId, rc.height)
	if err != nil {
		return status.Errorf(codes.Unauthenticated, "read request: %v", err)
	}
	if !ed25519.Verify(key.PublicKey, accesstypes.ReadSignBytes(s.chainID, rc.req.BodyBytes), rc.req.Signature) {
		return status.Errorf(codes.Unauthenticated, "read request: signature does not verify with key %q of %q over the %q sign bytes of chain %q",
			rc.body.KeyId, rc.body.MemberId, accesstypes.ReadSignDomain, s.chainID)
	}
	rc.reader = m
	ok, full := s.nonces.use(m.Id, rc.body.Nonce, time.Unix(0, rc.body.ExpiresUnixNano), rc.now)
	if full {
		return status.Errorf(codes.ResourceExhausted, "the node holds too many live read nonces; retry with a shorter expiry")
	}
	if !ok {
		return status.Errorf(codes.AlreadyExists, "nonce: %q already used this nonce in a request that has not expired; sign a new request", m.Id)
	}
	return nil
}

// decide builds the access event of a cross-party read: served as a party,
// served on a grant, or denied with what is missing.
func (s *readService) decide(rc *readCtx) (*accesstypes.AccessEvent, error) {
	b, rec := rc.body, rc.rec
	ev := &accesstypes.AccessEvent{
		Id: accesstypes.EventID(s.nodeID, rc.req.Signature), Reader: b.MemberId, ReaderProvince: rc.reader.Province,
		NodeId: s.nodeID, Province: s.province, Owner: rec.Owner, RecordType: b.RecordType, RecordId: b.RecordId,
		RecordVersion: rec.Version, Purpose: b.Purpose, PurposeText: b.PurposeText, RequestTimeUnixNano: rc.now.UnixNano(),
	}
	if b.GrantId == 0 && isParty(rc.reader, rec) {
		ev.Basis, ev.Result = accesstypes.AccessBasis_ACCESS_BASIS_PARTY, accesstypes.AccessResult_ACCESS_RESULT_SERVED
		return served(ev, rec), nil
	}
	g, why, err := s.grants.FindGrant(s.committed.State(), s.committed.Index(), accesskeeper.ReadCheck{
		Reader: b.MemberId, RecordType: b.RecordType, RecordID: b.RecordId, Owner: rec.Owner,
		Purpose: b.Purpose, GrantID: b.GrantId, NowUnixNano: rc.now.UnixNano(),
	})
	if err != nil {
		return nil, err
	}
	if g == nil {
		ev.Basis, ev.Result = accesstypes.AccessBasis_ACCESS_BASIS_NONE, accesstypes.AccessResult_ACCESS_RESULT_DENIED
		if b.GrantId == 0 {
			why = fmt.Sprintf("%s is not a party to %s %q and %s", b.MemberId, b.RecordType, b.RecordId, why)
		}
		ev.DenialReason = truncate(why, accesstypes.DenialReasonBytesMax)
		return ev, nil
	}
	ev.Basis, ev.Result, ev.GrantId = accesstypes.AccessBasis_ACCESS_BASIS_GRANT, accesstypes.AccessResult_ACCESS_RESULT_SERVED, g.Id
	return served(ev, rec), nil
}

func served(ev *accesstypes.AccessEvent, rec *Record) *accesstypes.AccessEvent {
	h := sha256.Sum256(rec.Content)
	ev.ContentHash = h[:]
	return ev
}

// isParty reports whether m is named by the record or is a customs office
// of one of its jurisdictions.
func isParty(m *mt.Member, rec *Record) bool {
	for _, p := range rec.Parties {
		if p != "" && p == m.Id {
			return true
		}
	}
	if !mt.HasRole(m, mt.Role_ROLE_CUSTOMS_OFFICE) || m.Jurisdiction == "" {
		return false
	}
	for _, j := range rec.Jurisdictions {
		if j == m.Jurisdiction {
			return true
		}
	}
	return false
}

// record writes the event to the outbox, refusing a replayed request.
func (s *readService) record(ev *accesstypes.AccessEvent) error {
	if err := accesstypes.ValidateEvent(ev); err != nil {
		return status.Errorf(codes.Internal, "access event: %v", err)
	}
	onLedger, err := s.grants.GetEvent(s.committed.State(), ev.Id)
	if err != nil {
		return status.Errorf(codes.Internal, "access event lookup: %v", err)
	}
	if onLedger != nil {
		return status.Errorf(codes.AlreadyExists, "this signed request was already answered (access event %x at height %d); sign a new request", ev.Id, onLedger.Height)
	}
	if err := s.recorder.Record(ev); err != nil {
		if errors.Is(err, ErrEventPending) {
			return status.Errorf(codes.AlreadyExists, "this signed request was already answered (access event %x is pending); sign a new request", ev.Id)
		}
		return status.Errorf(codes.Unavailable, "the node could not record the access event, so it sends nothing: %v", err)
	}
	return nil
}

func (s *readService) response(rc *readCtx, ev *accesstypes.AccessEvent) *accesstypes.ReadResponse {
	resp := &accesstypes.ReadResponse{RecordType: rc.body.RecordType, RecordId: rc.body.RecordId, Owner: rc.rec.Owner,
		Version: rc.rec.Version, Content: rc.rec.Content, Height: rc.height, Proofs: rc.proofs}
	if ev == nil {
		h := sha256.Sum256(rc.rec.Content)
		resp.ContentHash = h[:]
		return resp
	}
	resp.ContentHash, resp.Basis, resp.GrantId, resp.EventId = ev.ContentHash, ev.Basis, ev.GrantId, ev.Id
	return resp
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
