package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cosmos/gogoproto/jsonpb"
	gogoproto "github.com/cosmos/gogoproto/proto"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	at "github.com/landsea/corridor/x/access/types"
	bt "github.com/landsea/corridor/x/bill/types"
	ct "github.com/landsea/corridor/x/customs/types"
)

func accessTxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "access", Short: "Data-access grants: let a member read your records, or revoke that"}
	cmd.AddCommand(accessGrantCmd(), accessRevokeCmd())
	return cmd
}

func accessGrantCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grant GRANTEE",
		Short: "Let GRANTEE read one of your records (--record) or all your records of a type (--class) for one purpose until --expires",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
			class, _ := cmd.Flags().GetBool("class")
			m := &at.MsgGrantAccess{Grantee: args[0], Scope: at.GrantScope_GRANT_SCOPE_RECORD, RecordType: flag("type"),
				RecordId: flag("record"), PurposeText: flag("purpose-text"), LegalBasis: flag("legal-basis")}
			if class {
				m.Scope = at.GrantScope_GRANT_SCOPE_CLASS
			}
			var err error
			if m.Purpose, err = parsePurpose(flag("purpose")); err != nil {
				return err
			}
			if m.ExpiresUnixNano, err = parseExpiry(flag("expires")); err != nil {
				return err
			}
			return submitAccess(cmd, &at.Msg{Sum: &at.Msg_Grant{Grant: m}})
		},
	}
	f := cmd.Flags()
	f.String("type", "", "record type: "+strings.Join(at.RecordTypes, " or "))
	f.String("record", "", "the one record granted (a declaration id or a bill number)")
	f.Bool("class", false, "grant every record of --type that you own, now and later, instead of one --record")
	f.String("purpose", "", "purpose code: customs-control, trade-finance, logistics, insurance, audit or statistics")
	f.String("purpose-text", "", "the purpose in words, e.g. the contract it serves (required)")
	f.String("legal-basis", "", "law, regulation or agreement that allows the sharing (required)")
	f.String("expires", "", "when the grant ends: an RFC 3339 time (2027-06-30T00:00:00Z) or a duration from now (720h)")
	return cmd
}

func accessRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke GRANT_ID",
		Short: "End one of your grants at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return fmt.Errorf("GRANT_ID %q: a grant id is a positive number", args[0])
			}
			reason, _ := cmd.Flags().GetString("reason")
			return submitAccess(cmd, &at.Msg{Sum: &at.Msg_Revoke{Revoke: &at.MsgRevokeGrant{GrantId: id, Reason: reason}}})
		},
	}
	cmd.Flags().String("reason", "", "why the grant ends (recorded with it)")
	return cmd
}

// submitAccess checks a message as the ledger will, then signs and submits it.
func submitAccess(cmd *cobra.Command, m *at.Msg) error {
	return submitValidated(cmd, at.ValidateMsg(m), client.AccessMsg(m))
}

// parsePurpose accepts trade-finance, TRADE_FINANCE or PURPOSE_TRADE_FINANCE.
func parsePurpose(s string) (at.Purpose, error) {
	name := "PURPOSE_" + strings.TrimPrefix(strings.ToUpper(strings.ReplaceAll(s, "-", "_")), "PURPOSE_")
	v, ok := at.Purpose_value[name]
	if !ok || v == 0 {
		return 0, fmt.Errorf("--purpose %q: use customs-control, trade-finance, logistics, insurance, audit or statistics", s)
	}
	return at.Purpose(v), nil
}

// parseExpiry reads an RFC 3339 time or a duration from now.
func parseExpiry(s string) (int64, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return time.Now().Add(d).UnixNano(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("--expires %q: give an RFC 3339 time like 2027-06-30T00:00:00Z or a duration like 720h", s)
	}
	return t.UnixNano(), nil
}

func accessQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "access", Short: "Grants, and the access events auditors check; signed reads of protected records"}
	cmd.AddCommand(accessShowGrantCmd(), accessGrantsCmd(), accessShowEventCmd(), accessEventsCmd(), accessCountsCmd(),
		accessStreamCmd(), accessReadCmd())
	return cmd
}

func accessShowGrantCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grant ID",
		Short: "Show one grant (with --prove, an ICS23 proof checked against its root)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("ID %q: a grant id is a positive number", args[0])
			}
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := at.NewQueryServiceClient(cc.Client.Conn()).Grant(cc.Ctx, &at.GrantRequest{Id: id, Prove: prove})
				if err != nil {
					return nil, err
				}
				return r, checkRecordProof(cmd, r.Proof, at.GrantKey(id), r.Grant)
			})
		},
	}
	cmd.Flags().Bool("prove", false, "include an ICS23 proof of the grant and check it")
	return cmd
}

func accessGrantsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grants",
		Short: "List grants: --owner, --grantee, or --type with --record or --class-owner",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
			active, _ := cmd.Flags().GetBool("active")
			limit, _ := cmd.Flags().GetUint32("limit")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return at.NewQueryServiceClient(cc.Client.Conn()).Grants(cc.Ctx, &at.GrantsRequest{Owner: flag("owner"),
					Grantee: flag("grantee"), RecordType: flag("type"), RecordId: flag("record"), ClassOwner: flag("class-owner"),
					ActiveOnly: active, PageToken: flag("page-token"), Limit: limit})
			})
		},
	}
	f := cmd.Flags()
	f.String("owner", "", "grants this member gave")
	f.String("grantee", "", "grants this member holds")
	f.String("type", "", "record type (with --record or --class-owner)")
	f.String("record", "", "grants on this record")
	f.String("class-owner", "", "class grants of this owner on --type")
	f.Bool("active", false, "only grants still active")
	addPageFlags(cmd)
	return cmd
}

func accessShowEventCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "event ID",
		Short: "Show one access event by its hex id (with --prove, an ICS23 proof checked against its root)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := hex.DecodeString(args[0])
			if err != nil || len(id) != at.EventIDBytes {
				return fmt.Errorf("ID %q: an event id is %d hex characters", args[0], 2*at.EventIDBytes)
			}
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := at.NewQueryServiceClient(cc.Client.Conn()).Event(cc.Ctx, &at.EventRequest{Id: id, Prove: prove})
				if err != nil {
					return nil, err
				}
				return r, checkRecordProof(cmd, r.Proof, at.EventKey(id), r.Event)
			})
		},
	}
	cmd.Flags().Bool("prove", false, "include an ICS23 proof of the event and check it")
	return cmd
}

// checkRecordProof verifies a proof (if any) of key holding exactly m's
// encoding against the root it carries.
func checkRecordProof(cmd *cobra.Command, p *storepb.Proof, key []byte, m interface{ Marshal() ([]byte, error) }) error {
	if p == nil {
		return nil
	}
	bz, err := m.Marshal()
	if err != nil {
		return err
	}
	return checkProof(cmd, p, key, bz)
}

// checkProof checks that p proves value under key against p's root, and
// says so on stderr with the header whose AppHash the root must match.
func checkProof(cmd *cobra.Command, p *storepb.Proof, key, value []byte) error {
	if !bytes.Equal(p.Key, key) || !bytes.Equal(p.Value, value) {
		return fmt.Errorf("the proof is not of the record returned")
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(p.CommitmentProof); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	if err := store.VerifyMembership(p.Root, cp, p.Key, p.Value); err != nil {
		return fmt.Errorf("proof does not verify: %w", err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "proof verifies against root %X of height %d (check it against the AppHash of header %d, or use corridord verify)\n",
		p.Root, p.Height, p.Height+1)
	return nil
}

func accessEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List access events by --type and --record, --reader, --owner, --reader-province or --serving-province (or all), in --from/--to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
			from, to, err := timeRange(flag("from"), flag("to"))
			if err != nil {
				return err
			}
			limit, _ := cmd.Flags().GetUint32("limit")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return at.NewQueryServiceClient(cc.Client.Conn()).Events(cc.Ctx, &at.EventsRequest{RecordType: flag("type"),
					RecordId: flag("record"), Reader: flag("reader"), Owner: flag("owner"), ReaderProvince: flag("reader-province"),
					ServingProvince: flag("serving-province"), FromUnixNano: from, ToUnixNano: to, PageToken: flag("page-token"), Limit: limit})
			})
		},
	}
	f := cmd.Flags()
	f.String("type", "", "record type (with --record)")
	f.String("record", "", "reads of this record")
	f.String("reader", "", "reads this member made")
	f.String("owner", "", "reads of this member's records")
	f.String("reader-province", "", "reads by members of this province")
	f.String("serving-province", "", "reads served by this province's node")
	f.String("from", "", "earliest request time, RFC 3339")
	f.String("to", "", "request time to stop before, RFC 3339")
	addPageFlags(cmd)
	return cmd
}

func accessCountsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "counts MEMBER",
		Short: "Count a member's access events as reader and as owner, by purpose and result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return at.NewQueryServiceClient(cc.Client.Conn()).EventCounts(cc.Ctx, &at.EventCountsRequest{Member: args[0]})
			})
		},
	}
}

func accessStreamCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stream",
		Short: "Print committed access events as they come, one JSON line per height, from --from-height on; reconnects after a break from the last height seen + 1 (Ctrl-C stops)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, _ := cmd.Flags().GetInt64("from-height")
			until, _ := cmd.Flags().GetInt64("until-height")
			cc, err := newCLICtx(cmd, false)
			if err != nil {
				return err
			}
			defer cc.Close()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			q := at.NewQueryServiceClient(cc.Client.Conn())
			for ctx.Err() == nil {
				next, done, err := streamOnce(ctx, q, cmd.OutOrStdout(), from, until)
				if done || ctx.Err() != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "stream broke (%v); resuming from height %d\n", err, next)
				from = next
				time.Sleep(time.Second)
			}
			return nil
		},
	}
	cmd.Flags().Int64("from-height", 1, "first height to send")
	cmd.Flags().Int64("until-height", 0, "stop once this height is passed (0: run until Ctrl-C)")
	return cmd
}

// streamOnce prints one stream's messages and returns the height to resume
// from; done is true once untilHeight is passed.
func streamOnce(ctx context.Context, q at.QueryServiceClient, w io.Writer, from, until int64) (next int64, done bool, err error) {
	next = from
	s, err := q.StreamEvents(ctx, &at.StreamEventsRequest{FromHeight: from})
	if err != nil {
		return next, false, err
	}
	m := jsonpb.Marshaler{OrigName: true}
	for {
		r, err := s.Recv()
		if err != nil {
			return next, false, err
		}
		line, err := m.MarshalToString(r)
		if err != nil {
			return next, true, err
		}
		fmt.Fprintln(w, line)
		next = r.Height + 1
		if until > 0 && r.Height >= until {
			return next, true, nil
		}
	}
}

func accessReadCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "read TYPE ID",
		Short: "Read a protected record's full content (TYPE bill or customs.declaration) with a request signed by --from (owner, party or grantee); the node records the read",
		Long: "The query services (query bill, query customs) show only public records: statuses, holders, decisions,\n" +
			"content hashes. What a declaration declares, its generated documents and a bill's parties, goods and legs\n" +
			"are read here: the node checks that --from is the owner, a party or holds a grant for --purpose at the\n" +
			"latest committed height, records the read as an access event, then answers. --prove adds ICS23 proofs\n" +
			"of the state the content was read from; they and the content are checked here.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := readBody(cmd, args[0], args[1])
			if err != nil {
				return err
			}
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			return readAndPrint(cmd, cc, body)
		},
	}
	addSignFlags(cmd)
	addReadFlags(cmd)
	f := cmd.Flags()
	f.Uint64("version", 0, "version to read (customs declarations keep every version; 0 = current)")
	f.Bool("prove", false, "ask for ICS23 proofs of the state read and check them with the content")
	f.Bool("raw", false, "print the ReadResponse with the content as base64 instead of the decoded record")
	return cmd
}

// addReadFlags adds the flags of a signed read's purpose and grant.
func addReadFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("purpose", "", "purpose code: customs-control, trade-finance, logistics, insurance, audit or statistics")
	f.String("purpose-text", "", "the purpose in words, recorded in the access event")
	f.Uint64("grant", 0, "the grant to rely on (default: the node finds one)")
}

// readBody builds the body of a signed read from the command's flags
// (--purpose, --purpose-text, --grant, and --version and --prove where the
// command has them), so that a bad flag is refused before the key is loaded
// or the node is reached; sendRead fills in the signer.
func readBody(cmd *cobra.Command, recType, id string) (*at.ReadBody, error) {
	flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
	purpose, err := parsePurpose(flag("purpose"))
	if err != nil {
		return nil, err
	}
	grant, _ := cmd.Flags().GetUint64("grant")
	version, _ := cmd.Flags().GetUint64("version")
	prove, _ := cmd.Flags().GetBool("prove")
	body := &at.ReadBody{RecordType: recType, RecordId: id,
		Purpose: purpose, PurposeText: flag("purpose-text"), Nonce: make([]byte, 16), GrantId: grant,
		ExpiresUnixNano: time.Now().Add(2 * time.Minute).UnixNano(), Version: version, Prove: prove}
	if _, err := rand.Read(body.Nonce); err != nil {
		return nil, err
	}
	return body, nil
}

