package mapping_test

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cosmos/gogoproto/jsonpb"

	"github.com/landsea/corridor/x/customs/examples"
	"github.com/landsea/corridor/x/customs/mapping"
	"github.com/landsea/corridor/x/customs/types"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// blockTime is 16:30 UTC: already the next day in China (00:30 CST), still
// the same day in Thailand, Viet Nam and Laos (23:30 ICT).
var blockTime = time.Date(2026, 11, 29, 16, 30, 0, 0, time.UTC)

func generate(t *testing.T, id string, d *types.Declaration) []*types.GeneratedDocument {
	t.Helper()
	if err := types.ValidateDeclaration(d); err != nil {
		t.Fatalf("example is invalid: %v", err)
	}
	docs, err := mapping.Generate(mapping.Input{ID: id, Version: 1, Time: blockTime, Decl: d})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestGoldenDocuments generates every document of the example shipments
// and compares it with testdata/<name>.<code>.json (go test -update rewrites).
func TestGoldenDocuments(t *testing.T) {
	for _, c := range []struct {
		name string
		decl *types.Declaration
	}{
		{"thailand", examples.ElectronicsToThailand()},
		{"laos", examples.AppliancesToLaos()},
		{"vietnam", examples.FruitToVietnam()},
		{"malaysia", examples.PartsToMalaysia()},
	} {
		for _, doc := range generate(t, "cq-electronics/"+c.decl.TraderReference, c.decl) {
			golden(t, filepath.Join("testdata", c.name+"."+doc.Code+".json"), doc)
		}
	}
}

func golden(t *testing.T, path string, doc *types.GeneratedDocument) {
	t.Helper()
	m := jsonpb.Marshaler{OrigName: true, Indent: "  "}
	var buf bytes.Buffer
	if err := m.Marshal(&buf, doc); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs from the generated document:\n%s", path, buf.String())
	}
}

func TestDocumentsAndOrder(t *testing.T) {
	d := examples.ElectronicsToThailand()
	d.ImportJurisdictions = []string{"TH", "LA", "VN", "SG"}
	docs := generate(t, "cq-electronics/X", d)
	want := []struct{ code, jurisdiction string }{
		{"CN-EXPORT", "CN-chongqing"}, {"TH-IMPORT", "TH"}, {"LA-IMPORT", "LA"}, {"VN-IMPORT", "VN"}, {"SG-IMPORT", "SG"},
	}
	if len(docs) != len(want) {
		t.Fatalf("%d documents, want %d", len(docs), len(want))
	}
	for i, w := range want {
		if docs[i].Code != w.code || docs[i].Jurisdiction != w.jurisdiction || docs[i].Version != 1 {
			t.Errorf("doc %d = %s/%s v%d, want %s/%s", i, docs[i].Code, docs[i].Jurisdiction, docs[i].Version, w.code, w.jurisdiction)
		}
	}
	if docs[4].Content.GetAcdd() == nil || docs[4].Content.GetAcdd().ImportingCountry != "SG" {
		t.Errorf("SG gets the ACDD form, got %T", docs[4].Content.GetForm())
	}
}

// TestContentHashIsDeterministic checks that the hash is the SHA-256 of the
// content's encoding and that generating again gives the same bytes.
func TestContentHashIsDeterministic(t *testing.T) {
	a := generate(t, "cq-electronics/CQE-2026-0001", examples.ElectronicsToThailand())
	b := generate(t, "cq-electronics/CQE-2026-0001", examples.ElectronicsToThailand())
	for i := range a {
		bz, err := a[i].Content.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(bz)
		if !bytes.Equal(h[:], a[i].ContentHash) || !bytes.Equal(a[i].ContentHash, b[i].ContentHash) {
			t.Fatalf("%s: hash %x, SHA-256 of the content %x, second run %x", a[i].Code, a[i].ContentHash, h, b[i].ContentHash)
		}
	}
	d := examples.ElectronicsToThailand()
	d.Items[0].Description += " (amended)"
	c := generate(t, "cq-electronics/CQE-2026-0001", d)
	if bytes.Equal(c[0].ContentHash, a[0].ContentHash) {
		t.Fatal("a changed description kept the same hash")
	}
}

func TestCNTransportModes(t *testing.T) {
	for mode, want := range map[types.TransportMode]string{
		types.TransportMode_TRANSPORT_MODE_SEA: "2", types.TransportMode_TRANSPORT_MODE_INLAND_WATERWAY: "2",
		types.TransportMode_TRANSPORT_MODE_RAIL: "3", types.TransportMode_TRANSPORT_MODE_ROAD: "4",
		types.TransportMode_TRANSPORT_MODE_AIR: "5", types.TransportMode_TRANSPORT_MODE_POSTAL: "6",
		types.TransportMode_TRANSPORT_MODE_FIXED_INSTALLATION: "G",
	} {
		d := examples.ElectronicsToThailand()
		d.BorderTransportMode = mode
		cn := generate(t, "a1/b", d)[0].Content.GetCnExport()
		if cn.TransportMode != want {
			t.Errorf("%s: CN code %s, want %s", mode, cn.TransportMode, want)
		}
	}
}

