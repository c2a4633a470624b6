package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/cosmos/gogoproto/jsonpb"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
	mk "github.com/landsea/corridor/x/membership/keeper"
	mt "github.com/landsea/corridor/x/membership/types"
)

func membershipTxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "membership", Short: "Membership transactions"}
	register := &cobra.Command{
		Use:   "register-member FILE.json",
		Short: "Admit an enterprise, carrier or bank into the signer's province (signer: a province authority); FILE is a corridor.membership.v1.Member in protobuf JSON. Customs offices and auditors are admitted by propose-admission",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := &mt.Member{}
			if err := readProtoJSON(args[0], m); err != nil {
				return err
			}
			return submitValidated(cmd, mt.ValidateMember(m), client.RegisterMember(m))
		},
	}
	cmd.AddCommand(register, addKeyCmd(), revokeKeyCmd(), memberStatusCmd(true), memberStatusCmd(false), proposeValidatorCmd(), proposeRemovalCmd(), proposeAdmissionCmd(), proposeKeyReplacementCmd(), voteCmd())
	return cmd
}

// proposalCmd is a command that submits a proposal: build makes its action
// from the arguments; the --reason flag gives its reason.
func proposalCmd(use, short string, nargs int, build func(cmd *cobra.Command, args []string) (*mt.MsgSubmitProposal, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short + "; carried out once two thirds of the provinces approve (signer: a province authority, whose submission is its approval)",
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := build(cmd, args)
			if err != nil {
				return err
			}
			p.Reason, _ = cmd.Flags().GetString("reason")
			msg := &mt.Msg{Sum: &mt.Msg_SubmitProposal{SubmitProposal: p}}
			return submitValidated(cmd, mk.ValidateMsg(msg), client.MembershipMsg(msg))
		},
	}
	cmd.Flags().String("reason", "", "why, recorded in the proposal (required)")
	return cmd
}

// proposeValidatorCmd submits a proposal to change the validator set.
func proposeValidatorCmd() *cobra.Command {
	cmd := proposalCmd("propose-validator PROVINCE PUB_KEY",
		"Propose to the provinces that PROVINCE's validator with PUB_KEY (hex, or base64 as in priv_validator_key.json; "+
			"'corridord validator-key' prints it) gets --power, 0 to remove it", 2,
		func(cmd *cobra.Command, args []string) (*mt.MsgSubmitProposal, error) {
			pub, err := parseEd25519Key("PUB_KEY", args[1])
			if err != nil {
				return nil, err
			}
			power, _ := cmd.Flags().GetInt64("power")
			return &mt.MsgSubmitProposal{Action: &mt.MsgSubmitProposal_ValidatorChange{ValidatorChange: &mt.ValidatorChange{Province: args[0], PubKey: pub, Power: power}}}, nil
		})
	cmd.Flags().Int64("power", 10, "the validator's new voting power (0 removes it; genesis validators have 10)")
	return cmd
}

// proposeRemovalCmd submits a proposal to remove a member.
func proposeRemovalCmd() *cobra.Command {
	return proposalCmd("propose-removal MEMBER_ID",
		"Propose to the provinces that MEMBER_ID (any province's member, not a province authority) be removed for good: it never signs again and cannot be reinstated", 1,
		func(_ *cobra.Command, args []string) (*mt.MsgSubmitProposal, error) {
			return &mt.MsgSubmitProposal{Action: &mt.MsgSubmitProposal_MemberRemoval{MemberRemoval: &mt.MemberRemoval{MemberId: args[0]}}}, nil
		})
}

// proposeAdmissionCmd submits a proposal to admit a member.
func proposeAdmissionCmd() *cobra.Command {
	return proposalCmd("propose-admission FILE.json",
		"Propose to the provinces that the member in FILE (a corridor.membership.v1.Member in protobuf JSON, any province and any role but province authority) be admitted; "+
			"customs offices and auditors are admitted only this way", 1,
		func(_ *cobra.Command, args []string) (*mt.MsgSubmitProposal, error) {
			m := &mt.Member{}
			if err := readProtoJSON(args[0], m); err != nil {
				return nil, err
			}
			return &mt.MsgSubmitProposal{Action: &mt.MsgSubmitProposal_MemberAdmission{MemberAdmission: &mt.MemberAdmission{Member: m}}}, nil
		})
}

// proposeKeyReplacementCmd submits a proposal to replace a member's keys.
func proposeKeyReplacementCmd() *cobra.Command {
	return proposalCmd("propose-key-replacement MEMBER_ID KEY_ID PUB_KEY",
		"Propose to the provinces that MEMBER_ID, which lost its keys or fears them in other hands, gets the Ed25519 key PUB_KEY (hex, as 'corridord keys show' prints it, or base64) under the new id KEY_ID, "+
			"and that every other key of it be revoked in the same block (a member that still holds a key rotates it itself: add-key, revoke-key)", 3,
		func(_ *cobra.Command, args []string) (*mt.MsgSubmitProposal, error) {
			pub, err := parseEd25519Key("PUB_KEY", args[2])
			if err != nil {
				return nil, err
			}
			key := &mt.Key{Id: args[1], Scheme: mt.KeyScheme_KEY_SCHEME_ED25519, PublicKey: pub}
			return &mt.MsgSubmitProposal{Action: &mt.MsgSubmitProposal_KeyReplacement{KeyReplacement: &mt.KeyReplacement{MemberId: args[0], Key: key}}}, nil
		})
}

