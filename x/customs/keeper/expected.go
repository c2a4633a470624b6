package keeper

import (
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Members is what customs needs of the membership module: the signer's
// record, if it is active and holds one of roles.
type Members interface {
	MustHaveRole(r base.Reader, id string, roles ...mt.Role) (*mt.Member, error)
}
