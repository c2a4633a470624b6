package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cosmos/gogoproto/jsonpb"
	gogoproto "github.com/cosmos/gogoproto/proto"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/spf13/cobra"

	apptypes "github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	ct "github.com/landsea/corridor/x/customs/types"
)

func customsTxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "customs", Short: "Customs declarations and decisions"}
	cmd.AddCommand(customsSubmitCmd(), customsAmendCmd(), customsDecideCmd())
	return cmd
}

func customsMsg(m *ct.Msg) *apptypes.Message { return client.CustomsMsg(m) }

func customsSubmitCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "submit FILE.json",
		Short: "Lodge declarations (signer: an enterprise or a province authority)",
		Long: "FILE holds one corridor.customs.v1.Declaration in protobuf JSON, or a JSON array of them.\n" +
			"An array is lodged in transactions of up to 2,000 declarations each (the ledger's limit), one after another.\n" +
			"Each declaration's id is <signer>/<trader_reference>.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ds, err := readDeclarations(args[0])
			if err != nil {
				return err
			}
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			for start := 0; start < len(ds); start += ct.DeclarationsPerTxMax {
				chunk := ds[start:min(start+ct.DeclarationsPerTxMax, len(ds))]
				msg := &ct.Msg{Sum: &ct.Msg_SubmitDeclarations{SubmitDeclarations: &ct.MsgSubmitDeclarations{Declarations: chunk}}}
				if len(chunk) == 1 {
					msg = &ct.Msg{Sum: &ct.Msg_SubmitDeclaration{SubmitDeclaration: &ct.MsgSubmitDeclaration{Declaration: chunk[0]}}}
				}
				if _, err := cc.Submit(customsMsg(msg)); err != nil {
					return fmt.Errorf("declarations %d to %d: %w", start, start+len(chunk)-1, err)
				}
			}
			return nil
		},
	}
}

// readDeclarations reads one declaration or a JSON array of them.
func readDeclarations(path string) ([]*ct.Declaration, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(bz)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		d := &ct.Declaration{}
		if err := jsonpb.Unmarshal(bytes.NewReader(bz), d); err != nil {
			return nil, fmt.Errorf("%s: not a corridor.customs.v1.Declaration: %w", path, err)
		}
		return []*ct.Declaration{d}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]*ct.Declaration, 0, len(raws))
	for i, raw := range raws {
		d := &ct.Declaration{}
		if err := jsonpb.Unmarshal(bytes.NewReader(raw), d); err != nil {
			return nil, fmt.Errorf("%s: element %d: %w", path, i, err)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the array is empty", path)
	}
	return out, nil
}

func customsAmendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "amend ID FILE.json",
		Short: "Replace a declaration no office has accepted yet with a new version (signer: its declarant)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := &ct.Declaration{}
			if err := readProtoJSON(args[1], d); err != nil {
				return err
			}
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			version, err := versionFlag(cmd, cc, args[0])
			if err != nil {
				return err
			}
			_, err = cc.Submit(customsMsg(&ct.Msg{Sum: &ct.Msg_AmendDeclaration{AmendDeclaration: &ct.MsgAmendDeclaration{
				Id: args[0], Version: version, Declaration: d}}}))
			return err
		},
	}
	cmd.Flags().Uint32("version", 0, "version being amended (default: the current one, read from the node)")
	return cmd
}

func customsDecideCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "decide ID DOC",
		Short: "Record a customs office's decision on a generated document, e.g. decide cq-electronics/CQE-2026-0001 TH-IMPORT --decision release",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, _ := cmd.Flags().GetString("decision")
			decision, ok := ct.Decision_value["DECISION_"+strings.ToUpper(name)]
			if !ok || decision == 0 {
				return fmt.Errorf("--decision %q: use accept, inspect, release or reject", name)
			}
			reason, _ := cmd.Flags().GetString("reason")
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			version, err := versionFlag(cmd, cc, args[0])
			if err != nil {
				return err
			}
			_, err = cc.Submit(customsMsg(&ct.Msg{Sum: &ct.Msg_Decide{Decide: &ct.MsgDecide{
				Id: args[0], Version: version, Document: args[1], Decision: ct.Decision(decision), Reason: reason}}}))
			return err
		},
	}
	cmd.Flags().String("decision", "", "accept, inspect, release or reject")
	cmd.Flags().String("reason", "", "the office's reason (required for inspect and reject)")
	cmd.Flags().Uint32("version", 0, "version decided on (default: the current one, read from the node)")
	return cmd
}

// versionFlag returns --version, or the declaration's current version.
func versionFlag(cmd *cobra.Command, cc *cliCtx, id string) (uint32, error) {
	if v, _ := cmd.Flags().GetUint32("version"); v != 0 {
		return v, nil
	}
	r, err := ct.NewQueryServiceClient(cc.Client.Conn()).Declaration(cc.Ctx, &ct.DeclarationRequest{Id: id})
	if err != nil {
		return 0, fmt.Errorf("reading the current version of %s: %w", id, err)
	}
	return r.Record.Version, nil
}

func customsQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "customs", Short: "Customs declarations: public records (statuses, decisions, document hashes) and listings",
		Long: "These queries show declaration records: current version, document statuses and content hashes, decisions.\n" +
			"What was declared (every version) and the generated documents are protected: the declarant, the customs\n" +
			"offices of the documents' jurisdictions and grantees read them with\n" +
			"'corridord query access read customs.declaration ID --from MEMBER --purpose P [--version N]',\n" +
			"which the node records as an access event (see docs/access.md)."}
	cmd.AddCommand(customsDeclarationCmd(), customsListCmd())
	return cmd
}

func customsDeclarationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "declaration ID",
		Short: "Show a declaration's public record: current version, document statuses and content hashes, decisions",
		Long: "Shows the declaration record. The declaration as entered and its generated documents are read with\n" +
			"'corridord query access read customs.declaration ID --from MEMBER --purpose P [--version N]' by the\n" +
			"declarant, a customs office of the documents' jurisdictions or a grantee; the read is recorded.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := ct.NewQueryServiceClient(cc.Client.Conn()).Declaration(cc.Ctx, &ct.DeclarationRequest{Id: args[0], Prove: prove})
				if err != nil || !prove {
					return r, err
				}
				if err := checkCustomsProofs(r); err != nil {
					return nil, err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "the record's proof verifies against root %X of height %d (check it against the AppHash of header %d, or use corridord verify)\n",
					r.Proofs[0].Root, r.Height, r.Height+1)
				return r, nil
			})
		},
	}
	cmd.Flags().Bool("prove", false, "include an ICS23 proof of the record and check it")
	return cmd
}

// checkCustomsProofs verifies each proof against the root it names, that
// all share one root, and that the first proves the record returned.
func checkCustomsProofs(r *ct.DeclarationResponse) error {
	if len(r.Proofs) == 0 {
		return fmt.Errorf("the node sent no proof")
	}
	if bz, err := r.Record.Marshal(); err != nil || !bytes.Equal(r.Proofs[0].Key, ct.RecordKey(r.Record.GetId())) || !bytes.Equal(r.Proofs[0].Value, bz) {
		return fmt.Errorf("the proof is not of the record returned")
	}
	for i, p := range r.Proofs {
		cp := &ics23.CommitmentProof{}
		if err := cp.Unmarshal(p.CommitmentProof); err != nil {
			return fmt.Errorf("proof %d: %w", i, err)
		}
		if err := store.VerifyMembership(p.Root, cp, p.Key, p.Value); err != nil {
			return fmt.Errorf("proof %d (key %X) does not verify: %w", i, p.Key, err)
		}
		if !bytes.Equal(p.Root, r.Proofs[0].Root) {
			return fmt.Errorf("proof %d is against another root than proof 0", i)
		}
	}
	return nil
}

func customsListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List declarations: --declarant [--status], --status [--jurisdiction], --jurisdiction [--from] [--to], or --transport-document",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
			status, err := parseStatus(flag("status"))
			if err != nil {
				return err
			}
			from, to, err := timeRange(flag("from"), flag("to"))
			if err != nil {
				return err
			}
			// The listing by jurisdiction, the last case below, is the
			// only one with a time range.
			byJurisdiction := flag("transport-document") == "" && flag("declarant") == "" &&
				status == ct.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED && flag("jurisdiction") != ""
			if (from != 0 || to != 0) && !byJurisdiction {
				return fmt.Errorf("--from and --to apply to --jurisdiction alone (without --declarant, --status or --transport-document)")
			}
			if flag("transport-document") == "" && flag("declarant") == "" && status == ct.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED && !byJurisdiction {
				return fmt.Errorf("give --declarant, --status, --jurisdiction or --transport-document")
			}
			limit, _ := cmd.Flags().GetUint32("limit")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				q := ct.NewQueryServiceClient(cc.Client.Conn())
				switch {
				case flag("transport-document") != "":
					return q.DeclarationsByTransportDocument(cc.Ctx, &ct.DeclarationsByTransportDocumentRequest{
						TransportDocumentNumber: flag("transport-document"), PageToken: flag("page-token"), Limit: limit})
				case flag("declarant") != "":
					return q.DeclarationsByDeclarant(cc.Ctx, &ct.DeclarationsByDeclarantRequest{
						Declarant: flag("declarant"), Status: status, PageToken: flag("page-token"), Limit: limit})
				case status != ct.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED:
					return q.DeclarationsByStatus(cc.Ctx, &ct.DeclarationsByStatusRequest{
						Status: status, Jurisdiction: flag("jurisdiction"), PageToken: flag("page-token"), Limit: limit})
				default: // byJurisdiction
					return q.DeclarationsByJurisdiction(cc.Ctx, &ct.DeclarationsByJurisdictionRequest{
						Jurisdiction: flag("jurisdiction"), FromUnixNano: from, ToUnixNano: to, PageToken: flag("page-token"), Limit: limit})
				}
			})
		},
	}
	f := cmd.Flags()
	f.String("declarant", "", "member id that submitted the declarations")
	f.String("transport-document", "", "bill of lading or waybill number (a single bill's number)")
	f.String("status", "", "submitted, accepted, inspection, released or rejected (summary status; with --jurisdiction, that jurisdiction's document)")
	f.String("jurisdiction", "", "deciding jurisdiction, e.g. CN-chongqing or TH")
	f.String("from", "", "with --jurisdiction: earliest block time, RFC 3339 (e.g. 2026-11-29T00:00:00Z)")
	f.String("to", "", "with --jurisdiction: block time to stop before, RFC 3339")
	addPageFlags(cmd)
	return cmd
}

func parseStatus(s string) (ct.DocumentStatus, error) {
	if s == "" {
		return ct.DocumentStatus_DOCUMENT_STATUS_UNSPECIFIED, nil
	}
	v, ok := ct.DocumentStatus_value["DOCUMENT_STATUS_"+strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "DOCUMENT_STATUS_"))]
	if !ok || v == 0 {
		return 0, fmt.Errorf("--status %q: use submitted, accepted, inspection, released or rejected", s)
	}
	return ct.DocumentStatus(v), nil
}
