package api

import (
	"google.golang.org/grpc"

	"github.com/landsea/corridor/app"
	accesstypes "github.com/landsea/corridor/x/access/types"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customskeeper "github.com/landsea/corridor/x/customs/keeper"
	customstypes "github.com/landsea/corridor/x/customs/types"
)

// registerModules registers the query services of customs, bill and access.
// Each module adds its line here.
func registerModules(s *grpc.Server, committed app.Committed, d Deps) {
	_, _, _ = s, committed, d
	customstypes.RegisterQueryServiceServer(s, customskeeper.NewQueryServer(committed))
	billtypes.RegisterQueryServiceServer(s, billkeeper.NewQueryServer(committed))
	accesstypes.RegisterQueryServiceServer(s, newAccessQuery(committed))
	accesstypes.RegisterReadServiceServer(s, newReadService(committed, d))
}
