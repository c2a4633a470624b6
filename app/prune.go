package app

// prune drops store history below a height. TEMPORARY: calls the store's
// Prune once it exists.
func (a *App) prune(below int64) error {
	p, ok := any(a.store).(interface{ Prune(int64) error })
	if !ok {
		return nil
	}
	return p.Prune(below)
}
