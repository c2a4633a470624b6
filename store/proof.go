package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	ics23 "github.com/cosmos/ics23/go"
)

// ProofSpec returns the store's proof spec, with which the stock ics23
// verifier checks the store's proofs. It is ics23.SmtSpec's shape with an
// 8-byte leaf prefix and inner nodes without a prefix (see leafPrefix).
func ProofSpec() *ics23.ProofSpec {
	return &ics23.ProofSpec{
		LeafSpec: proofLeafOp(),
		InnerSpec: &ics23.InnerSpec{
			ChildOrder:      []int32{0, 1},
			ChildSize:       32,
			MinPrefixLength: 0,
			MaxPrefixLength: 0,
			EmptyChild:      make([]byte, 32),
			Hash:            ics23.HashOp_SHA256,
		},
		MaxDepth:                   256,
		PrehashKeyBeforeComparison: true,
	}
}

// proofLeafOp is the leaf operation of ProofSpec, which every existence proof
// carries.
func proofLeafOp() *ics23.LeafOp {
	return &ics23.LeafOp{
		Hash:         ics23.HashOp_SHA256,
		PrehashKey:   ics23.HashOp_SHA256,
		PrehashValue: ics23.HashOp_SHA256,
		Length:       ics23.LengthOp_NO_PREFIX,
		Prefix:       leafPrefix[:],
	}
}

// Proof returns a proof that key has its value at version (existence), or
// that it is absent (non-existence, from its neighbours in hash order).
func (s *Store) Proof(version int64, key []byte) (*ics23.CommitmentProof, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, err := s.viewAt(version)
	if err != nil {
		return nil, err
	}
	defer v.close()
	root, err := v.root()
	if err != nil {
		return nil, err
	}
	if root == ([32]byte{}) {
		return nil, ErrEmptyTree
	}
	val, present, err := v.value(key)
	if err != nil {
		return nil, err
	}
	var p *ics23.CommitmentProof
	if present {
		p, err = v.existence(key, val)
	} else {
		p, err = v.nonExistence(key)
	}
	if err != nil {
		return nil, err
	}
	if invariants {
		err = checkCalculated(p, root)
	}
	return p, err
}

// checkCalculated asserts that a freshly built proof hashes to the root.
func checkCalculated(p *ics23.CommitmentProof, root [32]byte) error {
	got, err := p.Calculate()
	if err != nil || !bytes.Equal(got, root[:]) {
		return fmtJoin(err, "store: invariant broken: proof does not hash to root %x", root)
	}
	return nil
}

func (v *view) existence(key, value []byte) (*ics23.CommitmentProof, error) {
	ep, err := v.existenceProof(key, value)
	if err != nil {
		return nil, err
	}
	return &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Exist{Exist: ep}}, nil
}

func (v *view) existenceProof(key, value []byte) (*ics23.ExistenceProof, error) {
	kh := sha256.Sum256(key)
	sibs, end, err := v.path(&kh)
	if err != nil {
		return nil, err
	}
	want := leafHash(&kh, ptr(sha256.Sum256(value)))
	if !end.single || end.h != want {
		return nil, fmt.Errorf("store: invariant broken: leaf of key %x not found where its path ends", key)
	}
	return &ics23.ExistenceProof{Key: key, Value: value, Leaf: proofLeafOp(), Path: innerOps(sibs)}, nil
}

func ptr[T any](x T) *T { return &x }

// innerOps turns the siblings of a path (top-down) into the proof's steps from
// the leaf up: the sibling is the prefix (before the child's hash) when it is
// on the left and the suffix when it is on the right. The steps share one
// allocation and their bytes another; each slice is capped at its own bytes,
// so appending to one cannot reach the next.
func innerOps(sibs []sibling) []*ics23.InnerOp {
	n := len(sibs)
	ops := make([]ics23.InnerOp, n)
	path := make([]*ics23.InnerOp, n)
	buf := make([]byte, 0, n*32)
	for i := range path {
		s := &sibs[n-1-i]
		at := len(buf)
		buf = append(buf, s.h[:]...)
		op := &ops[i]
		op.Hash = ics23.HashOp_SHA256
		if s.right {
			op.Prefix = buf[at : at+32 : at+32]
		} else {
			op.Suffix = buf[at : at+32 : at+32]
		}
		path[i] = op
	}
	return path
}

// path walks from the root toward kh and returns the siblings top-down and
// the node where the walk ends (empty, or a single leaf).
func (v *view) path(kh *[32]byte) ([]sibling, node, error) {
	depth := v.s.depth
	sibs := make([]sibling, 0, depth+16) // a bucket's path is a few steps
	for d := 0; d < depth; d++ {
		n, err := v.node(d, prefixIndex(kh, d))
		if err != nil || n.empty() || n.single {
			return sibs, n, err
		}
		i := prefixIndex(kh, d+1)
		sib, err := v.node(d+1, i^1)
		if err != nil {
			return nil, node{}, err
		}
		if !sib.empty() {
			sibs = append(sibs, sibling{h: sib.h, right: i&1 == 1})
		}
	}
	b := prefixIndex(kh, depth)
	n, err := v.node(depth, b)
	if err != nil || n.empty() || n.single {
		return sibs, n, err
	}
	leaves, err := v.pathLeaves(b)
	if err != nil {
		return nil, node{}, err
	}
	sibs, rest := bucketPath(leaves, kh, depth, sibs)
	if len(rest) == 0 {
		return sibs, node{}, nil
	}
	return sibs, leafNode(&rest[0]), nil
}

