package api

import (
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accesskeeper "github.com/landsea/corridor/x/access/keeper"
	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

// accessQuery is the access query service: the keeper's queries plus the
// event stream, which polls committed state and so lives here.
type accessQuery struct {
	accesskeeper.QueryServer
	committed base.Committed
	keeper    accesskeeper.Keeper
	// pollEvery is how often the stream looks for new blocks; progressEvery
	// is how often it sends a progress mark while nothing happens.
	pollEvery, progressEvery time.Duration
}

var _ accesstypes.QueryServiceServer = (*accessQuery)(nil)

func newAccessQuery(c base.Committed) *accessQuery {
	return &accessQuery{QueryServer: accesskeeper.NewQueryServer(c), committed: c,
		pollEvery: 200 * time.Millisecond, progressEvery: 5 * time.Second}
}

// StreamEvents sends, for each committed height from req.FromHeight on that
// has access events, one message with all of them, in height order; then it
// follows new blocks. When it has nothing to send for a while it sends a
// progress mark (the committed height reached, no events), so a client can
// resume from mark.height+1 too. Heights are only sent once committed, so a
// client that resumes from the last height it saw + 1 misses nothing.
func (q *accessQuery) StreamEvents(req *accesstypes.StreamEventsRequest, stream accesstypes.QueryService_StreamEventsServer) error {
	if req.FromHeight < 0 {
		return status.Errorf(codes.InvalidArgument, "from_height: must not be negative, got %d", req.FromHeight)
	}
	next := max(req.FromHeight, 1)
	lastSent := time.Now()
	tick := time.NewTicker(q.pollEvery)
	defer tick.Stop()
	for {
		sent, err := q.sendUpTo(stream, &next)
		if err != nil {
			return err
		}
		if sent {
			lastSent = time.Now()
		} else if time.Since(lastSent) >= q.progressEvery && next > 1 {
			if err := stream.Send(&accesstypes.StreamEventsResponse{Height: next - 1}); err != nil {
				return err
			}
			lastSent = time.Now()
		}
		select {
		case <-stream.Context().Done():
			return nil
		case <-tick.C:
		}
	}
}

// sendUpTo sends every height with events from *next to the committed
// height and moves *next past it.
func (q *accessQuery) sendUpTo(stream accesstypes.QueryService_StreamEventsServer, next *int64) (bool, error) {
	committed := q.committed.Height()
	sent := false
	for *next <= committed {
		h, found, err := accesskeeper.NextEventHeight(q.committed.Index(), *next, committed)
		if err != nil {
			return sent, base.GRPCError(err)
		}
		if !found {
			*next = committed + 1
			break
		}
		evs, err := q.keeper.EventsAt(q.committed.State(), q.committed.Index(), h)
		if err != nil {
			return sent, base.GRPCError(err)
		}
		if err := stream.Send(&accesstypes.StreamEventsResponse{Height: h, Events: evs}); err != nil {
			return sent, err
		}
		sent, *next = true, h+1
	}
	return sent, nil
}
