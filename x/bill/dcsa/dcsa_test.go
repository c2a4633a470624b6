package dcsa_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/dcsa"
	"github.com/landsea/corridor/x/bill/keeper"
	"github.com/landsea/corridor/x/bill/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// fixtures is where the DCSA eBL 3.0.4 examples live (shared/ beside the repo).
const fixtures = "../../../../shared/fixtures/dcsa-ebl"

type members map[string]mt.Role

func (m members) Get(_ base.Reader, id string) (*mt.Member, error) {
	r, ok := m[id]
	if !ok {
		return nil, nil
	}
	return &mt.Member{Id: id, Roles: []mt.Role{r}, Status: mt.MemberStatus_MEMBER_STATUS_ACTIVE}, nil
}

func (m members) MustHaveRole(r base.Reader, id string, roles ...mt.Role) (*mt.Member, error) {
	mem, _ := m.Get(r, id)
	if mem == nil || !mt.HasRole(mem, roles[0]) {
		return nil, base.ErrUnauthorized.Wrapf("%s lacks %v", id, roles)
	}
	return mem, nil
}

var ledgerMembers = members{"landsea-mto": mt.Role_ROLE_CARRIER, "beibu-shipping": mt.Role_ROLE_CARRIER, "cr-rail": mt.Role_ROLE_CARRIER,
	"cq-electronics": mt.Role_ROLE_ENTERPRISE, "th-importer": mt.Role_ROLE_ENTERPRISE}

// ledger applies messages the way the app does and reads bills back.
type ledger struct {
	k   keeper.Keeper
	st  *state.Cache
	idx *state.Cache
	h   int64
}

func newLedger() *ledger {
	return &ledger{k: keeper.NewKeeper(ledgerMembers), st: state.NewCache(state.MapReader{}), idx: state.NewCache(state.MapReader{})}
}

func (l *ledger) apply(t *testing.T, signer string, m *types.Msg) {
	t.Helper()
	l.h++
	ctx := base.NewContext(nil)
	ctx.State, ctx.Index, ctx.Signer, ctx.Height = l.st, l.idx, signer, l.h
	ctx.Time = time.Date(2026, 11, 29, 8, 0, int(l.h), 0, time.UTC)
	if err := l.k.Handle(ctx, m); err != nil {
		t.Fatalf("ledger refused the message: %v", err)
	}
}

func (l *ledger) bill(t *testing.T, n string) *types.Bill {
	b, err := l.k.Get(l.st, n)
	if err != nil || b == nil {
		t.Fatalf("bill %s: %v", n, err)
	}
	return b
}

var importOptions = dcsa.Options{Issuer: "landsea-mto", Shipper: "cq-electronics", Carrier: "beibu-shipping"}

// wantWarnings are the fields of the fixtures the bill record does not hold.
var wantWarnings = []string{"$.charges", "$.documentParties.shipper.partyContactDetails", "$.invoicePayableAt", "$.partyContactDetails"}

// TestDCSARoundTrip imports both DCSA fixtures, issues them on the ledger,
// exports the bills and checks that the export equals the original document
// minus exactly the fields reported as warnings.
func TestDCSARoundTrip(t *testing.T) {
	for file, status := range map[string]string{"regularSTDExample.json": "DRAFT", "reeferExample.json": "APPROVED"} {
		t.Run(file, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join(fixtures, file))
			if err != nil {
				t.Fatalf("DCSA fixture (shared/fixtures beside the repository): %v", err)
			}
			msg, warns, err := dcsa.Import(orig, importOptions)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, w := range warns {
				paths = append(paths, w.Path)
			}
			if !reflect.DeepEqual(paths, wantWarnings) {
				t.Fatalf("warnings %v, want %v", paths, wantWarnings)
			}
			l := newLedger()
			l.apply(t, "landsea-mto", &types.Msg{Sum: &types.Msg_IssueBill{IssueBill: msg}})
			b := l.bill(t, msg.Content.Number)
			out, _, err := dcsa.Export(b)
			if err != nil {
				t.Fatal(err)
			}
			want := decode(t, orig)
			for _, p := range wantWarnings {
				deletePath(want, p)
			}
			if got := decode(t, out); !reflect.DeepEqual(got, want) {
				t.Fatalf("export differs from the document minus warned fields:\n got %s\nwant %s", canon(t, got), canon(t, want))
			}
			if got := decode(t, out).(map[string]any)["transportDocumentStatus"]; got != status {
				t.Fatalf("status %v, want %s", got, status)
			}
		})
	}
}

