package main

import (
	"errors"
	"fmt"
	"os"

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
		Short: "Admit a member into the signer's province (signer: a province authority); FILE is a corridor.membership.v1.Member in protobuf JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := &mt.Member{}
			if err := readProtoJSON(args[0], m); err != nil {
				return err
			}
			return submitValidated(cmd, mt.ValidateMember(m), client.RegisterMember(m))
		},
	}
	cmd.AddCommand(register, addKeyCmd(), revokeKeyCmd(), memberStatusCmd(true), memberStatusCmd(false))
	return cmd
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
			if made && errors.As(err, &refused) {
				// The ledger does not know the key: it would only mislead.
				if rmErr := ring.Remove(k.MemberID, k.KeyID); rmErr == nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "removed key %s/%s from the keyring: the ledger refused it\n", k.MemberID, k.KeyID)
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
	cmd.AddCommand(member, key, list)
	return cmd
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
