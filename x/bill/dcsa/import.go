package dcsa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/landsea/corridor/x/bill/types"
)

// Options names the ledger members behind a document's parties.
type Options struct {
	// Issuer is the member that issues the bill (the signer); it becomes
	// the issuing party's member.
	Issuer string
	// Shipper is the shipper's member: the bill's first holder. Required.
	Shipper string
	// Consignee is the consignee's member; required for a straight bill.
	Consignee string
	// Carrier carries every leg that LegCarriers does not name; default Issuer.
	Carrier string
	// LegCarriers name the carrier member of each leg, in leg order
	// (pre-carriage, main carriage, on-carriage); empty entries use Carrier.
	LegCarriers []string
	// CustomsDeclarationIDs link customs declarations to the bill.
	CustomsDeclarationIDs []string
}

// DocumentBytesMax bounds the JSON a client converts.
const DocumentBytesMax = 1 << 20

// Import converts a DCSA eBL 3.0 transport document into the message that
// issues it as a bill: a DRAFT or APPROVED document becomes a draft, an
// ISSUED one a bill in force. Fields the record does not support come back
// as warnings; malformed or unsupported documents are errors naming the
// JSON path. The message is checked with the ledger's own stateless rules.
func Import(doc []byte, o Options) (*types.MsgIssueBill, []Warning, error) {
	if len(doc) > DocumentBytesMax {
		return nil, nil, fmt.Errorf("dcsa: document of %d bytes exceeds %d", len(doc), DocumentBytesMax)
	}
	if o.Shipper == "" {
		return nil, nil, fmt.Errorf("dcsa: the shipper's ledger member is required (it becomes the first holder)")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("dcsa: document is not JSON: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("dcsa: document has data after its top-level object")
	}
	var warn []Warning
	root, err := newObj("$", v, &warn)
	if err != nil {
		return nil, nil, err
	}
	msg, err := readDocument(root, o)
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(warn, func(i, j int) bool { return warn[i].Path < warn[j].Path })
	if err := types.ValidateMsg(&types.Msg{Sum: &types.Msg_IssueBill{IssueBill: msg}}); err != nil {
		return nil, warn, fmt.Errorf("dcsa: the converted bill is not valid: %w", err)
	}
	return msg, warn, nil
}

func readDocument(root *obj, o Options) (*types.MsgIssueBill, error) {
	c := &types.BillContent{Terms: &types.TransportTerms{}, CustomsDeclarationIds: o.CustomsDeclarationIDs}
	msg := &types.MsgIssueBill{Content: c}
	if err := readHeader(root, c, msg); err != nil {
		return nil, err
	}
	if err := readTerms(root, c); err != nil {
		return nil, err
	}
	if err := readParties(root, c, o); err != nil {
		return nil, err
	}
	if err := readTransports(root, c, o); err != nil {
		return nil, err
	}
	if err := readEquipment(root, c); err != nil {
		return nil, err
	}
	if err := readGoods(root, c); err != nil {
		return nil, err
	}
	if *c.Terms == (types.TransportTerms{}) {
		c.Terms = nil
	}
	root.done()
	return msg, nil
}

func readHeader(root *obj, c *types.BillContent, msg *types.MsgIssueBill) error {
	var err error
	if c.Number, err = root.str("transportDocumentReference"); err != nil {
		return err
	}
	status, err := root.str("transportDocumentStatus")
	if err != nil {
		return err
	}
	switch status {
	case "DRAFT":
		msg.Draft = true
	case "APPROVED":
		msg.Draft, c.ShipperApproved = true, true
	case "ISSUED":
	default:
		return fmt.Errorf("$.transportDocumentStatus: %q cannot become a bill; only DRAFT, APPROVED and ISSUED documents are imported", status)
	}
	if tc, err := root.str("transportDocumentTypeCode"); err != nil {
		return err
	} else if tc != "BOL" {
		return fmt.Errorf("$.transportDocumentTypeCode: %q is not a bill of lading (BOL); a sea waybill is not a transferable record", tc)
	}
	if el, err := root.boolean("isElectronic"); err != nil {
		return err
	} else if !el {
		return fmt.Errorf("$.isElectronic: the document is a paper bill; only an electronic bill can become the ledger record")
	}
	if c.ToOrder, err = root.boolean("isToOrder"); err != nil {
		return err
	}
	if c.ShippedOnBoard, err = root.boolean("isShippedOnBoardType"); err != nil {
		return err
	}
	return firstErr(
		readStr(root, "shippingInstructionsReference", &c.ShippingInstructionsReference),
		readStr(root, "shippedOnBoardDate", &c.ShippedOnBoardDate),
		readStr(root, "termsAndConditions", &c.TermsAndConditions),
		readStr(root, "carrierCode", &c.CarrierCode),
		readStr(root, "carrierCodeListProvider", &c.CarrierCodeListProvider),
	)
}

func readTerms(root *obj, c *types.BillContent) error {
	t := c.Terms
	return firstErr(
		readStr(root, "receiptTypeAtOrigin", &t.ReceiptTypeAtOrigin),
		readStr(root, "deliveryTypeAtDestination", &t.DeliveryTypeAtDestination),
		readStr(root, "cargoMovementTypeAtOrigin", &t.CargoMovementTypeAtOrigin),
		readStr(root, "cargoMovementTypeAtDestination", &t.CargoMovementTypeAtDestination),
		readStr(root, "freightPaymentTermCode", &t.FreightPaymentTerm),
		readStr(root, "serviceContractReference", &t.ServiceContractReference),
	)
}

func readStr(o *obj, key string, dst *string) error {
	s, err := o.str(key)
	*dst = s
	return err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
