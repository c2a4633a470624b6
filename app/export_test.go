package app

// SetExtraPassEntries sets how many present entries one pass that names
// extra index entries takes on, and returns a function that restores it.
func SetExtraPassEntries(n int) (restore func()) {
	old := extraPassEntries
	extraPassEntries = n
	return func() { extraPassEntries = old }
}
