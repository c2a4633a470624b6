package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/jsonpb"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// AppVersion is the application protocol version reported in Info.
const AppVersion = 1

// Snapshots is the node-local snapshot manager the app serves state sync
// from. It lives in app/node, which may use goroutines and the disk freely.
type Snapshots interface {
	// Committed is told of every commit; it may take a snapshot.
	Committed(height int64)
	List() ([]*abci.Snapshot, error)
	LoadChunk(height int64, format, chunk uint32) ([]byte, error)
	Offer(s *abci.Snapshot, appHash []byte) (abci.OfferSnapshotResult, error)
	ApplyChunk(index uint32, chunk []byte) (abci.ApplySnapshotChunkResult, error)
}

// App is the ABCI application. CometBFT calls its methods one at a time.
type App struct {
	modules
	cfg     Config
	store   *store.Store
	chainID string
	snaps   Snapshots
	metrics *Metrics

	// block is the state staged by InitChain and FinalizeBlock, committed
	// by Commit.
	block      *state.Cache
	blockIndex *state.Cache
	// checkNext holds the next sequence of signers with transactions in the
	// mempool; it is rebuilt after every commit by CometBFT's recheck.
	checkNext map[string]uint64
	// staged is the height FinalizeBlock staged, 0 when nothing is staged.
	staged int64
}

var _ abci.Application = (*App)(nil)

// New returns the application over an open store. chainID is the network's
// chain id from genesis; every transaction must name it.
func New(st *store.Store, chainID string, cfg Config, snaps Snapshots, metrics *Metrics) (*App, error) {
	if err := cfg.Limits.Validate(); err != nil {
		return nil, fmt.Errorf("app: limits: %w", err)
	}
	if chainID == "" {
		return nil, fmt.Errorf("app: chain id is empty")
	}
	if metrics == nil {
		metrics = NopMetrics()
	}
	a := &App{modules: newModules(), cfg: cfg, store: st, chainID: chainID, snaps: snaps, metrics: metrics}
	a.resetBlock()
	return a, nil
}

func (a *App) resetBlock() {
	a.block = state.NewCache(committedState{a.store})
	a.blockIndex = state.NewCache(committedIndex{a.store})
	a.checkNext = map[string]uint64{}
	a.staged = 0
}

// Info reports the last committed height and app hash, so that CometBFT's
// handshake replays exactly the blocks the store has not committed.
func (a *App) Info(context.Context, *abci.InfoRequest) (*abci.InfoResponse, error) {
	ci := a.store.LastCommit()
	resp := &abci.InfoResponse{
		Data:             "corridor",
		Version:          "corridor/" + Version,
		AppVersion:       AppVersion,
		LastBlockHeight:  ci.Version,
		LastBlockAppHash: ci.Root,
	}
	if ci.Version == 0 {
		resp.LastBlockAppHash = nil
	}
	return resp, nil
}

// InitChain loads the genesis state into the staged block; it is committed
// with block 1.
func (a *App) InitChain(_ context.Context, req *abci.InitChainRequest) (*abci.InitChainResponse, error) {
	if req.ChainId != a.chainID {
		return nil, fmt.Errorf("app: genesis chain id %q differs from the configured %q", req.ChainId, a.chainID)
	}
	gs, err := decodeGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if err := checkBlockTime("genesis time", req.Time); err != nil {
		return nil, err
	}
	a.resetBlock()
	ctx := a.newContext(req.InitialHeight, req.Time, nil)
	ctx.State, ctx.Index = a.block, a.blockIndex
	if err := a.members.InitGenesis(ctx, gs.Membership); err != nil {
		return nil, err
	}
	vals, err := genesisValidators(req.Validators, gs.Membership.GetValidators())
	if err != nil {
		return nil, err
	}
	if err := a.members.InitValidators(ctx, vals); err != nil {
		return nil, err
	}
	root, err := a.stage()
	if err != nil {
		return nil, err
	}
	return &abci.InitChainResponse{AppHash: root}, nil
}

