package demo

// customsSteps are the customs module's demo transactions.
func customsSteps() []Step { return nil }
