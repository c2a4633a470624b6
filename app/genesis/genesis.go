package genesis

import (
	"bytes"
	"fmt"

	"github.com/cosmos/gogoproto/jsonpb"

	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Spec describes one member to put in genesis.
type Spec struct {
	ID, Name, Province, Country, CreditCode, CustomsCode, Jurisdiction string
	Roles                                                              []mt.Role
}

// Province returns the spec of province id.
func Province(p mt.ProvinceInfo) Spec {
	return Spec{ID: p.ID, Name: p.Name, Province: p.ID, Country: "CN", Roles: []mt.Role{mt.Role_ROLE_PROVINCE_AUTHORITY}}
}

// DemoMembers are the members of a development chain: enough parties to run
// a shipment Chongqing → Qinzhou → Laem Chabang and a rail shipment to
// Vientiane, with customs on both sides, a bank and an auditor.
func DemoMembers() []Spec {
	return []Spec{
		{ID: "cq-customs", Name: "Chongqing Customs District", Province: "chongqing", Country: "CN", CustomsCode: "8000000001", Jurisdiction: "CN-chongqing", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE}},
		{ID: "nn-customs", Name: "Nanning Customs District (Qinzhou Port)", Province: "guangxi", Country: "CN", CustomsCode: "7200000001", Jurisdiction: "CN-guangxi", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE}},
		{ID: "th-customs", Name: "Thai Customs Department (receiving node)", Province: "guangxi", Country: "TH", Jurisdiction: "TH", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE}},
		{ID: "vn-customs", Name: "General Department of Vietnam Customs (receiving node)", Province: "guangxi", Country: "VN", Jurisdiction: "VN", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE}},
		{ID: "la-customs", Name: "Lao Customs Department (receiving node)", Province: "yunnan", Country: "LA", Jurisdiction: "LA", Roles: []mt.Role{mt.Role_ROLE_CUSTOMS_OFFICE}},
		{ID: "cq-electronics", Name: "Chongqing Liangjiang Electronics Export Co., Ltd.", Province: "chongqing", Country: "CN", CreditCode: MustCreditCode("91500000MA5U0XY31"), CustomsCode: "5001960001", Roles: []mt.Role{mt.Role_ROLE_ENTERPRISE}},
		{ID: "gx-agri", Name: "Guangxi Beibu Gulf Agricultural Trading Co., Ltd.", Province: "guangxi", Country: "CN", CreditCode: MustCreditCode("91450700MA5K0ABC2"), CustomsCode: "4507960001", Roles: []mt.Role{mt.Role_ROLE_ENTERPRISE}},
		{ID: "landsea-mto", Name: "Land-Sea Corridor Multimodal Transport Co., Ltd.", Province: "chongqing", Country: "CN", CreditCode: MustCreditCode("91500000MA60MT001"), Roles: []mt.Role{mt.Role_ROLE_CARRIER}},
		{ID: "cr-rail", Name: "China Railway Chongqing Group (rail carrier)", Province: "chongqing", Country: "CN", CreditCode: MustCreditCode("91500000202800RL3"), Roles: []mt.Role{mt.Role_ROLE_CARRIER}},
		{ID: "beibu-shipping", Name: "Beibu Gulf Shipping Co., Ltd. (ocean carrier)", Province: "guangxi", Country: "CN", CreditCode: MustCreditCode("91450700MA5L00007"), Roles: []mt.Role{mt.Role_ROLE_CARRIER}},
		{ID: "th-importer", Name: "Siam Electronics Import Co., Ltd.", Province: "guangxi", Country: "TH", Roles: []mt.Role{mt.Role_ROLE_ENTERPRISE}},
		{ID: "cq-bank", Name: "Chongqing Rural Commercial Bank, Trade Finance", Province: "chongqing", Country: "CN", CreditCode: MustCreditCode("91500000BANK00001"), Roles: []mt.Role{mt.Role_ROLE_BANK}},
		{ID: "corridor-audit", Name: "Corridor Joint Audit Office", Province: "chongqing", Country: "CN", Roles: []mt.Role{mt.Role_ROLE_AUDITOR}},
	}
}

// MustCreditCode completes 17 characters with their check character. It
// panics on bad input and is meant for fixed demo data only.
func MustCreditCode(first17 string) string {
	c, err := mt.CreditCodeCheck(first17)
	if err != nil || len(first17) != 17 {
		panic(fmt.Sprintf("genesis: bad credit code stem %q", first17))
	}
	return first17 + string(c)
}

// Member turns a spec and its key into a genesis member record.
func (s Spec) Member(key *client.Key) *mt.Member {
	return &mt.Member{
		Id: s.ID, Name: s.Name, Roles: s.Roles, Province: s.Province, Country: s.Country,
		CreditCode: s.CreditCode, CustomsCode: s.CustomsCode, Jurisdiction: s.Jurisdiction,
		Keys: []*mt.Key{key.LedgerKey()}, Status: mt.MemberStatus_MEMBER_STATUS_ACTIVE,
	}
}

// Build returns the genesis state of specs; keyFor gives each member's key.
func Build(specs []Spec, keyFor func(Spec) (*client.Key, error)) (*types.GenesisState, error) {
	gs := &types.GenesisState{Membership: &mt.GenesisState{}}
	for _, s := range specs {
		k, err := keyFor(s)
		if err != nil {
			return nil, err
		}
		gs.Membership.Members = append(gs.Membership.Members, s.Member(k))
	}
	return gs, nil
}

// Specs returns the first n provinces, plus the demo members when demo is set.
// Every province is always in genesis (membership requires all fifteen);
// n only chooses how many run validators, which the caller decides.
func Specs(demo bool) []Spec {
	var out []Spec
	for _, p := range mt.Provinces {
		out = append(out, Province(p))
	}
	if demo {
		out = append(out, DemoMembers()...)
	}
	return out
}

// MarshalJSON encodes the state as protobuf JSON for genesis.json app_state.
func MarshalJSON(gs *types.GenesisState) ([]byte, error) {
	var buf bytes.Buffer
	m := jsonpb.Marshaler{OrigName: true, Indent: "  "}
	if err := m.Marshal(&buf, gs); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
