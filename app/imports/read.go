package imports

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"iter"

	"github.com/credence-project/credence/annotate"
)

// ndjsonItems reads newline-delimited JSON, one article a line. A read error other than the
// end of the body ends the items and is left in *readErr.
func ndjsonItems(br *bufio.Reader, readErr *error) iter.Seq[annotate.ImportItem] {
	return func(yield func(annotate.ImportItem) bool) {
		for n := 1; ; n++ {
			line, err := readLine(br, MaxLine)
			switch {
			case errors.Is(err, errLineTooLong):
				if !yield(annotate.ImportItem{Line: n, Err: annotate.Errorf(annotate.CodeTooLarge, "", "the line is longer than %d bytes (%d MiB), the most one article may take", MaxLine, MaxLine>>20)}) {
					return
				}
			case err != nil && !errors.Is(err, io.EOF):
				*readErr = err
				return
			case len(bytes.TrimSpace(bytes.TrimPrefix(line, bom))) > 0: // a BOM alone is a blank line
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

var errLineTooLong = errors.New("line too long")

// bom is the byte order mark that editors saving "UTF-8 with BOM" put first; ParseImportLine
// reads a line after it.
var bom = []byte("\uFEFF")

// readLine reads one line without its newline, refusing (and skipping, without keeping it)
// a line over max. A line that fits in br's buffer is returned where it lies there, valid
// only until br is read again (ndjsonItems parses it first); a longer one is copied.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if buf == nil && !errors.Is(err, bufio.ErrBufferFull) && len(chunk) <= max {
			return bytes.TrimRight(chunk, "\r\n"), err
		}
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

// readCapped reads r to its end, keeping at most max bytes: a longer body is read on (so
// that its size is known and the request is consumed) but not kept, and too is true. It
// reads in fixed chunks and joins them once at the end, so that a growing buffer's old copies
// do not add to what is held (a file at the limit costs twice its size at most, briefly).
func readCapped(r io.Reader, max int64) (b []byte, too bool, err error) {
	const chunk = 1 << 20
	var chunks [][]byte
	var n int64
	for n <= max {
		c := make([]byte, chunk)
		k, err := io.ReadFull(r, c)
		if k > 0 {
			chunks = append(chunks, c[:k])
			n += int64(k)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if n > max {
				return nil, true, nil
			}
			return bytes.Join(chunks, nil), false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	// The kept part is garbage from here on: chunks is not used again.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, true, err
	}
	return nil, true, nil
}

// singleArticle reads a plain-text or HTML file as one article of at most MaxLine bytes. A
// title given with the upload wins; for plain text it also means the whole file is the
// article's text. It returns an *annotate.Error for a file that is no article, and any other
// error for a failed read.
func singleArticle(format string, r io.Reader, opt Options) (annotate.ArticleInput, error) {
	b, too, err := readCapped(r, MaxLine)
	if err != nil {
		return annotate.ArticleInput{}, err
	}
	if too {
		return annotate.ArticleInput{Title: opt.Title, URL: opt.URL},
			annotate.Errorf(annotate.CodeTooLarge, "", "the %s file is larger than %d bytes, the most one article may take", format, MaxLine)
	}
	var in annotate.ArticleInput
	switch {
	case format == annotate.FormatHTML:
		in, err = annotate.ParseHTMLArticle(bytes.NewReader(b))
		var de *annotate.Error
		if opt.Title != "" && errors.As(err, &de) && de.Field == "title" {
			err = nil
		}
	case opt.Title != "":
		in = annotate.ParseTextBody(b)
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

type countingReader struct {
	r     io.Reader
	n     int64
	short bool // the last read returned less than asked: the reader is caught up with its sender
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.short = n < len(p)
	return n, err
}
