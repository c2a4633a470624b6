package mapping

import "github.com/landsea/corridor/x/customs/types"

// Thailand's import declaration (ใบขนสินค้าขาเข้า), Thai e-Customs data set.

// THImport generates Thailand's import declaration.
func THImport(in Input) *types.ThImportDeclaration {
	d := in.Decl
	return &types.ThImportDeclaration{
		ReferenceNumber:      in.Reference(),
		DeclarationDate:      localDate(in.Time, indochinaTime),
		Importer:             formParty(d.Importer, alpha2, d.Importer.TaxId, false),
		Consignor:            formParty(d.Exporter, alpha2, "", false),
		ModeOfTransport:      rec19(d.BorderTransportMode),
		VesselName:           meansAndVoyage(d),
		MasterBillOfLading:   d.TransportDocumentNumber,
		LoadingPort:          d.PlaceOfLoading,
		DischargePort:        d.PlaceOfDischarge,
		ExportCountry:        d.ExportCountry,
		TotalPackageAmount:   d.Packages.Count,
		TotalPackageUnitCode: d.Packages.TypeCode,
		ShippingMarks:        d.Packages.Marks,
		TotalNetWeight:       d.NetWeightKg,
		TotalGrossWeight:     d.GrossWeightKg,
		WeightUnitCode:       "KGM",
		InvoiceNumber:        d.InvoiceNumber,
		InvoiceDate:          d.InvoiceDate,
		TermOfDelivery:       d.Incoterm,
		InvoiceCurrencyCode:  d.InvoiceAmount.Currency,
		TotalInvoiceAmount:   d.InvoiceAmount.Value,
		Freight:              charge(d.Freight, ""),
		Insurance:            charge(d.Insurance, ""),
		Containers:           formContainers(d.Containers),
		Items:                thItems(d),
	}
}

func thItems(d *types.Declaration) []*types.ThGoodsItem {
	out := make([]*types.ThGoodsItem, 0, len(d.Items))
	for i, it := range d.Items {
		out = append(out, &types.ThGoodsItem{
			ItemNumber:         uint32(i + 1),
			TariffCode:         aseanTariffCode(it, "TH"),
			DescriptionEnglish: it.Description,
			Quantity:           it.Quantity,
			QuantityUnitCode:   it.Unit,
			NetWeight:          it.NetWeightKg,
			InvoiceAmount:      it.Value,
			OriginCountry:      it.OriginCountry,
		})
	}
	return out
}
