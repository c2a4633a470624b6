package keeper_test

import (
	"errors"

	"github.com/landsea/corridor/x/base"
)

func isCode(err error, code *base.Code) bool { return errors.Is(err, code) }
