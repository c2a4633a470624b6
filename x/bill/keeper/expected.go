package keeper

import (
	"github.com/landsea/corridor/x/base"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// Members is what the bill module needs of the membership module.
type Members interface {
	// Get returns the member with id, or (nil, nil) when there is none.
	Get(r base.Reader, id string) (*membershiptypes.Member, error)
	// MustHaveRole returns the member if it exists, is active and holds one
	// of roles; otherwise an error saying which of these failed.
	MustHaveRole(r base.Reader, id string, roles ...membershiptypes.Role) (*membershiptypes.Member, error)
}