// sendRead signs body with the --from key, sends it to the read service
// and, when the body asked for proofs, checks them against the content.
// It reports the basis, grant and event id on stderr.
func sendRead(cmd *cobra.Command, cc *cliCtx, body *at.ReadBody) (*at.ReadResponse, error) {
	chainID, err := cc.Client.ChainID(cc.Ctx)
	if err != nil {
		return nil, err
	}
	body.MemberId, body.KeyId = cc.Key.MemberID, cc.Key.KeyID
	req, err := at.SignRead(chainID, body, cc.Key.Sign)
	if err != nil {
		return nil, err
	}
	r, err := at.NewReadServiceClient(cc.Client.Conn()).Read(cc.Ctx, req)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s %s version %d (owner %s) at height %d; basis %s, grant %d, access event %x\n",
		r.RecordType, r.RecordId, r.Version, r.Owner, r.Height, r.Basis, r.GrantId, r.EventId)
	if body.Prove {
		if err := checkReadProofs(r); err != nil {
			return nil, fmt.Errorf("the answer does not check: %w", err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%d proofs verify against root %X of height %d and prove the content sent (check the root against the AppHash of header %d, or use corridord verify)\n",
			len(r.Proofs), r.Proofs[0].Root, r.Height, r.Height+1)
	}
	return r, nil
}

func readAndPrint(cmd *cobra.Command, cc *cliCtx, body *at.ReadBody) error {
	r, err := sendRead(cmd, cc, body)
	if err != nil {
		return err
	}
	if raw, _ := cmd.Flags().GetBool("raw"); raw {
		return cc.Print(r)
	}
	var rec interface {
		gogoproto.Message
		Unmarshal([]byte) error
	}
	switch r.RecordType {
	case at.RecordTypeBill:
		rec = &bt.BillResponse{}
	case at.RecordTypeDeclaration:
		rec = &ct.DeclarationResponse{}
	default:
		return cc.Print(r)
	}
	if err := rec.Unmarshal(r.Content); err != nil {
		return fmt.Errorf("content of %s %s does not decode: %w", r.RecordType, r.RecordId, err)
	}
	return cc.Print(rec)
}

// checkReadProofs checks a proven read: every proof verifies against one
// root, and the content is exactly the proven values (a bill's record,
// content and the history that chains to it; a declaration's record,
// version and documents).
func checkReadProofs(r *at.ReadResponse) error {
	if len(r.Proofs) == 0 {
		return fmt.Errorf("the node sent no proofs")
	}
	proven := map[string][]byte{}
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
		proven[string(p.Key)] = p.Value
	}
	want, err := provenParts(r)
	if err != nil {
		return err
	}
	for _, kv := range want {
		if v, ok := proven[string(kv.key)]; !ok || !bytes.Equal(v, kv.value) {
			return fmt.Errorf("the content's part under key %X is not the proven value", kv.key)
		}
	}
	return nil
}

type keyValue struct{ key, value []byte }

// provenParts are the state keys and values a read's content consists of.
func provenParts(r *at.ReadResponse) ([]keyValue, error) {
	var out []keyValue
	add := func(key []byte, m interface{ Marshal() ([]byte, error) }) error {
		bz, err := m.Marshal()
		out = append(out, keyValue{key, bz})
		return err
	}
	switch r.RecordType {
	case at.RecordTypeBill:
		br := &bt.BillResponse{}
		if err := br.Unmarshal(r.Content); err != nil || br.Bill.GetContent() == nil {
			return nil, fmt.Errorf("content is not a bill: %v", err)
		}
		rec := *br.Bill
		rec.Content = nil
		if err := bt.VerifyHistory(br.Bill, br.History, nil); err != nil {
			return nil, err
		}
		return out, errors.Join(add(bt.BillKey(rec.Number), &rec), add(bt.ContentKey(rec.Number), br.Bill.Content))
	case at.RecordTypeDeclaration:
		d := &ct.DeclarationResponse{}
		if err := d.Unmarshal(r.Content); err != nil || d.Record == nil || d.Version == nil {
			return nil, fmt.Errorf("content is not a declaration: %v", err)
		}
		errs := []error{add(ct.RecordKey(d.Record.Id), d.Record), add(ct.VersionKey(d.Record.Id, d.Version.Version), d.Version)}
		for _, doc := range d.Documents {
			errs = append(errs, add(ct.DocumentKey(d.Record.Id, d.Version.Version, doc.Code), doc))
		}
		return out, errors.Join(errs...)
	}
	return nil, fmt.Errorf("this client cannot check proofs of %q records", r.RecordType)
}
