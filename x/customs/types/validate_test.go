package types_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/examples"
	"github.com/landsea/corridor/x/customs/types"
)

// badCase breaks one rule of a valid declaration; the error must name field.
type badCase struct {
	name  string
	field string
	edit  func(d *types.Declaration)
}

func party(p *types.Party) *types.Party { c := *p; return &c }

var badCases = []badCase{
	{"trader reference with space", "trader_reference", func(d *types.Declaration) { d.TraderReference = "CQE 1" }},
	{"empty trader reference", "trader_reference", func(d *types.Declaration) { d.TraderReference = "" }},
	{"unknown province", "customs_province", func(d *types.Declaration) { d.CustomsProvince = "beijing" }},
	{"export not from China", "export_country", func(d *types.Declaration) { d.ExportCountry = "TH" }},
	{"destination not ISO", "destination_country", func(d *types.Declaration) { d.DestinationCountry = "XX" }},
	{"trading country lower case", "trading_country", func(d *types.Declaration) { d.TradingCountry = "th" }},
	{"contract with newline", "contract_number", func(d *types.Declaration) { d.ContractNumber = "A\nB" }},
	{"import jurisdiction not ASEAN", "import_jurisdictions[0]", func(d *types.Declaration) { d.ImportJurisdictions = []string{"DE"} }},
	{"import jurisdiction twice", "import_jurisdictions[1]", func(d *types.Declaration) { d.ImportJurisdictions = []string{"TH", "TH"} }},
	{"too many import jurisdictions", "import_jurisdictions", func(d *types.Declaration) {
		d.ImportJurisdictions = []string{"TH", "VN", "LA", "MY", "SG", "ID", "PH", "MM", "KH", "BN", "TH"}
	}},
	{"exporter missing", "exporter", func(d *types.Declaration) { d.Exporter = nil }},
	{"exporter without name", "exporter.name", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.Name = " " }},
	{"exporter without address", "exporter.address", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.Address = "" }},
	{"exporter abroad", "exporter.country", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.Country = "TH" }},
	{"exporter credit code check", "exporter.credit_code", func(d *types.Declaration) {
		d.Exporter = party(d.Exporter)
		d.Exporter.CreditCode = d.Exporter.CreditCode[:17] + "0"
		if d.Exporter.CreditCode == examples.CQElectronics.CreditCode {
			d.Exporter.CreditCode = d.Exporter.CreditCode[:17] + "1"
		}
	}},
	{"exporter without credit code", "exporter.credit_code", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.CreditCode = "" }},
	{"exporter customs code short", "exporter.customs_code", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.CustomsCode = "50019" }},
	{"exporter without customs code", "exporter.customs_code", func(d *types.Declaration) { d.Exporter = party(d.Exporter); d.Exporter.CustomsCode = "" }},
	{"declarant missing", "declarant", func(d *types.Declaration) { d.Declarant = nil }},
	{"consignee missing", "consignee", func(d *types.Declaration) { d.Consignee = nil }},
	{"consignee country", "consignee.country", func(d *types.Declaration) { d.Consignee = party(d.Consignee); d.Consignee.Country = "Thailand" }},
	{"consignee bad tax id", "consignee.tax_id", func(d *types.Declaration) { d.Consignee = party(d.Consignee); d.Consignee.TaxId = "12 34" }},
	{"importer missing", "importer", func(d *types.Declaration) { d.Importer = nil }},
	{"importer without tax id", "importer.tax_id", func(d *types.Declaration) { d.Importer = party(d.Importer); d.Importer.TaxId = "" }},
	{"Thai tax id check digit", "importer.tax_id", func(d *types.Declaration) {
		d.Importer = party(d.Importer)
		last := d.Importer.TaxId[12]
		d.Importer.TaxId = d.Importer.TaxId[:12] + string('0'+(last-'0'+1)%10)
	}},
	{"name too long", "consignee.name", func(d *types.Declaration) {
		d.Consignee = party(d.Consignee)
		d.Consignee.Name = strings.Repeat("x", 257)
	}},
	{"name not UTF-8", "consignee.name", func(d *types.Declaration) { d.Consignee = party(d.Consignee); d.Consignee.Name = "\xff\xfe" }},
	{"no transport mode", "border_transport_mode", func(d *types.Declaration) { d.BorderTransportMode = 0 }},
	{"unknown transport mode", "border_transport_mode", func(d *types.Declaration) { d.BorderTransportMode = 6 }},
	{"no transport means", "transport_means", func(d *types.Declaration) { d.TransportMeans = "" }},
	{"voyage too long", "voyage_number", func(d *types.Declaration) { d.VoyageNumber = strings.Repeat("9", 33) }},
	{"transport document with space", "transport_document_number", func(d *types.Declaration) { d.TransportDocumentNumber = "LS CQ" }},
	{"unknown loading place", "place_of_loading", func(d *types.Declaration) { d.PlaceOfLoading = "CNCKX" }},
	{"loading outside China", "place_of_loading", func(d *types.Declaration) { d.PlaceOfLoading = "THLCH" }},
	{"unknown discharge place", "place_of_discharge", func(d *types.Declaration) { d.PlaceOfDischarge = "THZZZ" }},
	{"destination place in other country", "place_of_destination", func(d *types.Declaration) { d.PlaceOfDestination = "LAVTE" }},
	{"container check digit", "containers[0].number", func(d *types.Declaration) {
		n := d.Containers[0].Number
		d.Containers[0] = &types.Container{Number: n[:10] + string('0'+(n[10]-'0'+1)%10), SizeType: "45G1"}
	}},
	{"container category letter", "containers[0].number", func(d *types.Declaration) {
		d.Containers[0] = &types.Container{Number: "CSNA6123450", SizeType: "45G1"}
	}},
	{"container twice", "containers[1].number", func(d *types.Declaration) { d.Containers[1] = d.Containers[0] }},
	{"container size type", "containers[0].size_type", func(d *types.Declaration) {
		d.Containers[0] = &types.Container{Number: d.Containers[0].Number, SizeType: "40ft"}
	}},
	{"seal twice", "containers[0].seals[1]", func(d *types.Declaration) {
		d.Containers[0] = &types.Container{Number: d.Containers[0].Number, SizeType: "45G1", Seals: []string{"S1", "S1"}}
	}},
	{"too many containers", "containers", func(d *types.Declaration) { d.Containers = make([]*types.Container, 101) }},
	{"packages missing", "packages", func(d *types.Declaration) { d.Packages = nil }},
	{"zero packages", "packages.count", func(d *types.Declaration) { d.Packages = &types.Packages{TypeCode: "CT", Marks: "N/M"} }},
	{"package type", "packages.type_code", func(d *types.Declaration) { d.Packages = &types.Packages{Count: 1, TypeCode: "box", Marks: "N/M"} }},
	{"no marks", "packages.marks", func(d *types.Declaration) { d.Packages = &types.Packages{Count: 1, TypeCode: "CT"} }},
	{"marks with tab", "packages.marks", func(d *types.Declaration) { d.Packages = &types.Packages{Count: 1, TypeCode: "CT", Marks: "A\tB"} }},
	{"gross weight float syntax", "gross_weight_kg", func(d *types.Declaration) { d.GrossWeightKg = "8.15e3" }},
	{"gross weight zero", "gross_weight_kg", func(d *types.Declaration) { d.GrossWeightKg = "0" }},
	{"net weight 4 decimals", "net_weight_kg", func(d *types.Declaration) { d.NetWeightKg = "7280.0001" }},
	{"net above gross", "net_weight_kg", func(d *types.Declaration) { d.GrossWeightKg = "7000" }},
	{"incoterm 2010 rule", "incoterm", func(d *types.Declaration) { d.Incoterm = "DAT" }},
	{"no invoice number", "invoice_number", func(d *types.Declaration) { d.InvoiceNumber = "" }},
	{"invoice date", "invoice_date", func(d *types.Declaration) { d.InvoiceDate = "2026-13-01" }},
	{"invoice amount missing", "invoice_amount", func(d *types.Declaration) { d.InvoiceAmount = nil }},
	{"invoice currency", "invoice_amount.currency", func(d *types.Declaration) { d.InvoiceAmount = &types.Amount{Currency: "RMB", Value: "1"} }},
	{"invoice 3 decimals in USD", "invoice_amount.value", func(d *types.Declaration) { d.InvoiceAmount = &types.Amount{Currency: "USD", Value: "1026000.001"} }},
	{"freight currency", "freight.currency", func(d *types.Declaration) { d.Freight = &types.Amount{Currency: "usd", Value: "1"} }},
	{"insurance negative", "insurance.value", func(d *types.Declaration) { d.Insurance = &types.Amount{Currency: "USD", Value: "-1"} }},
	{"no items", "items", func(d *types.Declaration) { d.Items = nil }},
	{"too many items", "items", func(d *types.Declaration) { d.Items = make([]*types.GoodsItem, 51) }},
	{"item missing", "items[1]", func(d *types.Declaration) { d.Items[1] = nil }},
	{"HS heading only", "items[0].hs_code", func(d *types.Declaration) { d.Items[0].HsCode = "8471" }},
	{"HS national line", "items[0].hs_code", func(d *types.Declaration) { d.Items[0].HsCode = "84713000" }},
	{"HS not in nomenclature", "items[0].hs_code", func(d *types.Declaration) { d.Items[0].HsCode = "847199" }},
	{"national code jurisdiction", "items[0].national_codes[0].jurisdiction", func(d *types.Declaration) {
		d.Items[0].NationalCodes = []*types.NationalCode{{Jurisdiction: "DE", Digits: "00"}}
	}},
	{"CN extension length", "items[0].national_codes[0].digits", func(d *types.Declaration) {
		d.Items[0].NationalCodes = []*types.NationalCode{{Jurisdiction: "CN", Digits: "00"}}
	}},
	{"national code twice", "items[0].national_codes[1].jurisdiction", func(d *types.Declaration) {
		d.Items[0].NationalCodes = []*types.NationalCode{{Jurisdiction: "TH", Digits: "00"}, {Jurisdiction: "TH", Digits: "10"}}
	}},
	{"no description", "items[0].description", func(d *types.Declaration) { d.Items[0].Description = "" }},
	{"quantity zero", "items[0].quantity", func(d *types.Declaration) { d.Items[0].Quantity = "0" }},
	{"quantity with comma", "items[0].quantity", func(d *types.Declaration) { d.Items[0].Quantity = "1,200" }},
	{"unit", "items[0].unit", func(d *types.Declaration) { d.Items[0].Unit = "pcs" }},
	{"item net weight", "items[0].net_weight_kg", func(d *types.Declaration) { d.Items[0].NetWeightKg = "" }},
	{"item value decimals", "items[0].value", func(d *types.Declaration) { d.Items[0].Value = "1.005" }},
	{"item value zero", "items[0].value", func(d *types.Declaration) { d.Items[0].Value = "0.00" }},
	{"origin", "items[0].origin_country", func(d *types.Declaration) { d.Items[0].OriginCountry = "CHN" }},
	{"net weight total", "net_weight_kg", func(d *types.Declaration) { d.Items[0].NetWeightKg = "2161" }},
	{"invoice total", "invoice_amount.value", func(d *types.Declaration) { d.Items[0].Value = "480000.01" }},
}

