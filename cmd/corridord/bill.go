package main

import (
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	gogoproto "github.com/cosmos/gogoproto/proto"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	at "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/bill/dcsa"
	bt "github.com/landsea/corridor/x/bill/types"
)

func billTxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bill", Short: "Single bills (一单制): issue, move, pledge, track and surrender transferable bills of lading"}
	cmd.AddCommand(billIssueCmd(), billImportDCSACmd(), billPledgeCmd(), billLegEventCmd(), billAcceptCmd())
	cmd.AddCommand(
		billSimpleCmd("issue-draft NUMBER", "Put a draft bill in force (signer: its issuer)", 1, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_IssueDraft{IssueDraft: &bt.MsgIssueDraft{Number: a[0], Remark: r}}}
		}),
		billSimpleCmd("transfer NUMBER TO", "Transfer possession, not title (signer: the possessor)", 2, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_Transfer{Transfer: &bt.MsgTransfer{Number: a[0], To: a[1], Remark: r}}}
		}),
		billSimpleCmd("endorse NUMBER TO", "Endorse title and possession to a member (signer: the holder with title)", 2, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_Endorse{Endorse: &bt.MsgEndorse{Number: a[0], To: a[1], Remark: r}}}
		}),
		billSimpleCmd("release NUMBER", "Release a pledge; possession returns to the pledgor (signer: the bank)", 1, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_Release{Release: &bt.MsgRelease{Number: a[0], Remark: r}}}
		}),
		billSimpleCmd("enforce NUMBER", "Enforce a pledge; the bank takes title (signer: the bank)", 1, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_Enforce{Enforce: &bt.MsgEnforce{Number: a[0], Remark: r}}}
		}),
		billSimpleCmd("surrender NUMBER delivery|amendment", "Surrender the bill to its issuer (signer: the holder with title)", 2, surrenderMsg),
		billSimpleCmd("reject-surrender NUMBER", "Refuse a surrender; possession returns to the title holder (signer: the issuer)", 1, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_RejectSurrender{RejectSurrender: &bt.MsgRejectSurrender{Number: a[0], Remark: r}}}
		}),
		billSimpleCmd("switch-to-paper NUMBER", "Replace the record with a paper bill; the record becomes inoperative (signer: the holder with title)", 1, func(a []string, r string) *bt.Msg {
			return &bt.Msg{Sum: &bt.Msg_SwitchToPaper{SwitchToPaper: &bt.MsgSwitchToPaper{Number: a[0], Remark: r}}}
		}),
	)
	return cmd
}

func surrenderMsg(a []string, r string) *bt.Msg {
	p := bt.SurrenderPurpose_SURRENDER_PURPOSE_UNSPECIFIED
	switch a[1] {
	case "delivery":
		p = bt.SurrenderPurpose_SURRENDER_PURPOSE_DELIVERY
	case "amendment":
		p = bt.SurrenderPurpose_SURRENDER_PURPOSE_AMENDMENT
	}
	return &bt.Msg{Sum: &bt.Msg_Surrender{Surrender: &bt.MsgSurrender{Number: a[0], Purpose: p, Remark: r}}}
}

// billSimpleCmd is a tx command whose message comes from its arguments and
// --remark.
func billSimpleCmd(use, short string, nargs int, build func(args []string, remark string) *bt.Msg) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			remark, _ := cmd.Flags().GetString("remark")
			return submitBill(cmd, build(args, remark))
		},
	}
	cmd.Flags().String("remark", "", "free text recorded in the bill's history")
	return cmd
}

// submitBill checks a message as the ledger will, then signs and submits it.
func submitBill(cmd *cobra.Command, m *bt.Msg) error {
	return submitValidated(cmd, bt.ValidateMsg(m), client.BillMsg(m))
}

func billIssueCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issue FILE.json",
		Short: "Issue a bill (signer: a carrier or multimodal operator); FILE is a corridor.bill.v1.BillContent in protobuf JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := &bt.BillContent{}
			if err := readProtoJSON(args[0], c); err != nil {
				return err
			}
			draft, _ := cmd.Flags().GetBool("draft")
			remark, _ := cmd.Flags().GetString("remark")
			return submitBill(cmd, &bt.Msg{Sum: &bt.Msg_IssueBill{IssueBill: &bt.MsgIssueBill{Content: c, Draft: draft, Remark: remark}}})
		},
	}
	cmd.Flags().Bool("draft", false, "record the bill as a draft, to be put in force with issue-draft")
	cmd.Flags().String("remark", "", "free text recorded in the bill's history")
	return cmd
}

func billImportDCSACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import-dcsa FILE.json",
		Short: "Issue a bill from a DCSA eBL 3.0 transport document (signer: the issuing carrier)",
		Long: "Converts the document here, in the client, and submits the bill it describes: DRAFT and APPROVED documents\n" +
			"become draft bills, ISSUED ones bills in force. Fields the bill record does not hold are listed as warnings\n" +
			"with their JSON paths on stderr. --shipper names the ledger member that becomes the first holder.",
		Args: cobra.ExactArgs(1),
		RunE: runImportDCSA,
	}
	f := cmd.Flags()
	f.String("shipper", "", "member id of the shipper (required: the bill's first holder)")
	f.String("consignee", "", "member id of the consignee (required for a straight bill)")
	f.String("carrier", "", "member id that carries every leg (default: the signer)")
	f.StringSlice("leg-carriers", nil, "member ids of each leg's carrier in order: pre-carriage, sea, on-carriage")
	f.StringSlice("customs-declaration", nil, "customs declaration ids to link to the bill")
	f.Bool("dry-run", false, "print the converted message and warnings; submit nothing")
	f.String("remark", "", "free text recorded in the bill's history")
	return cmd
}

func runImportDCSA(cmd *cobra.Command, args []string) error {
	doc, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	str := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
	list := func(n string) []string { v, _ := cmd.Flags().GetStringSlice(n); return v }
	o := dcsa.Options{Issuer: str("from"), Shipper: str("shipper"), Consignee: str("consignee"), Carrier: str("carrier"),
		LegCarriers: list("leg-carriers"), CustomsDeclarationIDs: list("customs-declaration")}
	msg, warns, err := dcsa.Import(doc, o)
	for _, w := range warns {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	msg.Remark = str("remark")
	m := &bt.Msg{Sum: &bt.Msg_IssueBill{IssueBill: msg}}
	if dry, _ := cmd.Flags().GetBool("dry-run"); dry {
		return printJSON(cmd.OutOrStdout(), m)
	}
	if o.Issuer == "" {
		return fmt.Errorf("--from is required: the issuing carrier signs")
	}
	return submitBill(cmd, m)
}

func billPledgeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pledge NUMBER BANK",
		Short: "Pledge the bill to a bank, which takes possession (signer: the holder with title)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			str := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
			minor, err := minorUnits(str("amount"), str("currency"))
			if err != nil {
				return fmt.Errorf("--amount: %w", err)
			}
			exp, err := time.Parse(time.DateOnly, str("expires"))
			if err != nil {
				return fmt.Errorf("--expires %q: a date YYYY-MM-DD is required", str("expires"))
			}
			return submitBill(cmd, &bt.Msg{Sum: &bt.Msg_Pledge{Pledge: &bt.MsgPledge{Number: args[0], Bank: args[1], AmountMinor: minor,
				Currency: str("currency"), AgreementReference: str("agreement"), ExpiresUnix: exp.Unix(), Remark: str("remark")}}})
		},
	}
	f := cmd.Flags()
	f.String("amount", "", "secured amount as a decimal, e.g. 2680000.00")
	f.String("currency", "CNY", "ISO 4217 currency")
	f.String("agreement", "", "financing agreement reference")
	f.String("expires", "", "end of the financing agreement, YYYY-MM-DD (UTC)")
	f.String("remark", "", "free text recorded in the bill's history")
	return cmd
}

// minorDigits are ISO 4217 currencies whose minor unit is not 1/100.
var minorDigits = map[string]int{"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "IQD": 3, "TND": 3, "LYD": 3}

// minorUnits turns a decimal amount into integer minor units of currency,
// without floats; more decimals than the currency has is an error.
func minorUnits(amount, currency string) (int64, error) {
	digits, ok := minorDigits[currency]
	if !ok {
		digits = 2
	}
	whole, frac, _ := strings.Cut(amount, ".")
	digitsOnly := func(s string) bool { return strings.Trim(s, "0123456789") == "" }
	if whole == "" || len(frac) > digits || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, fmt.Errorf("%q is not an amount with at most %d decimals for %s (digits, one optional point, no sign or separators)", amount, digits, currency)
	}
	n, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", digits-len(frac)), 10)
	if !ok || !n.IsInt64() {
		return 0, fmt.Errorf("%q is more than the ledger can hold", amount)
	}
	return n.Int64(), nil
}

var legEventTypes = map[string]bt.LegEventType{
	"departed": bt.LegEventType_LEG_EVENT_TYPE_DEPARTED, "arrived": bt.LegEventType_LEG_EVENT_TYPE_ARRIVED,
	"handed-over": bt.LegEventType_LEG_EVENT_TYPE_HANDED_OVER, "border-crossed": bt.LegEventType_LEG_EVENT_TYPE_BORDER_CROSSED,
	"customs-cleared": bt.LegEventType_LEG_EVENT_TYPE_CUSTOMS_CLEARED, "delivered": bt.LegEventType_LEG_EVENT_TYPE_DELIVERED,
}

func billLegEventCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "leg-event NUMBER LEG TYPE LOCATION",
		Short: "Record a transport event of a leg (signer: that leg's carrier); TYPE is departed, arrived, handed-over, border-crossed, customs-cleared or delivered; LOCATION a UN/LOCODE",
		Args:  cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			leg, err := strconv.ParseUint(args[1], 10, 32)
			if err != nil {
				return fmt.Errorf("LEG %q: the leg's index, counting from 0", args[1])
			}
			t, ok := legEventTypes[args[2]]
			if !ok {
				return fmt.Errorf("TYPE %q: one of departed, arrived, handed-over, border-crossed, customs-cleared, delivered", args[2])
			}
			remark, _ := cmd.Flags().GetString("remark")
			return submitBill(cmd, &bt.Msg{Sum: &bt.Msg_LegEvent{LegEvent: &bt.MsgRecordLegEvent{Number: args[0], LegIndex: uint32(leg),
				Type: t, Location: args[3], Remark: remark}}})
		},
	}
	cmd.Flags().String("remark", "", "free text recorded in the bill's history")
	return cmd
}

func billAcceptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "accept-surrender NUMBER",
		Short: "Accept a surrender (signer: the issuer); for an amendment, --amended FILE.json gives the new bill's content with a new number",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := &bt.MsgAcceptSurrender{Number: args[0]}
			m.Remark, _ = cmd.Flags().GetString("remark")
			if path, _ := cmd.Flags().GetString("amended"); path != "" {
				m.Amended = &bt.BillContent{}
				if err := readProtoJSON(path, m.Amended); err != nil {
					return err
				}
			}
			return submitBill(cmd, &bt.Msg{Sum: &bt.Msg_AcceptSurrender{AcceptSurrender: m}})
		},
	}
	cmd.Flags().String("amended", "", "the amended bill (corridor.bill.v1.BillContent, protobuf JSON), for a surrender for amendment")
	cmd.Flags().String("remark", "", "free text recorded in the bill's history")
	return cmd
}

func billQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bill", Short: "Single bills: public records with their history, lists by party or status, location; DCSA export by signed read",
		Long: "These queries show a bill's public record: status, issuer, title holder, possessor, pledge, last leg event,\n" +
			"history and content hash. The content (parties, goods, equipment, legs, terms) is protected: the issuer,\n" +
			"the parties and grantees read it with 'corridord query access read bill NUMBER --from MEMBER --purpose P',\n" +
			"which the node records as an access event (see docs/access.md)."}
	cmd.AddCommand(billShowCmd(), billListCmd(), billLocationCmd(), billExportDCSACmd())
	return cmd
}

func billShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bill NUMBER",
		Short: "Show a bill's public record (no content) with its full history; --prove adds an ICS23 proof and checks it and the history chain here",
		Long: "Shows the bill record without its content: status, holders, pledge, last leg event, content hash and history.\n" +
			"Read the content (parties, goods, legs) with 'corridord query access read bill NUMBER --from MEMBER --purpose P'\n" +
			"as the issuer, a party or a grantee; the read is recorded.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cc, err := newCLICtx(cmd, false)
			if err != nil {
				return err
			}
			defer cc.Close()
			prove, _ := cmd.Flags().GetBool("prove")
			r, err := bt.NewQueryServiceClient(cc.Client.Conn()).Bill(cc.Ctx, &bt.BillRequest{Number: args[0], Prove: prove})
			if err != nil {
				return err
			}
			if prove {
				if err := verifyBillResponse(r); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "proof of bill %s verifies against root %X at height %d; its %d history entries chain to the proven record\n",
					args[0], r.Proof.Root, r.Proof.Height, len(r.History))
			}
			if b, _ := cmd.Flags().GetString("bundle"); b != "" {
				if err := writeBundle(cmd, cc, bt.BillKey(args[0]), r.Height); err != nil {
					return err
				}
			}
			return cc.Print(r)
		},
	}
	cmd.Flags().Bool("prove", false, "include an ICS23 proof of the record and verify it with the history chain")
	addBundleFlags(cmd)
	return cmd
}

func billListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List bills by --holder (possession; with --title, title), --issuer, --pledgee or --status (e.g. PLEDGED)",
		Args:  cobra.NoArgs,
		RunE:  runBillList,
	}
	f := cmd.Flags()
	f.String("holder", "", "member id: bills it possesses")
	f.Bool("title", false, "with --holder: bills it holds title to")
	f.String("issuer", "", "member id: bills it issued")
	f.String("pledgee", "", "bank member id: bills pledged to it")
	f.String("status", "", "status: DRAFT, ISSUED, PLEDGED, PENDING_SURRENDER_FOR_DELIVERY, …")
	addPageFlags(cmd)
	return cmd
}

func runBillList(cmd *cobra.Command, _ []string) error {
	str := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
	limit, _ := cmd.Flags().GetUint32("limit")
	title, _ := cmd.Flags().GetBool("title")
	if str("holder") == "" && str("issuer") == "" && str("pledgee") == "" && str("status") == "" {
		return fmt.Errorf("say which bills: --holder, --issuer, --pledgee or --status")
	}
	s, ok := bt.BillStatus_value["BILL_STATUS_"+strings.TrimPrefix(str("status"), "BILL_STATUS_")]
	if str("status") != "" && !ok {
		return fmt.Errorf("--status %q is not a bill status (DRAFT, ISSUED, PLEDGED, …)", str("status"))
	}
	tok := str("page-token")
	return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
		q := bt.NewQueryServiceClient(cc.Client.Conn())
		switch {
		case str("holder") != "":
			return q.BillsByHolder(cc.Ctx, &bt.BillsByHolderRequest{Holder: str("holder"), Title: title, PageToken: tok, Limit: limit})
		case str("issuer") != "":
			return q.BillsByIssuer(cc.Ctx, &bt.BillsByIssuerRequest{Issuer: str("issuer"), PageToken: tok, Limit: limit})
		case str("pledgee") != "":
			return q.BillsByPledgee(cc.Ctx, &bt.BillsByPledgeeRequest{Bank: str("pledgee"), PageToken: tok, Limit: limit})
		default:
			return q.BillsByStatus(cc.Ctx, &bt.BillsByStatusRequest{Status: bt.BillStatus(s), PageToken: tok, Limit: limit})
		}
	})
}

func billLocationCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "location NUMBER",
		Short: "Where the goods of a bill are: its status and last leg event (the legs themselves are read with query access read)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return bt.NewQueryServiceClient(cc.Client.Conn()).Location(cc.Ctx, &bt.LocationRequest{Number: args[0]})
			})
		},
	}
}

func billExportDCSACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export-dcsa NUMBER",
		Short: "Write a bill as a DCSA eBL 3.0 transport document (JSON) to stdout or --out, read with a request signed by --from (issuer, party or grantee; the node records the read); ledger facts DCSA cannot hold are warned on stderr",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := readBody(cmd, at.RecordTypeBill, args[0])
			if err != nil {
				return err
			}
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			rr, err := sendRead(cmd, cc, body)
			if err != nil {
				return err
			}
			r := &bt.BillResponse{}
			if err := r.Unmarshal(rr.Content); err != nil {
				return fmt.Errorf("content of bill %s does not decode: %w", args[0], err)
			}
			doc, warns, err := dcsa.Export(r.Bill)
			if err != nil {
				return err
			}
			for _, w := range warns {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			if out, _ := cmd.Flags().GetString("out"); out != "" {
				return os.WriteFile(out, doc, 0o644)
			}
			_, err = cmd.OutOrStdout().Write(doc)
			return err
		},
	}
	cmd.Flags().String("out", "", "write the document to FILE instead of stdout")
	cmd.Flags().Bool("prove", false, "ask for ICS23 proofs of the bill read and check them with the content")
	addSignFlags(cmd)
	addReadFlags(cmd)
	return cmd
}

// verifyBillResponse checks that the proof proves the returned record under
// the bill's key against the proof's root, and that the history chains to
// the record. Checking the root against a signed header is `corridord
// verify`'s work, on a bundle (--bundle).
func verifyBillResponse(r *bt.BillResponse) error {
	p := r.Proof
	if p == nil || p.Value == nil {
		return fmt.Errorf("the node sent no proof of the bill")
	}
	key := bt.BillKey(r.Bill.GetNumber())
	bz, err := r.Bill.Marshal()
	if err != nil {
		return err
	}
	if string(p.Key) != string(key) || string(p.Value) != string(bz) {
		return fmt.Errorf("the proof is not of the bill returned")
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(p.CommitmentProof); err != nil {
		return fmt.Errorf("proof does not decode: %w", err)
	}
	if err := store.VerifyMembership(p.Root, cp, key, p.Value); err != nil {
		return fmt.Errorf("proof does not verify: %w", err)
	}
	return bt.VerifyHistory(r.Bill, r.History, nil)
}
