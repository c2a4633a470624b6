package keeper

import (
	"fmt"
	"sort"

	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

// ReadCheck is one read to decide: who reads which record of which owner,
// for what purpose, at what time. NowUnixNano is the serving node's clock,
// so that a grant past its expiry is refused even before the block that
// expires it is committed.
type ReadCheck struct {
	Reader      string
	RecordType  string
	RecordID    string
	Owner       string
	Purpose     types.Purpose
	GrantID     uint64
	NowUnixNano int64
}

// FindGrant returns the active grant that lets the read happen (the lowest
// id when several do), or nil and a sentence saying what is missing. state
// and index must be the same committed height.
func (k Keeper) FindGrant(state, index base.Reader, c ReadCheck) (*types.Grant, string, error) {
	if c.GrantID != 0 {
		g, err := k.GetGrant(state, c.GrantID)
		if err != nil {
			return nil, "", err
		}
		if g == nil {
			return nil, fmt.Sprintf("grant %d does not exist", c.GrantID), nil
		}
		if why := grantMismatch(g, c); why != "" {
			return nil, fmt.Sprintf("grant %d does not allow this read: %s", g.Id, why), nil
		}
		return g, "", nil
	}
	ids, err := liveGrantIDs(index, c)
	if err != nil {
		return nil, "", err
	}
	var near []string
	for _, id := range ids {
		g, err := k.GetGrant(state, id)
		if err != nil {
			return nil, "", err
		}
		if g == nil {
			return nil, "", fmt.Errorf("access: active-grant index names grant %d, which does not exist", id)
		}
		why := grantMismatch(g, c)
		if why == "" {
			return g, "", nil
		}
		near = append(near, fmt.Sprintf("grant %d: %s", g.Id, why))
	}
	reason := fmt.Sprintf("%s holds no active grant from %s to read %s %q for %s", c.Reader, c.Owner, c.RecordType, c.RecordID, c.Purpose)
	if len(near) > 0 {
		reason += fmt.Sprintf(" (%s)", near[0])
	}
	return nil, reason, nil
}

// liveGrantIDs lists the active grants of the reader on the record and on
// the owner's class of the record's type, in id order.
func liveGrantIDs(index base.Reader, c ReadCheck) ([]uint64, error) {
	var ids []uint64
	var keyErr error
	collect := func(k, _ []byte) bool {
		var id uint64
		id, keyErr = types.GrantIDFromIndexKey(k)
		ids = append(ids, id)
		return keyErr == nil && len(ids) < base.PageLimitMax
	}
	prefixes := [][]byte{
		types.GrantLivePrefix(c.Reader, c.RecordType, types.GrantScope_GRANT_SCOPE_RECORD, c.RecordID),
		types.GrantLivePrefix(c.Reader, c.RecordType, types.GrantScope_GRANT_SCOPE_CLASS, c.Owner),
	}
	for _, p := range prefixes {
		if err := base.IteratePrefix(index, p, collect); err != nil {
			return nil, err
		}
		if keyErr != nil {
			return nil, keyErr
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// grantMismatch says why g does not allow the read, or "" when it does.
func grantMismatch(g *types.Grant, c ReadCheck) string {
	switch {
	case g.Grantee != c.Reader:
		return fmt.Sprintf("it was given to %s, not %s", g.Grantee, c.Reader)
	case g.Status != types.GrantStatus_GRANT_STATUS_ACTIVE:
		return fmt.Sprintf("it is %s", g.Status)
	case g.ExpiresUnixNano <= c.NowUnixNano:
		return "it has expired"
	case g.Owner != c.Owner:
		return fmt.Sprintf("it was given by %s, but the record is owned by %s", g.Owner, c.Owner)
	case g.RecordType != c.RecordType:
		return fmt.Sprintf("it covers %s records, not %s", g.RecordType, c.RecordType)
	case g.Scope == types.GrantScope_GRANT_SCOPE_RECORD && g.RecordId != c.RecordID:
		return fmt.Sprintf("it covers record %q only", g.RecordId)
	case g.Purpose != c.Purpose:
		return fmt.Sprintf("it is for %s, not %s", g.Purpose, c.Purpose)
	}
	return ""
}
