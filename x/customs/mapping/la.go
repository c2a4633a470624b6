package mapping

import (
	"math/big"

	"github.com/landsea/corridor/x/customs/types"
)

// The Lao PDR import declaration: the Single Administrative Document as
// Lao Customs' ASYCUDA World takes it. Field comments name the SAD box.

// LAImport generates the Lao import declaration.
func LAImport(in Input) *types.LaImportDeclaration {
	d := in.Decl
	terms := d.Incoterm
	if d.IncotermPlace != "" {
		terms += " " + d.IncotermPlace
	}
	return &types.LaImportDeclaration{
		DeclarationType:      "IM4",
		Reference:            in.Reference(),
		DeclarationDate:      localDate(in.Time, indochinaTime),
		Exporter:             formParty(d.Exporter, alpha2, "", false),
		Consignee:            formParty(d.Importer, alpha2, d.Importer.TaxId, false),
		Declarant:            formParty(d.Declarant, alpha2, "", false),
		TotalPackages:        d.Packages.Count,
		CountryOfExport:      d.ExportCountry,
		CountryOfDestination: d.DestinationCountry,
		MeansCrossingBorder:  meansAndVoyage(d),
		DeliveryTerms:        terms,
		Currency:             d.InvoiceAmount.Currency,
		TotalInvoiced:        d.InvoiceAmount.Value,
		ModeAtBorder:         rec19(d.BorderTransportMode),
		OfficeOfEntry:        d.PlaceOfDischarge,
		PreviousDocument:     d.TransportDocumentNumber,
		ExternalFreight:      charge(d.Freight, ""),
		Insurance:            charge(d.Insurance, ""),
		Containers:           formContainers(d.Containers),
		Items:                laItems(d),
	}
}

func laItems(d *types.Declaration) []*types.LaGoodsItem {
	gross := itemGrossMasses(d)
	out := make([]*types.LaGoodsItem, 0, len(d.Items))
	for i, it := range d.Items {
		desc := it.Description
		if i == 0 {
			desc = d.Packages.Marks + " - " + desc
		}
		out = append(out, &types.LaGoodsItem{
			ItemNumber:            uint32(i + 1),
			MarksAndDescription:   desc,
			CommodityCode:         aseanTariffCode(it, "LA"),
			CountryOfOrigin:       it.OriginCountry,
			GrossMassKg:           gross[i],
			Procedure:             "4000",
			NetMassKg:             it.NetWeightKg,
			SupplementaryQuantity: it.Quantity,
			SupplementaryUnit:     it.Unit,
			ItemPrice:             it.Value,
		})
	}
	return out
}

// itemGrossMasses shares the consignment's gross mass among the items in
// proportion to their net mass (SAD box 35 wants a gross mass per item),
// to the gram, rounded half up; the last item takes what rounding leaves,
// so the shares add up to the declared gross mass exactly.
func itemGrossMasses(d *types.Declaration) []string {
	total, _ := types.ParseDecimal(d.GrossWeightKg, types.WeightScale, types.WeightScale)
	whole, _ := types.ParseDecimal(d.NetWeightKg, types.WeightScale, types.WeightScale)
	out := make([]string, len(d.Items))
	left := new(big.Int).Set(total)
	for i, it := range d.Items {
		share := left
		if i < len(d.Items)-1 {
			net, _ := types.ParseDecimal(it.NetWeightKg, types.WeightScale, types.WeightScale)
			share = types.ShareRoundHalfUp(total, net, whole)
			left = new(big.Int).Sub(left, share)
		}
		out[i] = types.FormatDecimal(share, types.WeightScale, types.WeightScale)
	}
	return out
}
