package keeper_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/x/access/keeper"
	"github.com/landsea/corridor/x/access/types"
)

func TestEventQueries(t *testing.T) {
	e := newEnv(t)
	var evs []*types.AccessEvent
	for i := 0; i < 12; i++ {
		reader, prov := "cq-bank", "chongqing"
		if i%2 == 1 {
			reader, prov = "gx-agri", "guangxi"
		}
		ev := event(i, reader, "landsea-mto", prov)
		ev.ReaderProvince = prov
		evs = append(evs, ev)
	}
	e.mustApply("chongqing", eventsMsg(filter(evs, "chongqing")...))
	e.mustApply("guangxi", eventsMsg(filter(evs, "guangxi")...))
	q := keeper.NewQueryServer(fakeCommitted{e})
	ctx := context.Background()
	t0 := evs[0].RequestTimeUnixNano
	cases := []struct {
		name string
		req  *types.EventsRequest
		want int
	}{
		{"all", &types.EventsRequest{}, 12},
		{"by record", &types.EventsRequest{RecordType: types.RecordTypeBill, RecordId: "LSC-0001"}, 4},
		{"by reader", &types.EventsRequest{Reader: "gx-agri"}, 6},
		{"by owner", &types.EventsRequest{Owner: "landsea-mto"}, 12},
		{"by other owner", &types.EventsRequest{Owner: "cq-electronics"}, 0},
		{"by reader province", &types.EventsRequest{ReaderProvince: "guangxi"}, 6},
		{"by serving province", &types.EventsRequest{ServingProvince: "chongqing"}, 6},
		{"time range", &types.EventsRequest{FromUnixNano: t0 + int64(2*time.Second), ToUnixNano: t0 + int64(5*time.Second)}, 3},
		{"owner in time range", &types.EventsRequest{Owner: "landsea-mto", FromUnixNano: t0 + int64(10*time.Second)}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := pageAll(t, q, c.req)
			if len(got) != c.want {
				t.Fatalf("%d events, want %d", len(got), c.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].RequestTimeUnixNano < got[i-1].RequestTimeUnixNano {
					t.Fatalf("events out of time order at %d", i)
				}
			}
		})
	}
	for _, bad := range []*types.EventsRequest{
		{Reader: "cq-bank", Owner: "landsea-mto"},
		{RecordType: "bill"},
		{FromUnixNano: 10, ToUnixNano: 5},
		{Reader: "Not An Id"},
	} {
		if _, err := q.Events(ctx, bad); status.Code(err) != codes.InvalidArgument {
			t.Fatalf("%v: got %v, want InvalidArgument", bad, err)
		}
	}
	h, found, err := keeper.NextEventHeight(e.idx, 1, e.height)
	if err != nil || !found || h != 11 {
		t.Fatalf("first event height = %d %v %v, want 11", h, found, err)
	}
	at, err := e.k.EventsAt(e.st, e.idx, 12)
	if err != nil || len(at) != 6 || at[0].Province != "guangxi" {
		t.Fatalf("events at 12: %d %v", len(at), err)
	}
	if _, found, _ := keeper.NextEventHeight(e.idx, 13, e.height); found {
		t.Fatal("an event height after the last one")
	}
}

func filter(evs []*types.AccessEvent, province string) []*types.AccessEvent {
	var out []*types.AccessEvent
	for _, e := range evs {
		if e.Province == province {
			out = append(out, e)
		}
	}
	return out
}

// pageAll lists with pages of 5.
func pageAll(t *testing.T, q keeper.QueryServer, req *types.EventsRequest) []*types.AccessEvent {
	t.Helper()
	var out []*types.AccessEvent
	req.Limit = 5
	for {
		resp, err := q.Events(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, resp.Events...)
		if resp.NextPageToken == "" {
			return out
		}
		req.PageToken = resp.NextPageToken
	}
}

func TestGrantQueries(t *testing.T) {
	e := newEnv(t)
	exp := e.now.Add(time.Hour)
	e.mustApply("landsea-mto", grantMsg("cq-bank", record, bill, "LSC-0001", fin, exp))
	e.mustApply("landsea-mto", grantMsg("gx-agri", record, bill, "LSC-0001", fin, exp))
	e.mustApply("landsea-mto", grantMsg("cq-bank", class, bill, "", fin, exp))
	e.mustApply("cq-electronics", grantMsg("cq-bank", class, decl, "", ctl, exp))
	e.mustApply("landsea-mto", revokeMsg(2))
	q := keeper.NewQueryServer(fakeCommitted{e})
	cases := []struct {
		name string
		req  *types.GrantsRequest
		want []uint64
	}{
		{"by owner", &types.GrantsRequest{Owner: "landsea-mto"}, []uint64{1, 2, 3}},
		{"by owner active", &types.GrantsRequest{Owner: "landsea-mto", ActiveOnly: true}, []uint64{1, 3}},
		{"by grantee", &types.GrantsRequest{Grantee: "cq-bank"}, []uint64{1, 3, 4}},
		{"by record", &types.GrantsRequest{RecordType: bill, RecordId: "LSC-0001"}, []uint64{1, 2}},
		{"by class", &types.GrantsRequest{RecordType: bill, ClassOwner: "landsea-mto"}, []uint64{3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := q.Grants(context.Background(), c.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, g := range resp.Grants {
				got = append(got, g.Id)
			}
			if len(got) != len(c.want) {
				t.Fatalf("grants %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("grants %v, want %v", got, c.want)
				}
			}
		})
	}
	if _, err := q.Grants(context.Background(), &types.GrantsRequest{Owner: "a1", Grantee: "b1"}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("two selectors: %v", err)
	}
	if _, err := q.Grant(context.Background(), &types.GrantRequest{Id: 99}); status.Code(err) != codes.NotFound {
		t.Fatalf("missing grant: %v", err)
	}
}
