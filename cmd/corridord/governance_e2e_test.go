package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestE2EGovernanceChangesValidators runs four validators and has the
// provinces take node3 (gansu's) out of the validator set by a proposal, through the
// command line and the Go client, and then put it back. CometBFT's own
// validator set (its RPC) follows each passed proposal two heights later;
// the chain goes on with three validators, node3 keeps following it as a
// full node, and every node holds the same blocks and app hashes.
func TestE2EGovernanceChangesValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four corridord processes")
	}
	n := startNetwork(t, 4)
	ring := client.Keyring{Dir: filepath.Join(n.dir, "keys")}
	cli, must := cliAt(t, "127.0.0.1:"+strconv.Itoa(n.grpc(0)), n.dir)
	out, err := run(t, "validator-key", "--home", n.home(3))
	if err != nil {
		t.Fatalf("validator-key: %v\n%s", err, out)
	}
	pubHex := strings.TrimSpace(out)
	pub, err := hex.DecodeString(pubHex)
	if err != nil || len(pub) != 32 {
		t.Fatalf("validator-key printed %q", out)
	}
	if vals := cometValidators(t, n.rpc(0), 0); len(vals) != 4 || vals[base64.StdEncoding.EncodeToString(pub)] != 10 {
		t.Fatalf("CometBFT's validators at the start: %v", vals)
	}
	c0 := dial(t, n.grpc(0))
	// node3 is the fourth province's: genesis names it, and the ledger
	// refuses a proposal that puts its key under another province.
	if out, err := cli("tx", "membership", "propose-validator", "guizhou", pubHex, "--power", "0", "--reason", "wrong province",
		"--from", "chongqing"); err == nil || !strings.Contains(out, `run by province "gansu"`) {
		t.Fatalf("a proposal naming another province for node3's key: %v\n%s", err, out)
	}

	// change proposes through the command line and has provinces vote
	// until it passes: the second vote through the command line, the rest
	// through the Go client. It returns the proposal and the height it
	// passed at.
	change := func(power int64, key string) (uint64, int64) {
		t.Helper()
		out := must("tx", "membership", "propose-validator", "gansu", key, "--power", strconv.FormatInt(power, 10),
			"--reason", "gansu's validator moves to a new data centre", "--from", "chongqing")
		id := proposalID(t, out)
		if out, err := cli("tx", "membership", "vote", fmt.Sprint(id), "yes", "--from", "chongqing"); err == nil || !strings.Contains(out, "already voted") {
			t.Fatalf("the proposer votes again: %v\n%s", err, out)
		}
		must("tx", "membership", "vote", fmt.Sprint(id), "yes", "--from", "guangxi")
		for _, p := range mt.Provinces[2:10] {
			k, err := ring.Load(p.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			vote := client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: id, Approve: true}}})
			if _, err := c0.Submit(ctxTimeout(t, 60*time.Second), k, vote); err != nil {
				t.Fatalf("%s votes on proposal %d: %v", p.ID, id, err)
			}
		}
		var r struct {
			Proposal struct {
				Status string `json:"status"`
				Closed string `json:"closed_height"`
			} `json:"proposal"`
		}
		out = must("query", "membership", "proposal", fmt.Sprint(id), "--prove")
		if !strings.Contains(out, "proof verifies against root") {
			t.Fatalf("query proposal --prove:\n%s", out)
		}
		if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):strings.LastIndex(out, "}")+1]), &r); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		h, _ := strconv.ParseInt(r.Proposal.Closed, 10, 64)
		if r.Proposal.Status != "PROPOSAL_STATUS_PASSED" || h == 0 {
			t.Fatalf("proposal %d after ten approvals: %+v", id, r.Proposal)
		}
		return id, h
	}

	removal, passed := change(0, pubHex)
	waitHeights(t, n, []int{0, 1, 2}, passed+5)
	if vals := cometValidators(t, n.rpc(0), passed+1); len(vals) != 4 {
		t.Fatalf("CometBFT's validators at height %d, before the change takes effect: %v", passed+1, vals)
	}
	if vals := cometValidators(t, n.rpc(0), passed+2); len(vals) != 3 || vals[base64.StdEncoding.EncodeToString(pub)] != 0 {
		t.Fatalf("CometBFT's validators at height %d, after node3 was removed at %d: %v", passed+2, passed, vals)
	}
	out = must("query", "membership", "validators")
	if strings.Count(out, `"power"`) != 3 || strings.Contains(out, base64.StdEncoding.EncodeToString(pub)) {
		t.Fatalf("the ledger's validators after the removal: %s", out)
	}
	// A proof bundle of the removal, from a block that three validators
	// signed, which an auditor checks from the genesis file's four.
	dir := t.TempDir()
	afterRemoval := filepath.Join(dir, "after-removal.bundle")
	queryBundle(t, n, mt.ProposalKey(removal), 0, afterRemoval)

	// Back in, this time named in base64, as priv_validator_key.json has it.
	addition, passed := change(10, base64.StdEncoding.EncodeToString(pub))
	waitHeights(t, n, []int{0, 1, 2, 3}, passed+5)
	if vals := cometValidators(t, n.rpc(3), passed+2); len(vals) != 4 || vals[base64.StdEncoding.EncodeToString(pub)] != 10 {
		t.Fatalf("CometBFT's validators at height %d, after node3 came back at %d: %v", passed+2, passed, vals)
	}
	afterAddition := filepath.Join(dir, "after-addition.bundle")
	queryBundle(t, n, mt.ProposalKey(addition), 0, afterAddition)
	top, _, _ := abciInfo(n.rpc(3))
	n.checkAppHashes(t, []int{0, 1, 2, 3}, 1, top)
	for _, p := range n.nodes {
		p.stop(t)
	}
	gen := filepath.Join(n.home(0), "config", "genesis.json")
	for _, b := range []string{afterRemoval, afterAddition} {
		out, err := run(t, "verify", b, "--genesis", gen)
		if err != nil || !strings.Contains(out, "verified: chain corridor-e2e") || !strings.Contains(out, "present, value") {
			t.Fatalf("verify %s: %v\n%s", filepath.Base(b), err, out)
		}
		t.Logf("%s", out)
	}
}

