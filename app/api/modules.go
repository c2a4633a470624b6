package api

import (
	"google.golang.org/grpc"

	"github.com/landsea/corridor/app"
)

// registerModules registers the query services of customs, bill and access.
// Each module adds its line here.
func registerModules(s *grpc.Server, committed app.Committed, d Deps) {
	_, _, _ = s, committed, d
}
