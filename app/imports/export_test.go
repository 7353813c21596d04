package imports

// SetBatchArticles makes imports store batches of n articles, until the function it returns
// is called.
func SetBatchArticles(n int) func() {
	old := batchArticles
	batchArticles = n
	return func() { batchArticles = old }
}

// SetVersionInInsert sets versionInInsert until the function it returns is called.
func SetVersionInInsert(on bool) func() {
	old := versionInInsert
	versionInInsert = on
	return func() { versionInInsert = old }
}
