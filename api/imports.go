package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// MaxImportLine is the longest line an import accepts.
const MaxImportLine = 16 << 20

// ImportError is one line of an import that was not stored.
type ImportError struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// ImportResult summarises an import.
type ImportResult struct {
	Created           int           `json:"created"`
	SkippedDuplicates int           `json:"skipped_duplicates"`
	Errors            []ImportError `json:"errors"`
	IDs               []int64       `json:"ids"`
}

// Import reads newline-delimited JSON, one article a line, and stores each valid line. A bad
// line is reported with its number and does not stop the others; a duplicate (same URL, or
// same outlet and text) is counted and skipped, so importing a file twice changes nothing.
// progress, if not nil, is called after each line with the bytes read so far.
func (s *Server) Import(ctx context.Context, r io.Reader, actor int64, progress func(read int64)) (ImportResult, error) {
	res := ImportResult{Errors: []ImportError{}, IDs: []int64{}}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br, MaxImportLine)
		if errors.Is(err, errLineTooLong) {
			res.Errors = append(res.Errors, ImportError{Line: n, Code: annotate.CodeTooLarge, Message: fmt.Sprintf("line is longer than %d bytes", MaxImportLine)})
		} else if err != nil && !errors.Is(err, io.EOF) {
			return res, err
		}
		if len(bytes.TrimSpace(line)) > 0 && !errors.Is(err, errLineTooLong) {
			if lerr := s.importLine(ctx, actor, line, &res); lerr != nil {
				var ae *apiError
				var de *annotate.Error
				switch {
				case errors.As(lerr, &de):
					res.Errors = append(res.Errors, ImportError{Line: n, Code: de.Code, Message: de.Message, Field: de.Field})
				case errors.As(lerr, &ae):
					res.Errors = append(res.Errors, ImportError{Line: n, Code: string(ae.Code), Message: ae.Message, Field: ae.Field})
				default:
					return res, fmt.Errorf("import line %d: %w", n, lerr)
				}
			}
		}
		if progress != nil {
			progress(cr.n)
		}
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
}

func (s *Server) importLine(ctx context.Context, actor int64, line []byte, res *ImportResult) error {
	in, err := annotate.ParseImportLine(line)
	if err != nil {
		return err
	}
	a, err := s.CreateArticle(ctx, actor, in)
	var dup *models.DuplicateArticleError
	if errors.As(err, &dup) {
		res.SkippedDuplicates++
		return nil
	}
	if err != nil {
		return err
	}
	res.Created++
	res.IDs = append(res.IDs, a.ID)
	return nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline, refusing (and skipping) lines over max.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == nil {
				return nil, errLineTooLong
			}
			return nil, errors.Join(errLineTooLong, err)
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
