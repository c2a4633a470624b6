package mapping

import (
	"time"

	"github.com/landsea/corridor/x/customs/types"
)

// The ASEAN Customs Declaration Document (ACDD): the common import data set
// of the ASEAN Single Window, used for the members without a form of their
// own here (Brunei, Cambodia, Indonesia, Malaysia, Myanmar, the
// Philippines, Singapore).

// aseanZones are the members' standard time offsets (Indonesia: Jakarta,
// Western Indonesia Time). None observes daylight saving time.
var aseanZones = map[string]*time.Location{
	"BN": time.FixedZone("BNT", 8*3600),
	"ID": time.FixedZone("WIB", 7*3600),
	"KH": indochinaTime,
	"LA": indochinaTime,
	"MM": time.FixedZone("MMT", 6*3600+1800),
	"MY": time.FixedZone("MYT", 8*3600),
	"PH": time.FixedZone("PHT", 8*3600),
	"SG": time.FixedZone("SGT", 8*3600),
	"TH": indochinaTime,
	"VN": indochinaTime,
}

// ACDD generates the ACDD lodged with ASEAN member country.
func ACDD(country string, in Input) *types.AcddDeclaration {
	d := in.Decl
	return &types.AcddDeclaration{
		ImportingCountry:        country,
		DeclarationType:         "IM",
		Reference:               in.Reference(),
		DeclarationDate:         localDate(in.Time, aseanZones[country]),
		Exporter:                formParty(d.Exporter, alpha2, "", false),
		Consignee:               formParty(d.Consignee, alpha2, d.Consignee.TaxId, false),
		Importer:                formParty(d.Importer, alpha2, d.Importer.TaxId, false),
		Declarant:               formParty(d.Declarant, alpha2, "", false),
		ModeOfTransport:         rec19(d.BorderTransportMode),
		MeansOfTransport:        meansAndVoyage(d),
		TransportDocumentNumber: d.TransportDocumentNumber,
		PortOfLoading:           d.PlaceOfLoading,
		PortOfDischarge:         d.PlaceOfDischarge,
		PlaceOfDestination:      d.PlaceOfDestination,
		CountryOfExport:         d.ExportCountry,
		CountryOfDestination:    d.DestinationCountry,
		TradingCountry:          d.TradingCountry,
		Containers:              formContainers(d.Containers),
		Packages:                d.Packages,
		GrossWeightKg:           d.GrossWeightKg,
		NetWeightKg:             d.NetWeightKg,
		Incoterm:                d.Incoterm,
		IncotermPlace:           d.IncotermPlace,
		InvoiceNumber:           d.InvoiceNumber,
		InvoiceDate:             d.InvoiceDate,
		InvoiceAmount:           d.InvoiceAmount,
		Freight:                 d.Freight,
		Insurance:               d.Insurance,
		OtherCharges:            d.OtherCharges,
		Items:                   acddItems(country, d),
	}
}

func acddItems(country string, d *types.Declaration) []*types.AcddGoodsItem {
	out := make([]*types.AcddGoodsItem, 0, len(d.Items))
	for i, it := range d.Items {
		out = append(out, &types.AcddGoodsItem{
			ItemNumber:    uint32(i + 1),
			TariffCode:    aseanTariffCode(it, country),
			Description:   it.Description,
			Quantity:      it.Quantity,
			Unit:          it.Unit,
			NetWeightKg:   it.NetWeightKg,
			Value:         it.Value,
			OriginCountry: it.OriginCountry,
		})
	}
	return out
}