// genesisValidators reads the validator set CometBFT hands to InitChain,
// which the ledger records so that governance can change it. named, the
// validators app_state lists with their provinces, must be the same set
// (keys and powers) when it is not empty.
func genesisValidators(vals []abci.ValidatorUpdate, named []*mt.Validator) ([]*mt.Validator, error) {
	out := make([]*mt.Validator, 0, len(vals))
	for i, v := range vals {
		if v.PubKeyType != mt.Ed25519PubKeyType {
			return nil, fmt.Errorf("app: genesis validator %d has a %q key; the ledger records %s validator keys", i, v.PubKeyType, mt.Ed25519PubKeyType)
		}
		out = append(out, &mt.Validator{PubKey: v.PubKeyBytes, Power: v.Power})
	}
	if len(named) == 0 {
		return out, nil
	}
	if len(named) != len(out) {
		return nil, fmt.Errorf("app: app_state.membership.validators lists %d validators, genesis.json's validators %d; they must be the same", len(named), len(out))
	}
	byKey := map[string]*mt.Validator{}
	for i, v := range named {
		if !mt.IsProvince(v.Province) {
			return nil, fmt.Errorf("app: app_state.membership.validators[%d]: province %q is not one of the 15 provinces", i, v.Province)
		}
		byKey[string(v.PubKey)] = v
	}
	for i, v := range out {
		n := byKey[string(v.PubKey)]
		if n == nil || n.Power != v.Power {
			return nil, fmt.Errorf("app: genesis.json's validator %d (key %X, power %d) is not in app_state.membership.validators with that power", i, v.PubKey, v.Power)
		}
		v.Province = n.Province
	}
	return out, nil
}

// decodeGenesis reads genesis.json's app_state. Its errors say which part
// of app_state is wrong: a missing app_state, one that is not a JSON object,
// a field the app does not know, or the field whose value does not decode.
func decodeGenesis(bz []byte) (*types.GenesisState, error) {
	name := gogoproto.MessageName(&types.GenesisState{})
	bz = bytes.TrimSpace(bz)
	if len(bz) == 0 || string(bz) == "null" {
		return nil, fmt.Errorf("app: genesis has no app_state; it must be a JSON object (%s) with the founding members under \"membership\"", name)
	}
	var fields map[string]json.RawMessage
	if bz[0] != '{' || json.Unmarshal(bz, &fields) != nil {
		return nil, fmt.Errorf("app: genesis app_state must be a JSON object (%s), not %.40s", name, bz)
	}
	known := genesisFields()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		typ, ok := known[k]
		if !ok {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("app: genesis app_state has an unknown field %q (%s has %s)", k, name, strings.Join(names, ", "))
		}
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		if err := jsonpb.UnmarshalString(string(one), &types.GenesisState{}); err != nil {
			return nil, fmt.Errorf("app: genesis app_state.%s does not decode as %s: %w", k, typ, err)
		}
	}
	gs := &types.GenesisState{}
	if err := jsonpb.UnmarshalString(string(bz), gs); err != nil {
		return nil, fmt.Errorf("app: genesis app_state does not decode as %s: %w", name, err)
	}
	if gs.Membership == nil {
		return nil, fmt.Errorf("app: genesis app_state has no \"membership\": the founding members are missing")
	}
	return gs, nil
}

// genesisFields maps the JSON names of the genesis state's fields (as in the
// .proto file and in camel case) to the names of their message types.
func genesisFields() map[string]string {
	known := map[string]string{}
	t := reflect.TypeOf(types.GenesisState{})
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("protobuf")
		if tag == "" {
			continue
		}
		typ := f.Type.String()
		if m, ok := reflect.New(f.Type).Elem().Interface().(gogoproto.Message); ok {
			typ = gogoproto.MessageName(m)
		}
		for _, p := range strings.Split(tag, ",") {
			if n, ok := strings.CutPrefix(p, "name="); ok {
				known[n] = typ
			} else if n, ok := strings.CutPrefix(p, "json="); ok {
				known[n] = typ
			}
		}
	}
	return known
}

func (a *App) newContext(height int64, t time.Time, events *[]base.Event) base.Context {
	ctx := base.NewContext(events)
	ctx.ChainID, ctx.Height, ctx.Time = a.chainID, height, t.UTC()
	return ctx
}

