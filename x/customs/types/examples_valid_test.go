package types_test

import (
	"testing"

	"github.com/landsea/corridor/x/customs/examples"
	"github.com/landsea/corridor/x/customs/types"
)

func TestExamplesAreValid(t *testing.T) {
	for name, d := range map[string]*types.Declaration{
		"thailand": examples.ElectronicsToThailand(), "laos": examples.AppliancesToLaos(),
		"vietnam": examples.FruitToVietnam(), "malaysia": examples.PartsToMalaysia(),
	} {
		if err := types.ValidateDeclaration(d); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
