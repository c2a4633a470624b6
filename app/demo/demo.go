// Package demo holds the demo data a development chain loads on its first
// start (make run): realistic declarations, bills and grants built from the
// reference fixtures, submitted as ordinary signed transactions so that the
// whole path runs for real.
package demo

import "github.com/landsea/corridor/app/types"

// Step is one transaction of the demo: who signs it and what it carries.
type Step struct {
	// Signer is the member id; its key comes from the chain's keyring.
	Signer string
	// Msgs are the transaction's messages.
	Msgs []*types.Message
	// Note says what the step shows, printed as the demo loads.
	Note string
}

// Steps returns the whole demo, in order. Each module contributes its part.
func Steps() []Step {
	var out []Step
	out = append(out, customsSteps()...)
	out = append(out, billSteps()...)
	out = append(out, accessSteps()...)
	out = append(out, membershipSteps()...)
	return out
}
