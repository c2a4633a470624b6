package api

import (
	"fmt"
	"math"

	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customskeeper "github.com/landsea/corridor/x/customs/keeper"
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
// Read returns (nil, nil) when there is no record with id, or not at that
// version (0 means the current one).
type RecordSource interface {
	Read(r base.Reader, id string, version uint64) (*Record, error)
}

// DefaultRecordSources are the record types the read service serves.
func DefaultRecordSources() map[string]RecordSource {
	return map[string]RecordSource{
		accesstypes.RecordTypeDeclaration: declarationSource{},
		accesstypes.RecordTypeBill:        billSource{},
	}
}

// IsProtectedKey reports whether a state key holds protected record data,
// which only the read service serves (customs versions and documents, bill
// content). Each module defines its own protected keys.
func IsProtectedKey(key []byte) bool {
	return customstypes.IsProtectedKey(key) || billtypes.IsProtectedKey(key)
}

// declarationSource serves a customs declaration: its head record, one
// version as entered (any version the declaration has) and the documents
// generated from it, encoded as a corridor.customs.v1.DeclarationResponse
// (without proofs). The owner is the declarant; the customs offices of that
// version's documents' jurisdictions are parties.
type declarationSource struct{}

func (declarationSource) Read(r base.Reader, id string, version uint64) (*Record, error) {
	if customstypes.ValidateDeclarationID("record_id", id) != nil || version > math.MaxUint32 {
		return nil, nil
	}
	resp, err := customskeeper.FullDeclaration(r, id, uint32(version))
	if err != nil || resp == nil {
		return nil, err
	}
	rec := &Record{Owner: resp.Record.DeclarantMember, Version: uint64(resp.Version.Version)}
	for _, ref := range resp.Version.Documents {
		rec.Jurisdictions = append(rec.Jurisdictions, ref.Jurisdiction)
	}
	if rec.Content, err = resp.Marshal(); err != nil {
		return nil, err
	}
	return rec, nil
}

// billSource serves a single bill, content included, with its history,
// encoded as a corridor.bill.v1.BillResponse (without proof). The owner is
// the issuer; every member the bill names (shipper, consignee, notify
// parties, title holder, possessor, pledgee bank, leg carriers) is a party.
// A bill is served at its current version (its history length) only.
type billSource struct{}

func (billSource) Read(r base.Reader, number string, version uint64) (*Record, error) {
	k := billkeeper.Keeper{}
	b, err := k.Get(r, number)
	if err != nil || b == nil {
		return nil, err
	}
	if version != 0 && version != b.HistoryLength {
		return nil, nil
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
