package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/imports"
)

// The import routes read the upload through app/imports, the one import pipeline (the
// command line and the demo data use it too); here is only what is HTTP: the query, the
// streamed progress, and the answer.

// importOptions reads the query of an import request.
func importOptions(c *gin.Context, dryRun bool) imports.Options {
	return imports.Options{
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
		rep, err := s.app.Imports.Import(ctx, c.Request.Body, opt, currentUser(c).ID, nil)
		if err == nil {
			err = importedNothing(rep)
		}
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
		return importFailure(err, imports.Report{DryRun: dryRun})
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
	emit(gin.H{"progress": imports.Progress{Total: total}})
	rep, err := s.app.Imports.Import(ctx, spool, opt, currentUser(c).ID, func(items int, read int64) {
		if time.Since(last) >= 200*time.Millisecond {
			last = time.Now()
			emit(gin.H{"progress": imports.Progress{Items: items, Bytes: read, Total: total}})
		}
	})
	if err == nil {
		err = importedNothing(rep)
	}
	if err != nil {
		emit(gin.H{"error": toAPIError(c, importFailure(err, rep))})
		return nil
	}
	emit(gin.H{"result": rep})
	return nil
}

// importedNothing refuses a body that held no article at all (empty, only blank lines, an
// empty JSON array): 422 invalid, as a report of nothing would look like an import that
// worked. Nothing was stored, as there was nothing to store.
func importedNothing(rep imports.Report) error {
	if rep.Created+rep.Updated+rep.SkippedDuplicates+rep.ErrorCount > 0 {
		return nil
	}
	what := "one JSON object a line"
	switch rep.Format {
	case annotate.FormatJSON:
		what = "a JSON array of article objects"
	case annotate.FormatText, annotate.FormatHTML:
		what = "the article's text"
	}
	return errf(CodeInvalid, "the body holds no article to import: it is empty or blank (send %s)", what)
}

// importFailure explains an import that stopped: a body over the limit says how much was stored.
func importFailure(err error, rep imports.Report) error {
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
