package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/csvout"
)

// startCSV sets the headers of a CSV download.
func startCSV(c *gin.Context, filename string) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Status(http.StatusOK)
}

// writeCSV writes a header and n records as a CSV download.
func writeCSV(c *gin.Context, filename string, header []string, n int, record func(i int) []string) {
	startCSV(c, filename)
	w := csvout.NewWriter(c.Writer, csvRaw(c))
	_ = w.Write(header)
	for i := range n {
		_ = w.Write(record(i))
	}
	w.Flush()
}

func i64s(v int64) string   { return strconv.FormatInt(v, 10) }
func f64s(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