// pathLeaves returns bucket b's leaves for a path through it, which needs
// only their hashes and how they split: at the latest version, the stand-ins
// of the bucket cache if it holds b (a path that ends on a stand-in ends on the
// leaf with its tip, and existenceProof checks that leaf's hash), else the
// leaves from the leaf index.
func (v *view) pathLeaves(b uint64) ([]leaf, error) {
	if v.latest() {
		if ls, ok := v.s.tree.cache.leaves(b, v.s.depth, nil); ok {
			return ls, nil
		}
	}
	return v.leaves(b)
}

func (v *view) nonExistence(key []byte) (*ics23.CommitmentProof, error) {
	kh := sha256.Sum256(key)
	left, right, err := v.neighbours(&kh)
	if err != nil {
		return nil, err
	}
	ne := &ics23.NonExistenceProof{Key: key}
	for _, side := range []struct {
		l   *leaf
		dst **ics23.ExistenceProof
	}{{left, &ne.Left}, {right, &ne.Right}} {
		if side.l == nil {
			continue
		}
		val, ok, err := v.value(side.l.key)
		if err != nil || !ok {
			return nil, fmtJoin(err, "store: invariant broken: neighbour %x has no value", side.l.key)
		}
		if *side.dst, err = v.existenceProof(side.l.key, val); err != nil {
			return nil, err
		}
	}
	return &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}, nil
}

// neighbours returns the leaves just before and after kh in hash order.
func (v *view) neighbours(kh *[32]byte) (left, right *leaf, err error) {
	depth := v.s.depth
	b := prefixIndex(kh, depth)
	leaves, err := v.leaves(b)
	if err != nil {
		return nil, nil, err
	}
	for i := range leaves {
		c := bytes.Compare(leaves[i].kh[:], kh[:])
		if c < 0 {
			left = &leaves[i]
		}
		if c > 0 && right == nil {
			right = &leaves[i]
		}
	}
	if left == nil {
		if left, err = v.edgeLeaf(b, true); err != nil {
			return nil, nil, err
		}
	}
	if right == nil {
		right, err = v.edgeLeaf(b, false)
	}
	return left, right, err
}

// edgeLeaf finds the last leaf of the nearest non-empty bucket before b
// (before = true) or the first leaf of the nearest one after b.
func (v *view) edgeLeaf(b uint64, before bool) (*leaf, error) {
	depth := v.s.depth
	for d := depth; d > 0; d-- {
		i := b >> (depth - d)
		if (i&1 == 1) != before {
			continue
		}
		n, err := v.node(d, i^1)
		if err != nil {
			return nil, err
		}
		if !n.empty() {
			return v.descendEdge(d, i^1, before)
		}
	}
	return nil, nil
}

// descendEdge goes from non-empty node (d, i) to its right-most (before) or
// left-most leaf.
func (v *view) descendEdge(d int, i uint64, rightMost bool) (*leaf, error) {
	for ; d < v.s.depth; d++ {
		first, second := 2*i, 2*i+1
		if rightMost {
			first, second = second, first
		}
		n, err := v.node(d+1, first)
		if err != nil {
			return nil, err
		}
		i = second
		if !n.empty() {
			i = first
		}
	}
	leaves, err := v.leaves(i)
	if err != nil || len(leaves) == 0 {
		return nil, fmtJoin(err, "store: invariant broken: non-empty bucket %d has no leaves", i)
	}
	if rightMost {
		return &leaves[len(leaves)-1], nil
	}
	return &leaves[0], nil
}

// VerifyMembership checks with the stock ics23 verifier and ProofSpec that
// proof proves key has value under root. It never panics.
func VerifyMembership(root []byte, proof *ics23.CommitmentProof, key, value []byte) (err error) {
	defer recoverVerify(&err)
	if proof == nil {
		return errors.New("store: nil proof")
	}
	if ics23.VerifyMembership(ProofSpec(), root, proof, key, value) {
		return nil
	}
	if ep := proof.GetExist(); ep != nil {
		if err := ep.Verify(ProofSpec(), root, key, value); err != nil {
			return fmt.Errorf("store: membership proof rejected: %w", err)
		}
	}
	return errors.New("store: membership proof rejected")
}

// VerifyNonMembership checks with the stock ics23 verifier and ProofSpec that
// proof proves key is absent under root. It never panics.
func VerifyNonMembership(root []byte, proof *ics23.CommitmentProof, key []byte) (err error) {
	defer recoverVerify(&err)
	if proof == nil {
		return errors.New("store: nil proof")
	}
	if ics23.VerifyNonMembership(ProofSpec(), root, proof, key) {
		return nil
	}
	if np := proof.GetNonexist(); np != nil {
		if err := np.Verify(ProofSpec(), root, key); err != nil {
			return fmt.Errorf("store: non-membership proof rejected: %w", err)
		}
	}
	return errors.New("store: non-membership proof rejected")
}

func recoverVerify(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("store: malformed proof: %v", r)
	}
}
