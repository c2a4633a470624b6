package demo

// billSteps are the bill module's demo transactions.
func billSteps() []Step { return nil }
