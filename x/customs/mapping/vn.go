package mapping

import "github.com/landsea/corridor/x/customs/types"

// Viet Nam's import declaration (tờ khai hàng hóa nhập khẩu), VNACCS IDA.

// vnContainersMax is the most container numbers an IDA declaration holds.
const vnContainersMax = 50

// vnTransportMode is VNACCS's transport mode code (mã phương thức vận
// chuyển): the sea code depends on whether the goods are containerised.
func vnTransportMode(m types.TransportMode, containerised bool) string {
	switch m {
	case types.TransportMode_TRANSPORT_MODE_AIR:
		return "1"
	case types.TransportMode_TRANSPORT_MODE_SEA:
		if containerised {
			return "2"
		}
		return "3"
	case types.TransportMode_TRANSPORT_MODE_ROAD:
		return "4"
	case types.TransportMode_TRANSPORT_MODE_RAIL:
		return "5"
	case types.TransportMode_TRANSPORT_MODE_INLAND_WATERWAY:
		return "6"
	}
	return "9"
}

// VNImport generates Viet Nam's import declaration. It fails with
// ErrFormLimit when the consignment has more containers than an IDA holds.
func VNImport(in Input) (*types.VnImportDeclaration, error) {
	d := in.Decl
	if len(d.Containers) > vnContainersMax {
		return nil, types.ErrFormLimit.Wrapf("containers: Viet Nam's import declaration holds at most %d container numbers, this declaration has %d; split the shipment", vnContainersMax, len(d.Containers))
	}
	return &types.VnImportDeclaration{
		DeclarationTypeCode: "A11",
		Reference:           in.Reference(),
		DeclarationDate:     localDate(in.Time, indochinaTime),
		Importer:            formParty(d.Importer, alpha2, d.Importer.TaxId, false),
		Exporter:            formParty(d.Exporter, alpha2, "", false),
		TransportModeCode:   vnTransportMode(d.BorderTransportMode, len(d.Containers) > 0),
		MeansOfTransport:    meansAndVoyage(d),
		BillOfLading:        d.TransportDocumentNumber,
		PackageCount:        d.Packages.Count,
		PackageUnit:         d.Packages.TypeCode,
		GrossWeight:         d.GrossWeightKg,
		ContainerNumbers:    containerNumbers(d.Containers),
		PlaceOfLoading:      d.PlaceOfLoading,
		PlaceOfUnloading:    d.PlaceOfDischarge,
		InvoiceNumber:       d.InvoiceNumber,
		InvoiceDate:         d.InvoiceDate,
		PriceCondition:      d.Incoterm,
		InvoiceCurrency:     d.InvoiceAmount.Currency,
		InvoiceValue:        d.InvoiceAmount.Value,
		Freight:             charge(d.Freight, ""),
		Insurance:           charge(d.Insurance, ""),
		Items:               vnItems(d),
	}, nil
}

func vnItems(d *types.Declaration) []*types.VnGoodsItem {
	out := make([]*types.VnGoodsItem, 0, len(d.Items))
	for i, it := range d.Items {
		out = append(out, &types.VnGoodsItem{
			LineNumber:    uint32(i + 1),
			HsCode:        aseanTariffCode(it, "VN"),
			Description:   it.Description,
			Quantity:      it.Quantity,
			QuantityUnit:  it.Unit,
			InvoiceValue:  it.Value,
			UnitPrice:     unitPrice(it.Value, it.Quantity),
			OriginCountry: it.OriginCountry,
		})
	}
	return out
}