// stage computes the root of the staged block without persisting it.
func (a *App) stage() ([]byte, error) {
	return a.store.Stage(toStoreChanges(a.block.Changes()), toStoreChanges(a.blockIndex.Changes()))
}

func toStoreChanges(cs []state.Change) []store.Change {
	out := make([]store.Change, len(cs))
	for i, c := range cs {
		out[i] = store.Change{Key: c.Key, Value: c.Value, Delete: c.Delete}
	}
	return out
}

// CheckTx admits a transaction to the mempool when it decodes, is signed by
// an active key and carries the signer's next sequence (counting the
// signer's transactions already in the mempool).
func (a *App) CheckTx(_ context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	checks := fullChecks
	if req.Type == abci.CHECK_TX_TYPE_RECHECK {
		checks = recheckChecks
	}
	d, err := a.decodeTx(req.Tx, checks)
	if err == nil {
		err = a.checkSequenced(d, checks)
	}
	a.metrics.observeTx("check", err)
	if err != nil {
		codespace, code, log := base.ABCIInfo(err)
		return &abci.CheckTxResponse{Code: code, Codespace: codespace, Log: log}, nil
	}
	return &abci.CheckTxResponse{Code: abci.CodeTypeOK}, nil
}

// checkState is the state CheckTx reads: the latest committed state, or
// before block 1 has committed, the genesis state InitChain staged (so that
// members can submit as soon as the chain starts).
func (a *App) checkState() base.Reader {
	if a.store.LastCommit().Version == 0 {
		return a.block
	}
	return committedState{a.store}
}

func (a *App) checkSequenced(d *decodedTx, checks txChecks) error {
	committed := a.checkState()
	signer := d.body.Signer.MemberId
	next, ok := a.checkNext[signer]
	if !ok {
		var err error
		if next, err = a.members.NextSequence(committed, signer); err != nil {
			return err
		}
	}
	if err := a.authenticate(committed, d, a.store.LastCommit().Version+1, next, checks); err != nil {
		return err
	}
	a.checkNext[signer] = next + 1
	return nil
}

// PrepareProposal keeps the mempool's order and drops transactions that no
// longer decode, up to the block's byte limit. The mempool's transactions
// passed every stateless check on entry, so their messages are not
// validated again here (ProcessProposal does, on every validator).
func (a *App) PrepareProposal(_ context.Context, req *abci.PrepareProposalRequest) (*abci.PrepareProposalResponse, error) {
	var txs [][]byte
	var total int64
	for _, tx := range req.Txs {
		if _, err := a.decodeTx(tx, recheckChecks); err != nil {
			continue
		}
		if total+int64(len(tx)) > req.MaxTxBytes {
			break
		}
		total += int64(len(tx))
		txs = append(txs, tx)
	}
	return &abci.PrepareProposalResponse{Txs: txs}, nil
}

// ProcessProposal rejects a block holding a transaction that fails the
// stateless checks; stateful checks run in FinalizeBlock, where a failing
// transaction is recorded as failed and changes nothing.
func (a *App) ProcessProposal(_ context.Context, req *abci.ProcessProposalRequest) (*abci.ProcessProposalResponse, error) {
	for _, tx := range req.Txs {
		if _, err := a.decodeTx(tx, fullChecks); err != nil {
			return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_REJECT}, nil
		}
	}
	return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_ACCEPT}, nil
}

// ExtendVote adds nothing: Corridor does not use vote extensions.
func (a *App) ExtendVote(context.Context, *abci.ExtendVoteRequest) (*abci.ExtendVoteResponse, error) {
	return &abci.ExtendVoteResponse{}, nil
}

// VerifyVoteExtension accepts only empty extensions, since none are made.
func (a *App) VerifyVoteExtension(_ context.Context, req *abci.VerifyVoteExtensionRequest) (*abci.VerifyVoteExtensionResponse, error) {
	if len(req.VoteExtension) != 0 {
		return &abci.VerifyVoteExtensionResponse{Status: abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT}, nil
	}
	return &abci.VerifyVoteExtensionResponse{Status: abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT}, nil
}
