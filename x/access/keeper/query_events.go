package keeper

import (
	"context"

	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Events lists access events by one selector, in request-time order within
// [from_unix_nano, to_unix_nano).
func (q QueryServer) Events(_ context.Context, req *types.EventsRequest) (*types.EventsResponse, error) {
	prefix, err := eventsPrefix(req)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if req.FromUnixNano < 0 || req.ToUnixNano < 0 || (req.ToUnixNano != 0 && req.ToUnixNano <= req.FromUnixNano) {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("from_unix_nano %d and to_unix_nano %d do not make a time range", req.FromUnixNano, req.ToUnixNano))
	}
	start := base.AppendPart(append([]byte(nil), prefix...), req.FromUnixNano)
	end := base.PrefixEnd(prefix)
	if req.ToUnixNano != 0 {
		end = base.AppendPart(append([]byte(nil), prefix...), req.ToUnixNano)
	}
	resp := &types.EventsResponse{Height: q.state.Height()}
	resp.NextPageToken, err = listRange(q.state.Index(), prefix, start, end, req.PageToken, base.PageLimit(req.Limit), func(k []byte) error {
		id, err := types.EventIDFromIndexKey(k)
		if err != nil {
			return err
		}
		e, err := q.keeper.GetEvent(q.state.State(), id)
		if err != nil {
			return err
		}
		if e == nil {
			return base.ErrInternal.Wrapf("event index names event %x, which does not exist", id)
		}
		resp.Events = append(resp.Events, e)
		return nil
	})
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

func eventsPrefix(req *types.EventsRequest) ([]byte, error) {
	var prefixes [][]byte
	var err error
	check := func(e error) {
		if err == nil {
			err = e
		}
	}
	if req.RecordType != "" || req.RecordId != "" {
		check(types.ValidateRecordType("record_type", req.RecordType))
		check(types.ValidateRecordID("record_id", req.RecordId))
		prefixes = append(prefixes, types.EventByRecordPrefix(req.RecordType, req.RecordId))
	}
	for _, s := range []struct {
		field, v string
		prefix   func(string) []byte
	}{
		{"reader", req.Reader, types.EventByReaderPrefix},
		{"owner", req.Owner, types.EventByOwnerPrefix},
		{"reader_province", req.ReaderProvince, types.EventByReaderProvincePrefix},
		{"serving_province", req.ServingProvince, types.EventByServingProvincePrefix},
	} {
		if s.v != "" {
			check(mt.ValidateID(s.field, s.v))
			prefixes = append(prefixes, s.prefix(s.v))
		}
	}
	if err != nil {
		return nil, err
	}
	switch len(prefixes) {
	case 0:
		return types.EventByTimePrefix(), nil
	case 1:
		return prefixes[0], nil
	}
	return nil, base.ErrInvalidMsg.Wrapf("set at most one of record (record_type and record_id), reader, owner, reader_province or serving_province")
}

// listRange visits up to limit keys in [start, end) (all under prefix),
// resuming after a page token, and returns the next page's token.
func listRange(r base.Reader, prefix, start, end []byte, token string, limit int, fn func(k []byte) error) (string, error) {
	if token != "" {
		after, err := base.PageStart(prefix, token)
		if err != nil {
			return "", err
		}
		if string(after) > string(start) {
			start = after
		}
	}
	n, more := 0, false
	var last []byte
	var fnErr error
	err := r.Iterate(start, end, func(k, _ []byte) bool {
		if n == limit {
			more = true
			return false
		}
		if fnErr = fn(k); fnErr != nil {
			return false
		}
		last = append(last[:0], k...)
		n++
		return true
	})
	if err == nil {
		err = fnErr
	}
	if err != nil || !more {
		return "", err
	}
	return base.PageToken(last), nil
}

// NextEventHeight returns the first height in [from, upTo] at which events
// were recorded, or found = false when there is none.
func NextEventHeight(index base.Reader, from, upTo int64) (height int64, found bool, err error) {
	if from < 1 {
		from = 1
	}
	if from > upTo {
		return 0, false, nil
	}
	var bad error
	err = index.Iterate(types.EventHeightStart(from), types.EventHeightStart(upTo+1), func(k, _ []byte) bool {
		if len(k) < 9 {
			bad = base.ErrInternal.Wrapf("access stream key %x is malformed", k)
			return false
		}
		height, found = int64(beUint64(k[1:9])), true
		return false
	})
	if err == nil {
		err = bad
	}
	return height, found, err
}

// EventsAt returns every event recorded at height, in id order.
func (k Keeper) EventsAt(state, index base.Reader, height int64) ([]*types.AccessEvent, error) {
	var ids [][]byte
	var bad error
	err := base.IteratePrefix(index, types.EventHeightStart(height), func(key, _ []byte) bool {
		id, err := types.EventIDFromIndexKey(key)
		if err != nil {
			bad = err
			return false
		}
		ids = append(ids, append([]byte(nil), id...))
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	out := make([]*types.AccessEvent, 0, len(ids))
	for _, id := range ids {
		e, err := k.GetEvent(state, id)
		if err != nil {
			return nil, err
		}
		if e == nil {
			return nil, base.ErrInternal.Wrapf("stream index names event %x, which does not exist", id)
		}
		out = append(out, e)
	}
	return out, nil
}