// proposalID reads the proposal number from a submission's printed events
// ("membership.proposal_submitted.proposal=N").
func proposalID(t *testing.T, out string) uint64 {
	t.Helper()
	const attr = "membership.proposal_submitted.proposal="
	i := strings.Index(out, attr)
	var id uint64
	if i < 0 {
		t.Fatalf("no %s in:\n%s", attr, out)
	}
	if _, err := fmt.Sscanf(out[i+len(attr):], "%d", &id); err != nil || id == 0 {
		t.Fatalf("proposal number in %.80q: %v", out[i:], err)
	}
	return id
}

// waitHeights waits until every one of nodes has committed height h.
func waitHeights(t *testing.T, n *network, nodes []int, h int64) {
	t.Helper()
	for _, i := range nodes {
		waitHeight(t, n.rpc(i), h)
	}
}

// cometValidators is CometBFT's validator set at height (0: the latest),
// as base64 public key → voting power.
func cometValidators(t *testing.T, port int, height int64) map[string]int64 {
	t.Helper()
	path := "validators?per_page=100"
	if height > 0 {
		path += fmt.Sprintf("&height=%d", height)
	}
	var r struct {
		Validators []struct {
			PubKey struct {
				Value string `json:"value"`
			} `json:"pub_key"`
			Power string `json:"voting_power"`
		} `json:"validators"`
	}
	if err := rpcJSON(port, path, &r); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, v := range r.Validators {
		out[v.PubKey.Value], _ = strconv.ParseInt(v.Power, 10, 64)
	}
	return out
}