// parseEd25519Key reads an Ed25519 public key written in hex (64
// characters) or in standard base64 (as CometBFT's key files hold it).
func parseEd25519Key(name, s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, fmt.Errorf("%s %q is not a 32-byte Ed25519 key in hex (64 characters) or base64 (44 characters)", name, s)
}

// voteCmd votes on an open proposal.
func voteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "vote PROPOSAL_ID yes|no",
		Short: "Approve (yes) or reject (no) an open proposal; each province votes once (signer: a province authority)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("PROPOSAL_ID %q is not a proposal number", args[0])
			}
			var approve bool
			switch args[1] {
			case "yes":
				approve = true
			case "no":
			default:
				return fmt.Errorf("vote %q: say yes or no", args[1])
			}
			msg := &mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: id, Approve: approve}}}
			return submitValidated(cmd, mk.ValidateMsg(msg), client.MembershipMsg(msg))
		},
	}
}

// memberStatusCmd suspends a member of the signer's province, or reinstates
// it.
func memberStatusCmd(suspend bool) *cobra.Command {
	use, short := "reinstate MEMBER_ID", "Let a suspended member of your province act again (signer: its province authority)"
	if suspend {
		use, short = "suspend MEMBER_ID", "Suspend a member your province admitted: it signs nothing and no transaction may name it until reinstated (signer: its province authority)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reason, _ := cmd.Flags().GetString("reason")
			var msg *mt.Msg
			if suspend {
				msg = &mt.Msg{Sum: &mt.Msg_SuspendMember{SuspendMember: &mt.MsgSuspendMember{MemberId: args[0], Reason: reason}}}
			} else {
				msg = &mt.Msg{Sum: &mt.Msg_ReinstateMember{ReinstateMember: &mt.MsgReinstateMember{MemberId: args[0], Reason: reason}}}
			}
			return submitValidated(cmd, mk.ValidateMsg(msg), client.MembershipMsg(msg))
		},
	}
	cmd.Flags().String("reason", "", "why, recorded on the ledger with the change (required)")
	return cmd
}

// addKeyCmd adds a signing key to the --from member's record: the key
// KEY_ID in the keyring, made there first if it is not, signed with the
// member's current key (--key when the keyring holds several).
func addKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "add-key KEY_ID",
		Short: "Add a signing key to your member record (the first step of a key rotation): the keyring's key KEY_ID, made now if it is not there, signed with your current key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mt.ValidateKeyID("KEY_ID", args[0]); err != nil {
				return err
			}
			// The signing key is loaded before the new key joins the
			// keyring, which would make --key necessary.
			cc, err := newCLICtx(cmd, true)
			if err != nil {
				return err
			}
			defer cc.Close()
			if cc.Key.KeyID == args[0] {
				return fmt.Errorf("key %s already signs for %s; name the new key's id", args[0], cc.Key.MemberID)
			}
			ring := keyring(cmd)
			k, err := ring.Load(cc.Key.MemberID, args[0])
			made := false
			if err != nil {
				if k, err = client.NewKey(cc.Key.MemberID, args[0]); err != nil {
					return err
				}
				if err := ring.Save(k); err != nil {
					return err
				}
				made = true
				fmt.Fprintf(cmd.ErrOrStderr(), "made key %s/%s in %s\n", k.MemberID, k.KeyID, ring.Dir)
			}
			_, err = cc.Submit(client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_AddKey{AddKey: &mt.MsgAddKey{Key: k.LedgerKey()}}}))
			var refused *client.TxError
			if made && (errors.As(err, &refused) || errors.Is(err, client.ErrNotSent)) {
				// The ledger does not know the key: it would only mislead.
				why := "the ledger refused it"
				if refused == nil {
					why = "the transaction was not sent"
				}
				if rmErr := ring.Remove(k.MemberID, k.KeyID); rmErr == nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "removed key %s/%s from the keyring: %s\n", k.MemberID, k.KeyID, why)
				}
			}
			return err
		},
	}
}

// revokeKeyCmd revokes one of the --from member's keys.
func revokeKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke-key KEY_ID",
		Short: "Revoke one of your member's keys, at once or from --effective-height (so that both keys sign until then); sign with another key (--key)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mt.ValidateKeyID("KEY_ID", args[0]); err != nil {
				return err
			}
			h, _ := cmd.Flags().GetInt64("effective-height")
			msg := &mt.Msg{Sum: &mt.Msg_RevokeKey{RevokeKey: &mt.MsgRevokeKey{KeyId: args[0], EffectiveHeight: h}}}
			return submitValidated(cmd, mk.ValidateMsg(msg), client.MembershipMsg(msg))
		},
	}
	cmd.Flags().Int64("effective-height", 0, "last height at which the key still signs (0: revoke it now)")
	return cmd
}

func membershipQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "membership", Short: "Membership queries"}
	member := &cobra.Command{
		Use:   "member ID",
		Short: "Show a member",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := mt.NewQueryServiceClient(cc.Client.Conn()).Member(cc.Ctx, &mt.MemberRequest{Id: args[0], Prove: prove})
				if err != nil {
					return nil, err
				}
				return r, checkRecordProof(cmd, r.Proof, mt.MemberKey(args[0]), r.Member)
			})
		},
	}
	member.Flags().Bool("prove", false, "include an ICS23 proof, checked against its root")
	key := &cobra.Command{
		Use:   "key MEMBER KEY_ID",
		Short: "Show one of a member's keys, also one dropped from its record since",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := mt.NewQueryServiceClient(cc.Client.Conn()).Key(cc.Ctx, &mt.KeyRequest{MemberId: args[0], KeyId: args[1], Prove: prove})
				if err != nil {
					return nil, err
				}
				return r, checkKeyProof(cmd, r, args[0])
			})
		},
	}
	key.Flags().Bool("prove", false, "include an ICS23 proof of the record the key was read from, checked against its root")
	list := &cobra.Command{
		Use:   "list",
		Short: "List members, by role or province",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, _ := cmd.Flags().GetString("role")
			province, _ := cmd.Flags().GetString("province")
			token, _ := cmd.Flags().GetString("page-token")
			limit, _ := cmd.Flags().GetUint32("limit")
			req := &mt.MembersRequest{Province: province, PageToken: token, Limit: limit}
			if role != "" {
				r, ok := mt.Role_value[role]
				if !ok {
					return fmt.Errorf("--role %q is not a role; use e.g. ROLE_ENTERPRISE", role)
				}
				req.Role = mt.Role(r)
			}
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return mt.NewQueryServiceClient(cc.Client.Conn()).Members(cc.Ctx, req)
			})
		},
	}
	list.Flags().String("role", "", "only members holding this role, e.g. ROLE_CARRIER")
	list.Flags().String("province", "", "only members admitted by this province")
	addPageFlags(list)
	cmd.AddCommand(member, key, list, proposalQueryCmd(), proposalsQueryCmd(), validatorsQueryCmd())
	return cmd
}

func proposalQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proposal ID",
		Short: "Show a governance proposal: its change, votes and status",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("ID %q is not a proposal number", args[0])
			}
			prove, _ := cmd.Flags().GetBool("prove")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				r, err := mt.NewQueryServiceClient(cc.Client.Conn()).Proposal(cc.Ctx, &mt.ProposalRequest{Id: id, Prove: prove})
				if err != nil {
					return nil, err
				}
				return r, checkRecordProof(cmd, r.Proof, mt.ProposalKey(id), r.Proposal)
			})
		},
	}
	cmd.Flags().Bool("prove", false, "include an ICS23 proof, checked against its root")
	return cmd
}

func proposalsQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proposals",
		Short: "List governance proposals in the order they were submitted (--open: only those taking votes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			open, _ := cmd.Flags().GetBool("open")
			token, _ := cmd.Flags().GetString("page-token")
			limit, _ := cmd.Flags().GetUint32("limit")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return mt.NewQueryServiceClient(cc.Client.Conn()).Proposals(cc.Ctx, &mt.ProposalsRequest{OpenOnly: open, PageToken: token, Limit: limit})
			})
		},
	}
	cmd.Flags().Bool("open", false, "only proposals still taking votes")
	addPageFlags(cmd)
	return cmd
}

func validatorsQueryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validators",
		Short: "List the validator set as the ledger records it (a change passed at height H is CometBFT's from H+2)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return mt.NewQueryServiceClient(cc.Client.Conn()).Validators(cc.Ctx, &mt.ValidatorsRequest{})
			})
		},
	}
}

// checkKeyProof checks the proof of a Key answer, if it has one: of the
// dropped key's own record, or of the member's record, which must list the
// key returned.
func checkKeyProof(cmd *cobra.Command, r *mt.KeyResponse, member string) error {
	if r.Proof == nil {
		return nil
	}
	if r.Dropped {
		return checkRecordProof(cmd, r.Proof, mt.RetiredKeyKey(member, r.Key.GetId()), r.Key)
	}
	m := &mt.Member{}
	if err := m.Unmarshal(r.Proof.Value); err != nil {
		return fmt.Errorf("the proof's member record does not decode: %w", err)
	}
	if k := mt.FindKey(m, r.Key.GetId()); k == nil || !gogoproto.Equal(k, r.Key) {
		return fmt.Errorf("the proof's member record does not list the key returned")
	}
	return checkProof(cmd, r.Proof, mt.MemberKey(member), r.Proof.Value)
}

// readProtoJSON reads a protobuf JSON file into msg, naming the file in errors.
func readProtoJSON(path string, msg gogoproto.Message) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := jsonpb.Unmarshal(f, msg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
