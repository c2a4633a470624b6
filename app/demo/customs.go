package demo

import (
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/x/customs/examples"
	ct "github.com/landsea/corridor/x/customs/types"
)

func customsSubmitMsg(d *ct.Declaration) []*types.Message {
	return []*types.Message{client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_SubmitDeclaration{SubmitDeclaration: &ct.MsgSubmitDeclaration{Declaration: d}}})}
}

func customsDecideMsg(id string, version uint32, doc string, d ct.Decision, reason string) []*types.Message {
	return []*types.Message{client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_Decide{Decide: &ct.MsgDecide{
		Id: id, Version: version, Document: doc, Decision: d, Reason: reason}}})}
}

// customsSteps are the customs module's demo transactions: three
// shipments entered once each, with the CN export declaration and the
// destination's import declaration generated from each and decided by the
// customs offices on both sides.
func customsSteps() []Step {
	const (
		th = "cq-electronics/CQE-2026-0001"
		la = "cq-electronics/CQE-2026-0002"
		vn = "gx-agri/GXA-2026-0107"
	)
	accept, inspect, release, reject := ct.Decision_DECISION_ACCEPT, ct.Decision_DECISION_INSPECT, ct.Decision_DECISION_RELEASE, ct.Decision_DECISION_REJECT
	fruitAmended := examples.FruitToVietnam()
	fruitAmended.Items[0].Description = "Fresh apples, Fuji, 10 kg cartons, phytosanitary certificate 450000126110071"
	fruitAmended.Items[1].Description = "Fresh mandarins, 10 kg cartons, phytosanitary certificate 450000126110072"
	amend := []*types.Message{client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_AmendDeclaration{AmendDeclaration: &ct.MsgAmendDeclaration{
		Id: vn, Version: 1, Declaration: fruitAmended}}})}
	// The rail–sea shipment travels on the demo's single bill.
	electronics := examples.ElectronicsToThailand()
	electronics.TransportDocumentNumber = DemoBillNumber
	return []Step{
		{"cq-electronics", customsSubmitMsg(electronics), "customs: notebooks, smartphones and monitors Chongqing → Qinzhou → Laem Chabang (rail–sea), entered once: CN-EXPORT and TH-IMPORT generated"},
		{"cq-customs", customsDecideMsg(th, 1, "CN-EXPORT", accept, ""), "customs: Chongqing Customs accepts the export declaration"},
		{"cq-customs", customsDecideMsg(th, 1, "CN-EXPORT", release, "released for export at Qinzhou"), "customs: Chongqing Customs releases the export"},
		{"th-customs", customsDecideMsg(th, 1, "TH-IMPORT", accept, ""), "customs: Thai Customs accepts the import declaration"},
		{"th-customs", customsDecideMsg(th, 1, "TH-IMPORT", inspect, "container CSNU6123466 selected for X-ray at Laem Chabang"), "customs: Thai Customs holds one container for inspection"},
		{"th-customs", customsDecideMsg(th, 1, "TH-IMPORT", release, "X-ray consistent with the declaration"), "customs: Thai Customs releases the goods"},
		{"cq-electronics", customsSubmitMsg(examples.AppliancesToLaos()), "customs: televisions and washing machines Chongqing → Boten → Vientiane on the China–Laos Railway: CN-EXPORT and LA-IMPORT"},
		{"cq-customs", customsDecideMsg(la, 1, "CN-EXPORT", accept, ""), "customs: Chongqing Customs accepts the rail export"},
		{"cq-customs", customsDecideMsg(la, 1, "CN-EXPORT", release, ""), "customs: Chongqing Customs releases it"},
		{"la-customs", customsDecideMsg(la, 1, "LA-IMPORT", accept, ""), "customs: Lao Customs accepts the import at Boten"},
		{"la-customs", customsDecideMsg(la, 1, "LA-IMPORT", release, "released at Boten"), "customs: Lao Customs releases the goods for Vientiane"},
		{"gx-agri", customsSubmitMsg(examples.FruitToVietnam()), "customs: apples and mandarins by road through Youyiguan to Hanoi: CN-EXPORT (Guangxi) and VN-IMPORT"},
		{"vn-customs", customsDecideMsg(vn, 1, "VN-IMPORT", reject, "phytosanitary certificate numbers missing from the goods description"), "customs: Viet Nam Customs rejects the first version"},
		{"gx-agri", amend, "customs: gx-agri amends: version 2, both documents regenerated, version 1 kept"},
		{"nn-customs", customsDecideMsg(vn, 2, "CN-EXPORT", accept, ""), "customs: Nanning Customs accepts the export"},
		{"nn-customs", customsDecideMsg(vn, 2, "CN-EXPORT", release, ""), "customs: Nanning Customs releases it at Youyiguan"},
		{"vn-customs", customsDecideMsg(vn, 2, "VN-IMPORT", accept, ""), "customs: Viet Nam Customs accepts version 2"},
		{"vn-customs", customsDecideMsg(vn, 2, "VN-IMPORT", inspect, "plant quarantine inspection at Huu Nghi"), "customs: quarantine inspection at Huu Nghi"},
		{"vn-customs", customsDecideMsg(vn, 2, "VN-IMPORT", release, ""), "customs: Viet Nam Customs releases the fruit"},
	}
}

// CustomsSteps returns the customs part of the demo, for tests.
func CustomsSteps() []Step { return customsSteps() }
