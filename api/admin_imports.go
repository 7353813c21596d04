package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// ImportOptions says how to read an import and what to assume where the file is silent.
type ImportOptions struct {
	Format      string // ndjson, json, text, html; "" to detect from Filename, ContentType and the body
	Filename    string
	ContentType string
	Outlet      string // id, name, alias or domain for articles that name no outlet
	URL         string // for a text or HTML file: the article's URL (its domain may give the outlet)
	Title       string // for a text or HTML file: overrides the title found in it
	DryRun      bool   // preview: say what would happen, store nothing
}

// ImportItemResult is what happened, or would happen, to one article of an import.
type ImportItemResult struct {
	Line            int    `json:"line"`
	Status          string `json:"status"` // created, duplicate, error
	Title           string `json:"title,omitempty"`
	URL             string `json:"url,omitempty"`
	OutletID        int64  `json:"outlet_id,omitempty"`
	Outlet          string `json:"outlet,omitempty"`
	ID              int64  `json:"id,omitempty"`          // the stored article (commit)
	ExistingID      int64  `json:"existing_id,omitempty"` // the stored article it duplicates
	DuplicateOfLine int    `json:"duplicate_of_line,omitempty"`
	Code            string `json:"code,omitempty"`
	Message         string `json:"message,omitempty"`
	Field           string `json:"field,omitempty"`
}

// MaxReportedLines bounds the errors (and preview items) an import report lists, so that a
// large upload of bad lines cannot grow the report, and the heap, without limit; the counts
// stay exact.
const MaxReportedLines = 1000

// ImportReport is the result of an import or its preview: the counts of the contract
// (created, skipped_duplicates, errors), and for a preview each article's fate. Errors and
// Items hold at most MaxReportedLines entries; ErrorCount counts every error, and Truncated
// says that some were left out.
type ImportReport struct {
	ImportResult
	ErrorCount int                `json:"error_count"`
	Truncated  bool               `json:"truncated"`
	Format     string             `json:"format"`
	DryRun     bool               `json:"dry_run"`
	Items      []ImportItemResult `json:"items,omitempty"`
}

// ImportProgress is how far an import has got.
type ImportProgress struct {
	Items int   `json:"items"`
	Bytes int64 `json:"bytes"`
	Total int64 `json:"total"` // the body's length, -1 when unknown
}

