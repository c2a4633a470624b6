package demo

// accessSteps are the access module's demo transactions.
func accessSteps() []Step { return nil }