// TestValidateDeclarationRefusesEachBadField breaks every rule once and
// checks that the error is an invalid-message error naming the field.
func TestValidateDeclarationRefusesEachBadField(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			d := examples.ElectronicsToThailand()
			c.edit(d)
			err := types.ValidateDeclaration(d)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, base.ErrInvalidMsg) {
				t.Fatalf("error %v is not an invalid-message error", err)
			}
			if !strings.Contains(err.Error(), ": "+c.field+": ") {
				t.Fatalf("error %q does not name field %q", err, c.field)
			}
		})
	}
}

// TestValidateDeclarationSaysWhatIsWrong checks, for rules on containers,
// seals and national codes, that the error names the field and says what
// is wrong with it.
func TestValidateDeclarationSaysWhatIsWrong(t *testing.T) {
	seals := func(ss ...string) func(d *types.Declaration) {
		return func(d *types.Declaration) {
			d.Containers[0] = &types.Container{Number: d.Containers[0].Number, SizeType: "45G1", Seals: ss}
		}
	}
	const sealRule = " must be 1-32 characters of letters, digits or '-'"
	// The 12 jurisdictions with a national extension, each once.
	twelve := func() []*types.NationalCode {
		codes := []*types.NationalCode{{Jurisdiction: "CN", Digits: "0000"}, {Jurisdiction: "AHTN", Digits: "20"}}
		for _, j := range types.ASEANMembers {
			codes = append(codes, &types.NationalCode{Jurisdiction: j, Digits: "00"})
		}
		return codes
	}
	for _, c := range []struct {
		badCase
		text string
	}{
		{badCase{"container missing", "containers[1]", func(d *types.Declaration) { d.Containers[1] = nil }}, "is missing"},
		{badCase{"nine seals", "containers[0].seals", seals("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9")},
			"has 9 seals; at most 8 are allowed"},
		{badCase{"seal with space", "containers[0].seals[1]", seals("CQ2611001", "CQ 2611002")}, `"CQ 2611002"` + sealRule},
		{badCase{"seal with slash", "containers[0].seals[0]", seals("CQ/2611")}, `"CQ/2611"` + sealRule},
		{badCase{"seal not ASCII", "containers[0].seals[0]", seals("封2611")}, `"封2611"` + sealRule},
		{badCase{"empty seal", "containers[0].seals[0]", seals("")}, `""` + sealRule},
		{badCase{"seal too long", "containers[0].seals[0]", seals(strings.Repeat("7", 33))}, `"` + strings.Repeat("7", 33) + `"` + sealRule},
		{badCase{"13 national codes", "items[0].national_codes", func(d *types.Declaration) {
			d.Items[0].NationalCodes = append(twelve(), &types.NationalCode{Jurisdiction: "TH", Digits: "10"})
		}}, "has 13 codes; at most 12 are allowed"},
		{badCase{"national code missing", "items[1].national_codes[1]", func(d *types.Declaration) {
			d.Items[1].NationalCodes = []*types.NationalCode{{Jurisdiction: "CN", Digits: "0000"}, nil}
		}}, "is missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := examples.ElectronicsToThailand()
			c.edit(d)
			err := types.ValidateDeclaration(d)
			if !errors.Is(err, base.ErrInvalidMsg) || !strings.Contains(err.Error(), ": "+c.field+": "+c.text) {
				t.Fatalf("got %v; want an invalid-message error %q", err, c.field+": "+c.text)
			}
		})
	}
	// At the limits: eight seals and twelve national codes are accepted.
	d := examples.ElectronicsToThailand()
	seals("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8-"+strings.Repeat("9", 29))(d)
	d.Items[0].NationalCodes = twelve()
	if err := types.ValidateDeclaration(d); err != nil {
		t.Fatal(err)
	}
}

