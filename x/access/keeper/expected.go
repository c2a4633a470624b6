package keeper

import (
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Members is what the access module needs of membership.
type Members interface {
	// Get returns the member with id, or (nil, nil) when there is none.
	Get(r base.Reader, id string) (*mt.Member, error)
	// MustHaveRole returns the member if it exists, is active and holds one
	// of roles; otherwise an error saying which of these failed.
	MustHaveRole(r base.Reader, id string, roles ...mt.Role) (*mt.Member, error)
}