// ImportFile reads articles in any import format and stores each valid one, or with DryRun
// only says what storing would do. Errors are per line and do not stop the others;
// duplicates of stored articles, or of earlier articles of the same file, are skipped, so
// importing a file twice changes nothing. progress, if not nil, is called after each article.
func (s *Server) ImportFile(ctx context.Context, r io.Reader, opt ImportOptions, actor int64, progress func(items int, read int64)) (ImportReport, error) {
	rep := ImportReport{ImportResult: ImportResult{Errors: []ImportError{}, IDs: []int64{}}, DryRun: opt.DryRun}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return rep, err
	}
	format, err := annotate.DetectImportFormat(opt.Format, opt.Filename, opt.ContentType, head)
	if err != nil {
		return rep, err
	}
	rep.Format = format
	var readErr error
	var sticky *stickyErrReader
	var items iter.Seq[annotate.ImportItem]
	switch format {
	case annotate.FormatNDJSON:
		items = ndjsonItems(br, &readErr)
	case annotate.FormatJSON:
		sticky = &stickyErrReader{r: br}
		items = annotate.JSONArrayItems(sticky)
	default:
		b, err := io.ReadAll(br)
		if err != nil {
			return rep, err
		}
		in, err := singleArticle(format, b, opt)
		items = func(yield func(annotate.ImportItem) bool) { yield(annotate.ImportItem{Line: 1, Input: in, Err: err}) }
	}
	seen := seenArticles{url: map[string]int{}, text: map[string]int{}}
	n := 0
	for it := range items {
		res, err := s.importItem(ctx, actor, it, opt, &seen)
		if err != nil {
			return rep, err
		}
		rep.count(res, opt.DryRun)
		n++
		if progress != nil {
			progress(n, cr.n)
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	if sticky != nil {
		readErr = sticky.err
	}
	if readErr != nil && !errors.Is(readErr, io.EOF) {
		return rep, readErr
	}
	return rep, nil
}

// singleArticle reads a plain-text or HTML file as one article. A title given with the
// upload wins; for plain text it also means the whole file is the article's text.
func singleArticle(format string, b []byte, opt ImportOptions) (annotate.ArticleInput, error) {
	var in annotate.ArticleInput
	var err error
	switch {
	case format == annotate.FormatHTML:
		in, err = annotate.ParseHTMLArticle(bytes.NewReader(b))
		var de *annotate.Error
		if opt.Title != "" && errors.As(err, &de) && de.Field == "title" {
			err = nil
		}
	case opt.Title != "":
		in = annotate.ArticleInput{Text: string(b)}
	default:
		in, err = annotate.ParseTextArticle(b)
	}
	if opt.Title != "" {
		in.Title = opt.Title
	}
	if opt.URL != "" {
		in.URL = opt.URL
	}
	return in, err
}

func (rep *ImportReport) count(res ImportItemResult, keepItem bool) {
	switch res.Status {
	case "created":
		rep.Created++
		if res.ID != 0 {
			rep.IDs = append(rep.IDs, res.ID)
		}
	case "duplicate":
		rep.SkippedDuplicates++
	case "error":
		rep.ErrorCount++
		if len(rep.Errors) < MaxReportedLines {
			rep.Errors = append(rep.Errors, ImportError{Line: res.Line, Code: res.Code, Message: res.Message, Field: res.Field})
		} else {
			rep.Truncated = true
		}
	}
	if keepItem {
		if len(rep.Items) < MaxReportedLines {
			rep.Items = append(rep.Items, res)
		} else {
			rep.Truncated = true
		}
	}
}

// seenArticles remembers the articles of this import by URL and by outlet and text, so a
// preview reports the second copy in one file as the duplicate the commit will find.
type seenArticles struct {
	url  map[string]int // url → line
	text map[string]int // outlet id + text hash → line
}

func (s *Server) importItem(ctx context.Context, actor int64, it annotate.ImportItem, opt ImportOptions, seen *seenArticles) (ImportItemResult, error) {
	res := ImportItemResult{Line: it.Line}
	lineErr := func(err error) (ImportItemResult, error) {
		var de *annotate.Error
		var ae *apiError
		switch {
		case errors.As(err, &de):
			res.Code, res.Message, res.Field = de.Code, de.Message, de.Field
		case errors.As(err, &ae):
			res.Code, res.Message, res.Field = string(ae.Code), ae.Message, ae.Field
		default:
			return res, fmt.Errorf("import line %d: %w", it.Line, err)
		}
		res.Status = "error"
		return res, nil
	}
	in := it.Input
	res.Title, res.URL = in.Title, in.URL
	if it.Err != nil {
		return lineErr(it.Err)
	}
	if in.OutletID == 0 && in.Outlet == "" && opt.Outlet != "" {
		if id, err := strconv.ParseInt(opt.Outlet, 10, 64); err == nil && id > 0 {
			in.OutletID = id
		} else {
			in.Outlet = opt.Outlet
		}
	}
	if err := in.Normalise(); err != nil {
		return lineErr(err)
	}
	// PostgreSQL cannot store NUL in text; it is never part of an article, so say so per line.
	for _, f := range []struct{ name, value string }{{"title", in.Title}, {"text", in.Text}, {"author", in.Author}, {"url", in.URL}, {"outlet", in.Outlet}} {
		if strings.ContainsRune(f.value, 0) {
			return lineErr(annotate.Errorf(annotate.CodeInvalid, f.name, "%s contains a NUL character (\\u0000), which an article cannot hold", f.name))
		}
	}
	res.Title, res.URL = in.Title, in.URL
	if !opt.DryRun {
		a, err := s.CreateArticle(ctx, actor, in)
		var dup *models.DuplicateArticleError
		switch {
		case errors.As(err, &dup):
			res.Status, res.ExistingID = "duplicate", dup.ExistingID
			return res, nil
		case err != nil:
			return lineErr(err)
		}
		res.Status, res.ID, res.OutletID, res.Outlet = "created", a.ID, a.OutletID, a.OutletName
		return res, nil
	}
	outletID, err := s.resolveOutlet(ctx, &in)
	if err != nil {
		return lineErr(err)
	}
	res.OutletID = outletID
	if o, err := s.store.Outlet(ctx, outletID); err == nil {
		res.Outlet = o.Name
	}
	sha := annotate.TextSHA256(in.Text)
	textKey := strconv.FormatInt(outletID, 10) + ":" + sha
	dup, err := s.store.ArticleDuplicate(ctx, in.URL, outletID, sha)
	switch {
	case err != nil:
		return res, err
	case dup != nil:
		res.Status, res.ExistingID = "duplicate", dup.ExistingID
		res.Message = dup.Error()
	case in.URL != "" && seen.url[in.URL] > 0:
		res.Status, res.DuplicateOfLine = "duplicate", seen.url[in.URL]
		res.Message = fmt.Sprintf("line %d of this import has the same url", res.DuplicateOfLine)
	case seen.text[textKey] > 0:
		res.Status, res.DuplicateOfLine = "duplicate", seen.text[textKey]
		res.Message = fmt.Sprintf("line %d of this import has the same outlet and text", res.DuplicateOfLine)
	default:
		res.Status = "created"
		if in.URL != "" {
			seen.url[in.URL] = it.Line
		}
		seen.text[textKey] = it.Line
	}
	return res, nil
}

// ndjsonItems reads newline-delimited JSON, one article a line. A read error other than the
// end of the body ends the items and is left in *readErr.
func ndjsonItems(br *bufio.Reader, readErr *error) iter.Seq[annotate.ImportItem] {
	return func(yield func(annotate.ImportItem) bool) {
		for n := 1; ; n++ {
			line, err := readLine(br, MaxImportLine)
			switch {
			case errors.Is(err, errLineTooLong):
				if !yield(annotate.ImportItem{Line: n, Err: annotate.Errorf(annotate.CodeTooLarge, "", "line is longer than %d bytes", MaxImportLine)}) {
					return
				}
			case err != nil && !errors.Is(err, io.EOF):
				*readErr = err
				return
			case len(bytes.TrimSpace(line)) > 0:
				in, perr := annotate.ParseImportLine(line)
				if !yield(annotate.ImportItem{Line: n, Input: in, Err: perr}) {
					return
				}
			}
			if err != nil {
				if !errors.Is(err, errLineTooLong) || errors.Is(err, io.EOF) {
					return
				}
			}
		}
	}
}

// stickyErrReader remembers the first read error, so that a body cut short by the size limit
// is reported as too large rather than as malformed JSON.
type stickyErrReader struct {
	r   io.Reader
	err error
}

func (s *stickyErrReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && s.err == nil {
		s.err = err
	}
	return n, err
}

// importOptions reads the query of an import request.
func importOptions(c *gin.Context, dryRun bool) ImportOptions {
	return ImportOptions{
		Format: c.Query("format"), Filename: c.Query("filename"), ContentType: c.GetHeader("Content-Type"),
		Outlet: strings.TrimSpace(c.Query("outlet")), URL: strings.TrimSpace(c.Query("url")), Title: strings.TrimSpace(c.Query("title")),
		DryRun: dryRun,
	}
}

// importUpload stores the articles of an upload (POST /api/v1/articles/import).
func (s *Server) importUpload(c *gin.Context) error { return s.runImport(c, false) }

// importPreview says per article what importing the upload would do, storing nothing.
func (s *Server) importPreview(c *gin.Context) error { return s.runImport(c, true) }

// runImport answers with the report as JSON, or, when the client accepts
// application/x-ndjson, streams progress lines ({"progress": …}) while it works and ends with
// {"result": …} or {"error": …}, so a page can show how far a large import has got.
func (s *Server) runImport(c *gin.Context, dryRun bool) error {
	opt := importOptions(c, dryRun)
	ctx := c.Request.Context()
	if !strings.Contains(c.GetHeader("Accept"), "application/x-ndjson") {
		rep, err := s.ImportFile(ctx, c.Request.Body, opt, currentUser(c).ID, nil)
		if err != nil {
			return importFailure(err, rep)
		}
		c.JSON(http.StatusOK, rep)
		return nil
	}
	// HTTP/1.1 servers (and the compressing writer) cannot answer while the body is still
	// arriving, so the body is spooled to a file first; the browser shows the upload's own
	// progress meanwhile, and this response the progress of the work.
	spool, err := os.CreateTemp("", "credence-import-*")
	if err != nil {
		return err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	total, err := io.Copy(spool, c.Request.Body)
	if err == nil {
		_, err = spool.Seek(0, io.SeekStart)
	}
	if err != nil {
		return importFailure(err, ImportReport{DryRun: dryRun})
	}
	c.Header("Content-Type", "application/x-ndjson")
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	enc := json.NewEncoder(c.Writer)
	last := time.Now()
	emit := func(v any) {
		_ = enc.Encode(v)
		c.Writer.Flush()
	}
	emit(gin.H{"progress": ImportProgress{Total: total}})
	rep, err := s.ImportFile(ctx, spool, opt, currentUser(c).ID, func(items int, read int64) {
		if time.Since(last) >= 200*time.Millisecond {
			last = time.Now()
			emit(gin.H{"progress": ImportProgress{Items: items, Bytes: read, Total: total}})
		}
	})
	if err != nil {
		emit(gin.H{"error": toAPIError(c, importFailure(err, rep))})
		return nil
	}
	emit(gin.H{"result": rep})
	return nil
}

// importFailure explains an import that stopped: a body over the limit says how much was stored.
func importFailure(err error, rep ImportReport) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		e := errf(CodeTooLarge, "the import is larger than %d bytes; split it (the first %d articles were stored)", mbe.Limit, rep.Created)
		if rep.DryRun || rep.Created == 0 {
			e.Message = fmt.Sprintf("the import is larger than %d bytes; split it (nothing was stored)", mbe.Limit)
		}
		e.Details = rep
		return e
	}
	return err
}
