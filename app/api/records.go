package api

import (
	"fmt"

	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customstypes "github.com/landsea/corridor/x/customs/types"
)

// Record is one protected record as the read service sees it.
type Record struct {
	// Owner is the member whose data it is; it reads without an event and
	// grants access to others.
	Owner string
	// Parties are the other members the record names, who read it without a
	// grant (each read still leaves an access event).
	Parties []string
	// Jurisdictions are the customs jurisdictions the record is lodged with:
	// a customs office of one of them is a party.
	Jurisdictions []string
	// Content is what the reader receives.
	Content []byte
	// Version is the record's version (it changes with every update).
	Version uint64
}

// RecordSource reads one type of protected record from committed state.
// Read returns (nil, nil) when there is no record with id.
type RecordSource interface {
	Read(r base.Reader, id string) (*Record, error)
}

// DefaultRecordSources are the record types the read service serves.
func DefaultRecordSources() map[string]RecordSource {
	return map[string]RecordSource{
		accesstypes.RecordTypeDeclaration: declarationSource{},
		accesstypes.RecordTypeBill:        billSource{},
	}
}

// declarationSource serves a customs declaration: its head record, the
// current version as entered and the documents generated from it, encoded
// as a corridor.customs.v1.DeclarationResponse (without proofs). The owner
// is the declarant; the customs offices of the documents' jurisdictions are
// parties.
type declarationSource struct{}

func (declarationSource) Read(r base.Reader, id string) (*Record, error) {
	if customstypes.ValidateDeclarationID("record_id", id) != nil {
		return nil, nil
	}
	resp := &customstypes.DeclarationResponse{Record: &customstypes.DeclarationRecord{}, Version: &customstypes.DeclarationVersion{}}
	found, err := getProto(r, customstypes.RecordKey(id), resp.Record)
	if err != nil || !found {
		return nil, err
	}
	v := resp.Record.Version
	if found, err = getProto(r, customstypes.VersionKey(id, v), resp.Version); err != nil || !found {
		return nil, orMissing(err, "declaration %q version %d", id, v)
	}
	rec := &Record{Owner: resp.Record.DeclarantMember, Version: uint64(v)}
	for _, ref := range resp.Version.Documents {
		doc := &customstypes.GeneratedDocument{}
		if found, err = getProto(r, customstypes.DocumentKey(id, v, ref.Code), doc); err != nil || !found {
			return nil, orMissing(err, "declaration %q document %s", id, ref.Code)
		}
		resp.Documents = append(resp.Documents, doc)
		rec.Jurisdictions = append(rec.Jurisdictions, ref.Jurisdiction)
	}
	if rec.Content, err = resp.Marshal(); err != nil {
		return nil, err
	}
	return rec, nil
}

// billSource serves a single bill with its history, encoded as a
// corridor.bill.v1.BillResponse (without proof). The owner is the issuer;
// every member the bill names (shipper, consignee, notify parties, title
// holder, possessor, pledgee bank, leg carriers) is a party.
type billSource struct{}

func (billSource) Read(r base.Reader, number string) (*Record, error) {
	k := billkeeper.Keeper{}
	b, err := k.Get(r, number)
	if err != nil || b == nil {
		return nil, err
	}
	h, err := k.History(r, number)
	if err != nil {
		return nil, err
	}
	if uint64(len(h)) < b.HistoryLength {
		return nil, fmt.Errorf("bill %s: record counts %d history entries, state holds %d", number, b.HistoryLength, len(h))
	}
	content, err := (&billtypes.BillResponse{Bill: b, History: h[:b.HistoryLength]}).Marshal()
	if err != nil {
		return nil, err
	}
	return &Record{Owner: b.Issuer, Parties: billParties(b), Content: content, Version: b.HistoryLength}, nil
}

func billParties(b *billtypes.Bill) []string {
	c := b.Content
	out := []string{b.Issuer, b.TitleHolder, b.Possessor, c.GetShipper().GetMemberId(), c.GetConsignee().GetMemberId(),
		c.GetIssuingParty().GetMemberId(), b.Pledge.GetBank(), b.Pledge.GetPledgor()}
	for _, p := range c.GetNotifyParties() {
		out = append(out, p.GetMemberId())
	}
	for _, l := range c.GetLegs() {
		out = append(out, l.GetCarrier())
	}
	return out
}

type unmarshaler interface{ Unmarshal([]byte) error }

func getProto(r base.Reader, key []byte, m unmarshaler) (bool, error) {
	bz, err := r.Get(key)
	if err != nil || bz == nil {
		return false, err
	}
	if err := m.Unmarshal(bz); err != nil {
		return false, fmt.Errorf("stored value under %x does not decode: %w", key, err)
	}
	return true, nil
}

// orMissing turns a record part that should exist but does not into an
// internal error.
func orMissing(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%s is missing from state", fmt.Sprintf(format, args...))
}
