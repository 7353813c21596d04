package scoring

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/credence-project/credence/annotate/score"
)

// outletRow rolls up one outlet over a date range.
func (c *corpus) outletRow(d Dates, outlet int64) (score.OutletRow, bool) {
	var results []score.ArticleResult
	for id := range c.byOutlet[outlet] {
		if e := c.entries[id]; d.includes(e) {
			results = append(results, e.result())
		}
	}
	return score.RollUpOutlet(outlet, results, score.Options{})
}

// rollUp rolls up every outlet over a date range, outlet by outlet (each row equals its row in
// score.RollUp of all the results), so that only one outlet's results are unpacked at a time
// on each CPU.
func (c *corpus) rollUp(d Dates) map[int64]score.OutletRow {
	outlets := make([]int64, 0, len(c.byOutlet))
	for o := range c.byOutlet {
		outlets = append(outlets, o)
	}
	rows := make([]score.OutletRow, len(outlets))
	ok := make([]bool, len(outlets))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(outlets)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(outlets); i = int(next.Add(1) - 1) {
				rows[i], ok[i] = c.outletRow(d, outlets[i])
			}
		})
	}
	wg.Wait()
	out := make(map[int64]score.OutletRow, len(outlets))
	for i, r := range rows {
		if ok[i] {
			out[r.OutletID] = r
		}
	}
	return out
}
