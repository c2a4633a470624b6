package dcsa

import "encoding/json"

// The DCSA eBL 3.0 transport document as Export writes it: the fields the
// bill record supports, in the standard's order. Numbers are json.Number so
// that decimals pass through unchanged, never through a float.
type document struct {
	TransportDocumentReference     string              `json:"transportDocumentReference"`
	ShippingInstructionsReference  string              `json:"shippingInstructionsReference,omitempty"`
	TransportDocumentStatus        string              `json:"transportDocumentStatus"`
	TransportDocumentTypeCode      string              `json:"transportDocumentTypeCode"`
	IsShippedOnBoardType           bool                `json:"isShippedOnBoardType"`
	FreightPaymentTermCode         string              `json:"freightPaymentTermCode,omitempty"`
	IsElectronic                   bool                `json:"isElectronic"`
	IsToOrder                      bool                `json:"isToOrder"`
	ShippedOnBoardDate             string              `json:"shippedOnBoardDate,omitempty"`
	TermsAndConditions             string              `json:"termsAndConditions,omitempty"`
	ReceiptTypeAtOrigin            string              `json:"receiptTypeAtOrigin,omitempty"`
	DeliveryTypeAtDestination      string              `json:"deliveryTypeAtDestination,omitempty"`
	CargoMovementTypeAtOrigin      string              `json:"cargoMovementTypeAtOrigin,omitempty"`
	CargoMovementTypeAtDestination string              `json:"cargoMovementTypeAtDestination,omitempty"`
	ServiceContractReference       string              `json:"serviceContractReference,omitempty"`
	CarrierCode                    string              `json:"carrierCode,omitempty"`
	CarrierCodeListProvider        string              `json:"carrierCodeListProvider,omitempty"`
	Transports                     *transports         `json:"transports,omitempty"`
	DocumentParties                *documentParties    `json:"documentParties,omitempty"`
	ConsignmentItems               []consignmentItem   `json:"consignmentItems,omitempty"`
	UtilizedTransportEquipments    []utilizedEquipment `json:"utilizedTransportEquipments,omitempty"`
}

type transports struct {
	PlannedDepartureDate string         `json:"plannedDepartureDate,omitempty"`
	PlannedArrivalDate   string         `json:"plannedArrivalDate,omitempty"`
	PlaceOfReceipt       *location      `json:"placeOfReceipt,omitempty"`
	PortOfLoading        *location      `json:"portOfLoading,omitempty"`
	PortOfDischarge      *location      `json:"portOfDischarge,omitempty"`
	PlaceOfDelivery      *location      `json:"placeOfDelivery,omitempty"`
	PreCarriageBy        string         `json:"preCarriageBy,omitempty"`
	OnCarriageBy         string         `json:"onCarriageBy,omitempty"`
	VesselVoyages        []vesselVoyage `json:"vesselVoyages,omitempty"`
}

type location struct {
	UNLocationCode string `json:"UNLocationCode"`
}

type vesselVoyage struct {
	VesselName                string `json:"vesselName,omitempty"`
	CarrierExportVoyageNumber string `json:"carrierExportVoyageNumber,omitempty"`
}

type documentParties struct {
	Shipper       *party  `json:"shipper,omitempty"`
	Consignee     *party  `json:"consignee,omitempty"`
	NotifyParties []party `json:"notifyParties,omitempty"`
	IssuingParty  *party  `json:"issuingParty,omitempty"`
}

type party struct {
	PartyName        string            `json:"partyName,omitempty"`
	DisplayedAddress []string          `json:"displayedAddress,omitempty"`
	Address          *address          `json:"address,omitempty"`
	IdentifyingCodes []identifyingCode `json:"identifyingCodes,omitempty"`
}

type address struct {
	Street       string `json:"street,omitempty"`
	StreetNumber string `json:"streetNumber,omitempty"`
	Floor        string `json:"floor,omitempty"`
	PostCode     string `json:"postCode,omitempty"`
	City         string `json:"city,omitempty"`
	StateRegion  string `json:"stateRegion,omitempty"`
	CountryCode  string `json:"countryCode,omitempty"`
}

type identifyingCode struct {
	CodeListProvider string `json:"codeListProvider"`
	CodeListName     string `json:"codeListName,omitempty"`
	PartyCode        string `json:"partyCode"`
}

type consignmentItem struct {
	CarrierBookingReference string      `json:"carrierBookingReference,omitempty"`
	DescriptionOfGoods      []string    `json:"descriptionOfGoods"`
	HSCodes                 []string    `json:"HSCodes,omitempty"`
	CargoItems              []cargoItem `json:"cargoItems,omitempty"`
}

type cargoItem struct {
	EquipmentReference string          `json:"equipmentReference,omitempty"`
	CargoGrossWeight   *quantity       `json:"cargoGrossWeight,omitempty"`
	CargoNetWeight     *quantity       `json:"cargoNetWeight,omitempty"`
	OuterPackaging     *outerPackaging `json:"outerPackaging,omitempty"`
}

type quantity struct {
	Value json.Number `json:"value"`
	Unit  string      `json:"unit"`
}

type outerPackaging struct {
	NumberOfPackages uint32 `json:"numberOfPackages,omitempty"`
	PackageCode      string `json:"packageCode,omitempty"`
	Description      string `json:"description,omitempty"`
}

type utilizedEquipment struct {
	IsShipperOwned       bool            `json:"isShipperOwned"`
	Seals                []seal          `json:"seals,omitempty"`
	Equipment            equipment       `json:"equipment"`
	IsNonOperatingReefer *bool           `json:"isNonOperatingReefer,omitempty"`
	ActiveReeferSettings *reeferSettings `json:"activeReeferSettings,omitempty"`
}

type seal struct {
	Number string `json:"number"`
	Source string `json:"source,omitempty"`
}

type equipment struct {
	ISOEquipmentCode   string `json:"ISOEquipmentCode,omitempty"`
	EquipmentReference string `json:"equipmentReference"`
}

type reeferSettings struct {
	TemperatureSetpoint json.Number `json:"temperatureSetpoint"`
	TemperatureUnit     string      `json:"temperatureUnit"`
}