// TestDCSAExportThenImport starts from a ledger bill (the corridor's rail–sea
// shape: rail pre-carriage, sea main carriage), exports it and imports the
// export: the content comes back the same.
func TestDCSAExportThenImport(t *testing.T) {
	c := railSea()
	l := newLedger()
	l.apply(t, "landsea-mto", &types.Msg{Sum: &types.Msg_IssueBill{IssueBill: &types.MsgIssueBill{Content: c}}})
	out, warns, err := dcsa.Export(l.bill(t, c.Number))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"preCarriageBy": "RAIL"`) || !strings.Contains(string(out), `"transportDocumentStatus": "ISSUED"`) {
		t.Fatalf("export:\n%s", out)
	}
	if len(warns) == 0 {
		t.Fatal("export reported no ledger-only facts")
	}
	back, _, err := dcsa.Import(out, dcsa.Options{Issuer: "landsea-mto", Shipper: "cq-electronics", Consignee: "th-importer",
		LegCarriers: []string{"cr-rail", "beibu-shipping"}})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := c.Marshal()
	y, _ := back.Content.Marshal()
	if !bytes.Equal(x, y) || back.Draft {
		t.Fatalf("content changed through export and import:\n%v\n%v", c, back.Content)
	}
}

// TestDCSARefusals: documents that cannot become a bill are errors naming
// the JSON path.
func TestDCSARefusals(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join(fixtures, "regularSTDExample.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][2]string{
		"sea waybill":   {`"transportDocumentTypeCode": "BOL"`, `"transportDocumentTypeCode": "SWB"`},
		"paper":         {`"isElectronic": true`, `"isElectronic": false`},
		"surrendered":   {`"transportDocumentStatus": "DRAFT"`, `"transportDocumentStatus": "SURRENDERED_FOR_DELIVERY"`},
		"exponent":      {`"value": 12000`, `"value": 1.2e4`},
		"wrong type":    {`"isToOrder": true`, `"isToOrder": "yes"`},
		"bad container": {`"equipmentReference": "NARU3472484"`, `"equipmentReference": "NARU3472485"`},
		"no UN/LOCODE":  {`"UNLocationCode": "DEBRV"`, `"locationName": "Bremerhaven"`},
	}
	paths := map[string]string{"sea waybill": "$.transportDocumentTypeCode", "paper": "$.isElectronic", "surrendered": "$.transportDocumentStatus",
		"exponent": "cargoGrossWeight.value", "wrong type": "$.isToOrder", "bad container": "equipment_reference", "no UN/LOCODE": "portOfDischarge.UNLocationCode"}
	for name, edit := range cases {
		doc := strings.Replace(string(orig), edit[0], edit[1], -1)
		if doc == string(orig) {
			t.Fatalf("%s: edit did not apply", name)
		}
		_, _, err := dcsa.Import([]byte(doc), importOptions)
		if err == nil || !strings.Contains(err.Error(), paths[name]) {
			t.Fatalf("%s: error %v does not name %s", name, err, paths[name])
		}
	}
	if _, _, err := dcsa.Import(orig, dcsa.Options{}); err == nil {
		t.Fatal("import without a shipper member accepted")
	}
}

func decode(t *testing.T, bz []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// deletePath removes "$.a.b" (objects only) from v.
func deletePath(v any, path string) {
	parts := strings.Split(strings.TrimPrefix(path, "$."), ".")
	for _, p := range parts[:len(parts)-1] {
		v = v.(map[string]any)[p]
	}
	delete(v.(map[string]any), parts[len(parts)-1])
}

func canon(t *testing.T, v any) string {
	bz, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(bz)
}

func railSea() *types.BillContent {
	return &types.BillContent{
		Number:    "LSM-CQ-2026-DCSA01",
		ToOrder:   true,
		Shipper:   &types.Party{MemberId: "cq-electronics", Name: "Chongqing Liangjiang Electronics Export Co., Ltd.", DisplayedAddress: []string{"1 Jinyu Avenue", "Chongqing"}},
		Consignee: &types.Party{MemberId: "th-importer", Name: "Siam Electronics Import Co., Ltd.", Address: &types.Address{City: "Chonburi", CountryCode: "TH"}},
		NotifyParties: []*types.Party{{Name: "Siam Electronics Import Co., Ltd.",
			IdentifyingCodes: []*types.IdentifyingCode{{CodeListProvider: "GLEIF", CodeListName: "LEI", PartyCode: "529900T8BM49AURSDO55"}}}},
		IssuingParty: &types.Party{MemberId: "landsea-mto", Name: "Land-Sea Corridor Multimodal Transport Co., Ltd."},
		Goods: []*types.GoodsItem{{CarrierBookingReference: "LSM-BK-1", Descriptions: []string{"Notebook computers"}, HsCodes: []string{"847130"},
			CargoItems: []*types.CargoItem{{EquipmentReference: "BGLU2026110", GrossWeight: &types.Quantity{Value: "9120.25", Unit: "KGM"},
				NetWeight:      &types.Quantity{Value: "8800", Unit: "KGM"},
				OuterPackaging: &types.Packaging{NumberOfPackages: 640, PackageCode: "CT", Description: "Cartons"}}}}},
		Equipment: []*types.Equipment{{EquipmentReference: "BGLU2026110", IsoEquipmentCode: "45G1", Seals: []*types.Seal{{Number: "CQ26-004417", Source: "CAR"}}}},
		Legs: []*types.Leg{
			{Mode: types.TransportMode_TRANSPORT_MODE_RAIL, From: "CNCQI", To: "CNQZH", Carrier: "cr-rail"},
			{Mode: types.TransportMode_TRANSPORT_MODE_SEA, From: "CNQZH", To: "THLCH", Carrier: "beibu-shipping",
				PlannedDeparture: "2026-12-04", PlannedArrival: "2026-12-09", VesselName: "Beibu Gulf Pioneer", VoyageNumber: "BGP2612S"},
		},
		Terms:              &types.TransportTerms{FreightPaymentTerm: "PRE", ReceiptTypeAtOrigin: "CY", DeliveryTypeAtDestination: "CY"},
		ShippedOnBoard:     true,
		ShippedOnBoardDate: "2026-12-04",
	}
}