// TestCNTransactionMethodAndCharges: China's transaction method follows
// the Incoterm, and freight and insurance appear only when it includes them.
func TestCNTransactionMethodAndCharges(t *testing.T) {
	for _, c := range []struct {
		incoterm, method   string
		freight, insurance bool
	}{
		{"EXW", "7", false, false}, {"FCA", "3", false, false}, {"FAS", "3", false, false}, {"FOB", "3", false, false},
		{"CFR", "2", true, false}, {"CPT", "2", true, false},
		{"CIF", "1", true, true}, {"CIP", "1", true, true}, {"DAP", "1", true, true}, {"DPU", "1", true, true}, {"DDP", "1", true, true},
	} {
		d := examples.ElectronicsToThailand()
		d.Incoterm = c.incoterm
		cn := generate(t, "a1/b", d)[0].Content.GetCnExport()
		if cn.TransactionMethod != c.method || (cn.Freight != nil) != c.freight || (cn.Insurance != nil) != c.insurance {
			t.Errorf("%s: method %s freight %v insurance %v; want %s %v %v", c.incoterm, cn.TransactionMethod,
				cn.Freight != nil, cn.Insurance != nil, c.method, c.freight, c.insurance)
		}
	}
}

func TestCNItemsAndDates(t *testing.T) {
	docs := generate(t, "cq-electronics/CQE-2026-0001", examples.ElectronicsToThailand())
	cn, th := docs[0].Content.GetCnExport(), docs[1].Content.GetThImport()
	if cn.DeclarationDate != "2026-11-30" || th.DeclarationDate != "2026-11-29" {
		t.Errorf("dates CN %s TH %s; want 2026-11-30 (CST) and 2026-11-29 (ICT)", cn.DeclarationDate, th.DeclarationDate)
	}
	if cn.DeclarationCustoms != "8000" || cn.TradingCountry != "THA" || cn.DomesticConsignor.Id != examples.CQElectronics.CreditCode {
		t.Errorf("header %s %s %s", cn.DeclarationCustoms, cn.TradingCountry, cn.DomesticConsignor.Id)
	}
	for i, want := range []struct{ code, unit, price, tariff string }{
		{"8471300000", "007", "400.0000", "84713020"},
		{"8517130000", "007", "150.0000", "85171300"},
		{"852852", "007", "120.0000", "852852"},
	} {
		got, tg := cn.Items[i], th.Items[i]
		if got.CommodityCode != want.code || got.CnUnitCode != want.unit || got.UnitPrice != want.price || tg.TariffCode != want.tariff {
			t.Errorf("item %d: %s %s %s / TH %s; want %+v", i+1, got.CommodityCode, got.CnUnitCode, got.UnitPrice, tg.TariffCode, want)
		}
	}
}

func TestVNTransportModeAndContainerLimit(t *testing.T) {
	d := examples.FruitToVietnam()
	vn := generate(t, "gx-agri/x", d)[1].Content.GetVnImport()
	if vn.TransportModeCode != "4" || vn.Items[0].HsCode != "08081000" || vn.Items[1].HsCode != "080521" {
		t.Errorf("road %s, codes %s %s", vn.TransportModeCode, vn.Items[0].HsCode, vn.Items[1].HsCode)
	}
	sea := examples.ElectronicsToThailand()
	sea.ImportJurisdictions = []string{"VN"}
	if got := generate(t, "a1/b", sea)[1].Content.GetVnImport().TransportModeCode; got != "2" {
		t.Errorf("containerised sea: %s, want 2", got)
	}
	sea.Containers = nil
	if got := generate(t, "a1/b", sea)[1].Content.GetVnImport().TransportModeCode; got != "3" {
		t.Errorf("bulk sea: %s, want 3", got)
	}
	for i := 0; i < 51; i++ {
		sea.Containers = append(sea.Containers, &types.Container{Number: examples.Container("CSNU" + string(rune('1'+i/10)) + "0000" + string(rune('0'+i%10))), SizeType: "22G1"})
	}
	if err := types.ValidateDeclaration(sea); err != nil {
		t.Fatal(err)
	}
	_, err := mapping.Generate(mapping.Input{ID: "a1/b", Version: 1, Time: blockTime, Decl: sea})
	if err == nil || !types.ErrFormLimit.Is(unwrapCode(err)) {
		t.Fatalf("51 containers for VN: %v", err)
	}
}

func unwrapCode(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// TestLAGrossMassShares: the item gross masses follow net mass and add up
// to the declared gross mass to the gram.
func TestLAGrossMassShares(t *testing.T) {
	d := examples.AppliancesToLaos()
	d.GrossWeightKg = "1000"
	d.NetWeightKg = "900"
	d.Items[0].NetWeightKg, d.Items[1].NetWeightKg = "300", "600"
	d.Items = append(d.Items, &types.GoodsItem{HsCode: "852872", Description: "spare remote controls", Quantity: "1",
		Unit: "C62", NetWeightKg: "0.001", Value: "0.01", OriginCountry: "CN"})
	d.NetWeightKg = "900.001"
	d.InvoiceAmount.Value = "87500.01"
	la := generate(t, "a1/b", d)[1].Content.GetLaImport()
	got := []string{la.Items[0].GrossMassKg, la.Items[1].GrossMassKg, la.Items[2].GrossMassKg}
	want := []string{"333.333", "666.666", "0.001"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("gross shares %v, want %v", got, want)
		}
	}
	if la.Items[0].CommodityCode != "85287290" || la.Items[1].CommodityCode != "845011" || la.DeliveryTerms != "DAP Vientiane South Station" {
		t.Errorf("codes %s %s terms %q", la.Items[0].CommodityCode, la.Items[1].CommodityCode, la.DeliveryTerms)
	}
}
