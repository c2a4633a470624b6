package keeper_test

import (
	"errors"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

func isCode(err error, code *base.Code) bool { return errors.Is(err, code) }

func sameBill(a, b *types.Bill) bool {
	x, err1 := a.Marshal()
	y, err2 := b.Marshal()
	return err1 == nil && err2 == nil && string(x) == string(y)
}