func TestVietnamTaxIDRule(t *testing.T) {
	d := examples.FruitToVietnam()
	d.Importer = party(d.Importer)
	d.Importer.TaxId = "01012345"
	if err := types.ValidateDeclaration(d); err == nil || !strings.Contains(err.Error(), "importer.tax_id") {
		t.Fatalf("short VN tax code: %v", err)
	}
	d.Importer.TaxId = "0101234567-001"
	if err := types.ValidateDeclaration(d); err != nil {
		t.Fatalf("branch tax code refused: %v", err)
	}
}

// TestThaiTaxIDCheckDigit uses tax ids whose check digits were worked out
// by hand, not with the code under test: the first 12 digits weighted 13
// down to 2, check digit (11 - sum mod 11) mod 10. For 0107544000108 the
// sum is 190, 190 mod 11 is 3, and 11 - 3 = 8.
func TestThaiTaxIDCheckDigit(t *testing.T) {
	for _, id := range []string{"0107544000108", "0107536000102", "0107536000315", "0107536000374", "0994000165510", "1101700207366"} {
		if !types.ThaiTaxIDValid(id) {
			t.Errorf("%s refused", id)
		}
		d := examples.ElectronicsToThailand()
		d.Importer = party(d.Importer)
		d.Importer.TaxId = id
		if err := types.ValidateDeclaration(d); err != nil {
			t.Errorf("importer tax id %s: %v", id, err)
		}
	}
	// The same ids with a wrong check digit.
	for _, id := range []string{"0107544000109", "0107536000100", "0107536000314", "0994000165511", "1101700207360"} {
		if types.ThaiTaxIDValid(id) {
			t.Errorf("%s accepted", id)
		}
		d := examples.ElectronicsToThailand()
		d.Importer = party(d.Importer)
		d.Importer.TaxId = id
		err := types.ValidateDeclaration(d)
		if !errors.Is(err, base.ErrInvalidMsg) || !strings.Contains(err.Error(), "importer.tax_id: ") ||
			!strings.Contains(err.Error(), "valid check digit") {
			t.Errorf("importer tax id %s: got %v, want an invalid-message error about importer.tax_id's check digit", id, err)
		}
	}
}

