package directory

// ResetTaxonomy puts the embedded taxonomy back in force, for tests that
// change it.
func ResetTaxonomy() { current.Store(nil) }
