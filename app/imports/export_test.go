package imports

// SetBatchArticles makes imports store batches of n articles, until the function it returns
// is called.
func SetBatchArticles(n int) func() {
	old := batchArticles
	batchArticles = n
	return func() { batchArticles = old }
}