func TestMarksMayHaveLines(t *testing.T) {
	d := examples.ElectronicsToThailand()
	d.Packages = &types.Packages{Count: 420, TypeCode: "CT", Marks: "SIAM ELEC\nBANGKOK\nC/NO. 1-420"}
	if err := types.ValidateDeclaration(d); err != nil {
		t.Fatal(err)
	}
}

func TestExportOnlyNeedsNoImporter(t *testing.T) {
	d := examples.ElectronicsToThailand()
	d.Importer, d.ImportJurisdictions = nil, nil
	if err := types.ValidateDeclaration(d); err != nil {
		t.Fatal(err)
	}
}

func TestISO6346(t *testing.T) {
	if err := types.ValidateContainerNumber("CSQU3054383"); err != nil {
		t.Fatalf("the standard's example: %v", err)
	}
	for _, n := range []string{"CSQU3054384", "CSQU305438", "CSQX3054383", "csqu3054383", "1SQU3054383"} {
		if types.ValidateContainerNumber(n) == nil {
			t.Errorf("%s accepted", n)
		}
	}
}

func TestValidateMsg(t *testing.T) {
	decl := examples.ElectronicsToThailand()
	batch := []*types.Declaration{decl, examples.ElectronicsToThailand()}
	for _, c := range []struct {
		name string
		msg  *types.Msg
		code *base.Code
		text string
	}{
		{"empty", &types.Msg{}, base.ErrInvalidMsg, "no action"},
		{"bad in batch", &types.Msg{Sum: &types.Msg_SubmitDeclarations{SubmitDeclarations: &types.MsgSubmitDeclarations{
			Declarations: []*types.Declaration{decl, {}}}}}, base.ErrInvalidMsg, "submit_declarations.declarations[1]: "},
		{"duplicate in batch", &types.Msg{Sum: &types.Msg_SubmitDeclarations{SubmitDeclarations: &types.MsgSubmitDeclarations{
			Declarations: batch}}}, base.ErrInvalidMsg, "declarations[1].trader_reference"},
		{"batch too big", &types.Msg{Sum: &types.Msg_SubmitDeclarations{SubmitDeclarations: &types.MsgSubmitDeclarations{
			Declarations: make([]*types.Declaration, types.DeclarationsPerTxMax+1)}}}, base.ErrLimitExceeded, "at most 2000"},
		{"amend changes reference", &types.Msg{Sum: &types.Msg_AmendDeclaration{AmendDeclaration: &types.MsgAmendDeclaration{
			Id: "cq-electronics/OTHER", Version: 1, Declaration: decl}}}, base.ErrInvalidMsg, "cannot change"},
		{"amend without version", &types.Msg{Sum: &types.Msg_AmendDeclaration{AmendDeclaration: &types.MsgAmendDeclaration{
			Id: "cq-electronics/CQE-2026-0001", Declaration: decl}}}, base.ErrInvalidMsg, "amend_declaration.version"},
		{"decide bad id", &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{
			Id: "no-slash", Version: 1, Document: "CN-EXPORT", Decision: types.Decision_DECISION_ACCEPT}}}, base.ErrInvalidMsg, "decide.id"},
		{"decide bad doc", &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{
			Id: "a1/b", Version: 1, Document: "cn-export", Decision: types.Decision_DECISION_ACCEPT}}}, base.ErrInvalidMsg, "decide.document"},
		{"decide no decision", &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{
			Id: "a1/b", Version: 1, Document: "CN-EXPORT"}}}, base.ErrInvalidMsg, "decide.decision"},
		{"reject without reason", &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{
			Id: "a1/b", Version: 1, Document: "TH-IMPORT", Decision: types.Decision_DECISION_REJECT}}}, base.ErrInvalidMsg, "decide.reason"},
		{"inspect without reason", &types.Msg{Sum: &types.Msg_Decide{Decide: &types.MsgDecide{
			Id: "a1/b", Version: 1, Document: "TH-IMPORT", Decision: types.Decision_DECISION_INSPECT, Reason: " "}}}, base.ErrInvalidMsg, "decide.reason: is required"},
		{"empty batch", &types.Msg{Sum: &types.Msg_SubmitDeclarations{SubmitDeclarations: &types.MsgSubmitDeclarations{}}},
			base.ErrInvalidMsg, "submit_declarations.declarations: is empty"},
	} {
		err := types.ValidateMsg(c.msg)
		if err == nil || !errors.Is(err, c.code) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: got %v, want %s containing %q", c.name, err, c.code.Name, c.text)
		}
	}
	ok := &types.Msg{Sum: &types.Msg_SubmitDeclaration{SubmitDeclaration: &types.MsgSubmitDeclaration{Declaration: decl}}}
	if err := types.ValidateMsg(ok); err != nil {
		t.Fatal(err)
	}
}
