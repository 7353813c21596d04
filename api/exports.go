package api

import (
	"bufio"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// The annotation export: GET /api/v1/exports/annotations streams every annotation as JSON Lines,
// CSV or W3C Web Annotation JSON-LD. This file is the handler; the record and its crediting
// are in exportrecord.go, the encoders in exportjsonl.go, exportcsv.go and jsonld.go, the
// Data Package that describes the CSV in datapackage.go.

// webAnnoContext is the JSON-LD context of the W3C Web Annotation Data Model.
const webAnnoContext = "http://www.w3.org/ns/anno.jsonld"

// exportQuery is the parsed query of the annotation export.
type exportQuery struct {
	format string
	filter models.ExportFilter
}

func parseExportQuery(c *gin.Context) (exportQuery, error) {
	var q exportQuery
	var err error
	if q.format, err = parseFormat(c, "jsonl", "jsonl", "csv", "jsonld"); err != nil {
		return q, err
	}
	if q.filter.OutletIDs, err = parseIDList(c, "outlet_id"); err != nil {
		return q, err
	}
	d, err := parseDates(c)
	if err != nil {
		return q, err
	}
	if !d.From.IsZero() {
		q.filter.From = &d.From
	}
	if !d.To.IsZero() {
		q.filter.To = &d.To
	}
	if l := c.Query("label"); l != "" {
		// API.md "Labels": any value outside the four is 422 invalid_label, here as in a body.
		if _, err := annotate.ParseLabel(l); err != nil {
			return q, err
		}
		q.filter.Label = l
	}
	if q.filter.UserID, err = queryID(c, "user_id"); err != nil {
		return q, err
	}
	v, err := parseVariant(c)
	if err != nil {
		return q, err
	}
	if v.Suggestions != models.ArmAll {
		return q, fieldErr(CodeBadRequest, "suggestions", "the export has every annotation with its origin; filter on the origin column instead")
	}
	q.filter.Layer = v.Layer
	q.filter.Curatable = isCurator(c) // a curator downloads the articles open to curators only
	return q, nil
}

// baseURL is the service's own address as the client reached it.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// exportWriter writes records in one format.
type exportWriter interface {
	begin(total int64) error
	write(r *exportRecord) error
	end() error
}

// exportBatch is how many annotations an export reads with one query; exportFlushRows how
// many it writes between flushes to the client. The export holds one batch in memory
// whatever its size.
var (
	exportBatch     = 5000
	exportFlushRows = 1000
)

// exportAnnotations answers GET /api/v1/exports/annotations. It pages through the
// annotations by id, exportBatch at a time (models.Store.StreamExport), and writes each page
// before reading the next, flushing every exportFlushRows rows, so memory stays constant
// whatever the size of the export and the download starts at once.
func (s *Server) exportAnnotations(c *gin.Context) error {
	q, err := parseExportQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	// The data version names the file; without it the export still runs, named without it.
	version, err := s.app.Scores.DataVersion(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "export named without its data version", "err", err, "request_id", c.GetString(ctxRequestID))
	}
	var total int64
	if q.format == "jsonld" {
		if total, err = s.store.CountExportAnnotations(ctx, q.filter); err != nil {
			return err
		}
	}
	x := &exportStream{c: c, format: q.format, total: total, bw: bufio.NewWriterSize(c.Writer, 64<<10), version: version}
	err = s.store.StreamExport(ctx, q.filter, exportBatch, x.page)
	if err != nil && x.w == nil {
		return err // nothing is sent yet: a failing first query is still an error response
	}
	if err == nil {
		err = x.finish()
	}
	if err != nil {
		// Once the status is out, a failure can only cut the response short: the client sees an
		// incomplete transfer rather than a complete-looking file.
		s.log.Error("export failed", "err", err, "request_id", c.GetString(ctxRequestID))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportStream is one export download. Its headers, status and writer wait for the first
// page, so that a query failing at once still gets the error envelope.
type exportStream struct {
	c       *gin.Context
	format  string
	total   int64
	version string // the data version, for the file name
	bw      *bufio.Writer
	w       exportWriter // nil until the download has begun
	cr      crediting
}

// begin sends the headers and the start of the document, once.
func (x *exportStream) begin() error {
	if x.w != nil {
		return nil
	}
	c := x.c
	switch x.format {
	case "csv":
		startCSV(c, downloadName(c, "annotations", x.version, "csv"))
		x.w = &csvExport{w: x.bw, raw: csvRaw(c)}
	case "jsonld":
		c.Header("Content-Type", `application/ld+json; profile="`+webAnnoContext+`"`)
		c.Header("Content-Disposition", `attachment; filename="`+downloadName(c, "annotations", x.version, "jsonld")+`"`)
		c.Status(http.StatusOK)
		x.w = &jsonldExport{w: x.bw, base: baseURL(c), self: baseURL(c) + c.Request.URL.RequestURI()}
	default:
		c.Header("Content-Type", "application/x-ndjson; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="`+downloadName(c, "annotations", x.version, "jsonl")+`"`)
		c.Status(http.StatusOK)
		x.w = &jsonlExport{w: x.bw}
	}
	return x.w.begin(x.total)
}

// page writes one page of rows, flushing every exportFlushRows rows and at its end.
func (x *exportStream) page(b *models.ExportBatch) error {
	if err := x.begin(); err != nil {
		return err
	}
	x.cr.page()
	for i := range b.Rows {
		r := &b.Rows[i]
		if err := x.w.write(x.cr.fill(r, b.Credit[r.ArticleID])); err != nil {
			return err
		}
		if (i+1)%exportFlushRows == 0 {
			if err := x.flush(); err != nil {
				return err
			}
		}
	}
	return x.flush()
}

// finish ends the document (an empty one when there was no page).
func (x *exportStream) finish() error {
	if err := x.begin(); err != nil {
		return err
	}
	if err := x.w.end(); err != nil {
		return err
	}
	return x.flush()
}

func (x *exportStream) flush() error {
	if err := x.bw.Flush(); err != nil {
		return err
	}
	x.c.Writer.Flush()
	return nil
}
