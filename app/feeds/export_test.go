package feeds

import "bytes"

// BreakParsersOn makes p's feed parser and page extractor panic on a feed or page that holds
// marker, as a bug in a third-party parser would on some stranger's bytes, until the function
// it returns is called.
func BreakParsersOn(p *Poller, marker string) (mend func()) {
	feed, page := p.readFeed, p.readPage
	p.readFeed = func(body []byte) ([]entry, error) {
		if bytes.Contains(body, []byte(marker)) {
			var e []entry
			return e[:1], nil // slice bounds out of range
		}
		return feed(body)
	}
	p.readPage = func(b []byte, u string) (Extracted, error) {
		if bytes.Contains(b, []byte(marker)) {
			panic("extractor broke on " + u)
		}
		return page(b, u)
	}
	return func() { p.readFeed, p.readPage = feed, page }
}
