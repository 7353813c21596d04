package annotate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Import formats. Newline-delimited JSON (one article a line) is the format of the public
// contract; a JSON array holds the same objects; a plain-text or HTML file is one article.
const (
	FormatNDJSON = "ndjson"
	FormatJSON   = "json"
	FormatText   = "text"
	FormatHTML   = "html"
)

// ImportItem is one article read from an import file, with the line it starts on, or the
// error that stopped it from being read.
type ImportItem struct {
	Line    int
	Element int // the 1-based element of a JSON array; 0 for other formats
	Input   ArticleInput
	Err     error
}

var formatNames = map[string]string{
	"ndjson": FormatNDJSON, "jsonl": FormatNDJSON, "json": FormatJSON,
	"text": FormatText, "txt": FormatText, "plain": FormatText, "html": FormatHTML, "htm": FormatHTML,
}

// DetectImportFormat chooses how to read an import: the explicit format if one is named,
// else the file name's extension, else the media type, else the first bytes of the body.
// A JSON body is an array when it starts with "[", and newline-delimited otherwise, so that
// NDJSON sent as application/json keeps working.
func DetectImportFormat(explicit, filename, contentType string, head []byte) (string, error) {
	if explicit != "" {
		if f, ok := formatNames[strings.ToLower(explicit)]; ok {
			return f, nil
		}
		return "", Errorf(CodeInvalid, "format", "unknown import format %q: use ndjson, json, text or html", clip(explicit))
	}
	first := byte(0)
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\uFEFF")), " \t\r\n"); len(t) > 0 {
		first = t[0]
	}
	jsonKind := func() string {
		if first == '[' {
			return FormatJSON
		}
		return FormatNDJSON
	}
	if ext := strings.TrimPrefix(strings.ToLower(path.Ext(filename)), "."); ext != "" {
		switch f := formatNames[ext]; f {
		case FormatJSON:
			return jsonKind(), nil
		case "":
		default:
			return f, nil
		}
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "text/html", "application/xhtml+xml":
			return FormatHTML, nil
		case "text/plain":
			return FormatText, nil
		case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
			return FormatNDJSON, nil
		case "application/json":
			return jsonKind(), nil
		}
	}
	switch first {
	case '[':
		return FormatJSON, nil
	case '{', 0:
		return FormatNDJSON, nil
	case '<':
		return FormatHTML, nil
	}
	return FormatText, nil
}

// newlineIndex counts the lines of a stream as it is read, so that a byte offset can be told
// as a line number without keeping the stream. It keeps only the newlines past the last
// offset asked about, so offsets must be asked about in increasing order.
type newlineIndex struct {
	r       io.Reader
	n       int64
	pending []int64 // offsets of newlines not yet passed by line
	passed  int     // newlines before the last offset asked about
}

func (x *newlineIndex) Read(p []byte) (int, error) {
	n, err := x.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			x.pending = append(x.pending, x.n+int64(i))
		}
	}
	x.n += int64(n)
	return n, err
}

// line is the 1-based line of byte offset off.
func (x *newlineIndex) line(off int64) int {
	i := 0
	for i < len(x.pending) && x.pending[i] < off {
		i++
	}
	x.passed += i
	x.pending = x.pending[i:]
	return x.passed + 1
}

// errElementTooLong stops the JSON decoder inside an element longer than the limit, before
// it holds more of it.
var errElementTooLong = errors.New("array element too long")

// elementLimit fails a read once more than max bytes have been read since the start of the
// element being decoded (start, set before each element).
type elementLimit struct {
	r     io.Reader
	n     int64
	start int64
	max   int64
}

func (l *elementLimit) Read(p []byte) (int, error) {
	if l.n-l.start > l.max {
		return 0, errElementTooLong
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// JSONArrayItems reads a JSON array of article objects (the objects of newline-delimited
// JSON), yielding each with the line its element starts on. A bad element is yielded with
// its error and the others go on; a syntax error, or an element longer than max bytes, ends
// the array, since nothing after it can be trusted. At most about max bytes of the stream are
// held at once.
func JSONArrayItems(r io.Reader, max int64) iter.Seq[ImportItem] {
	return func(yield func(ImportItem) bool) {
		// A byte order mark at the start is no part of the JSON; skipped below the line count.
		nobom := bufio.NewReader(r)
		if b, _ := nobom.Peek(3); string(b) == "\uFEFF" {
			_, _ = nobom.Discard(3)
		}
		idx := &newlineIndex{r: nobom}
		lim := &elementLimit{r: idx, max: max}
		br := bufio.NewReader(lim)
		dec := json.NewDecoder(br)
		tok, err := dec.Token()
		if err != nil || tok != json.Delim('[') {
			msg := "the body is not a JSON array of articles"
			if tok == json.Delim('{') {
				msg = "the body is a JSON object, not an array of articles: wrap the objects in [ ], or send one object a line (NDJSON)"
			}
			if err != nil && !errors.Is(err, io.EOF) {
				msg += ": " + jsonProblem(err)
			}
			yield(ImportItem{Line: idx.line(dec.InputOffset()), Err: Errorf(CodeBadRequest, "", "%s", msg)})
			return
		}
		for n := 1; dec.More(); n++ {
			lim.start = dec.InputOffset()
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				off := dec.InputOffset()
				var se *json.SyntaxError
				if errors.As(err, &se) {
					off = se.Offset
				}
				if errors.Is(err, errElementTooLong) {
					yield(ImportItem{Line: idx.line(lim.start), Element: n, Err: Errorf(CodeTooLarge, "", "element %d of the array is longer than %d bytes", n, max)})
					return
				}
				yield(ImportItem{Line: idx.line(off), Err: Errorf(CodeBadRequest, "", "the JSON array is malformed %s: %s", after(n), arrayProblem(err))})
				return
			}
			// raw is the element's exact bytes, so it starts len(raw) before the decoder.
			line := idx.line(dec.InputOffset() - int64(len(raw)))
			in, err := parseImportValue(raw, n)
			if !yield(ImportItem{Line: line, Element: n, Input: in, Err: err}) {
				return
			}
		}
		if _, err := dec.Token(); err != nil {
			yield(ImportItem{Line: idx.line(dec.InputOffset()), Err: Errorf(CodeBadRequest, "", "the JSON array does not end with ]: %s", jsonProblem(err))})
		}
	}
}

// after says where in an array element n starts: after the element before it.
func after(n int) string {
	if n == 1 {
		return "at its first element"
	}
	return fmt.Sprintf("after element %d", n-1)
}

// arrayProblem says what is malformed in a JSON array, naming a trailing comma when it is one.
func arrayProblem(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && strings.Contains(se.Error(), "']' looking for beginning of value"):
		return fmt.Sprintf("a trailing comma before ] at byte %d (JSON allows none)", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends inside the element (a missing }, ] or \")"
	}
	return jsonProblem(err)
}

// ParseTextArticle reads a plain-text file as one article. Its first non-blank line is the
// title when it is short (a headline, at most maxTitleLine code points) and the lines after
// it are the text. A first line that is a whole paragraph is no headline: it stays in the
// text, where it can be annotated, and the title is its first sentence, shortened at a word.
// A short date line before or after the title ("date 2021-12-04 …", "Published: 2021-12-04")
// is the publication date, not text.
func ParseTextArticle(b []byte) (ArticleInput, error) {
	s := NormaliseText(string(b))
	s = strings.TrimLeft(s, " \t\n")
	var in ArticleInput
	s = takeDateLine(s, &in)
	first, rest, _ := strings.Cut(s, "\n")
	first = strings.TrimSpace(first)
	if first == "" {
		return in, Errorf(CodeInvalid, "title", "the text is empty: its first line is taken as the title")
	}
	if utf8.RuneCountInString(first) <= maxTitleLine {
		in.Title = first
		in.Text = strings.Trim(takeDateLine(rest, &in), "\n")
	} else {
		in.Title = titleFromParagraph(first)
		in.Text = strings.Trim(s, "\n")
	}
	if strings.TrimSpace(in.Text) == "" {
		return in, Errorf(CodeInvalid, "text", "the text has only a title line: the article text follows the first line")
	}
	return in, nil
}

// ParseTextBody reads a plain-text file whose title is given apart: the whole file is the
// text, but for a date line at its start, which is the publication date.
func ParseTextBody(b []byte) ArticleInput {
	var in ArticleInput
	in.Text = takeDateLine(string(b), &in)
	return in
}

// maxTitleLine is the longest first line taken whole as a title; a longer one is a paragraph.
const maxTitleLine = 160

// dateLine matches a short line that gives a publication date, with an optional time.
var dateLine = regexp.MustCompile(`^(?i)(?:(?:date|dated|published|posted|updated)(?:\s+on)?\s*:?\s*)?(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2})?Z?)?(?:[\s,;·|–—-].*)?$`)

// takeDateLine sets in.PublishedAt from a date line at the start of s and answers s without
// it; s is unchanged when its first line gives no date (or in already has one).
func takeDateLine(s string, in *ArticleInput) string {
	line, rest, _ := strings.Cut(strings.TrimLeft(s, " \t\n"), "\n")
	line = strings.TrimSpace(line)
	if in.PublishedAt != nil || utf8.RuneCountInString(line) > 80 {
		return s
	}
	m := dateLine.FindStringSubmatch(line)
	if m == nil {
		return s
	}
	layout, value := "2006-01-02", m[1]
	if m[2] != "" {
		layout, value = "2006-01-02 15:04", m[1]+" "+m[2]
	}
	t, err := time.Parse(layout, value)
	if err != nil {
		return s
	}
	in.PublishedAt = &t
	return strings.TrimLeft(rest, " \t\n")
}

// titleFromParagraph makes a title of a paragraph: its first sentence, cut at a word to at
// most maxTitle code points with an ellipsis.
func titleFromParagraph(p string) string {
	const maxTitle = 100
	if i := strings.IndexAny(p, ".?!"); i > 0 {
		p = p[:i+1]
	}
	r := []rune(p)
	if len(r) <= maxTitle {
		return p
	}
	cut := string(r[:maxTitle])
	if i := strings.LastIndex(cut, " "); i > maxTitle/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:–—-") + "…"
}

// ParseHTMLArticle reads an HTML page as one article: the title from <title> (else the first
// <h1>), the text from its <p> paragraphs (not those in navigation, footers, asides or forms),
// one paragraph a block separated by a blank line, and, when the page says so, its canonical
// URL, author and publication time.
func ParseHTMLArticle(r io.Reader) (ArticleInput, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return ArticleInput{}, Errorf(CodeBadRequest, "", "the HTML cannot be read: %s", err.Error())
	}
	var in ArticleInput
	var h1 string
	var paras []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav, atom.Footer, atom.Aside, atom.Form:
				return // not the article's text
			case atom.Title:
				if in.Title == "" {
					in.Title = collapse(textOf(n))
				}
				return
			case atom.H1:
				if h1 == "" {
					h1 = collapse(textOf(n))
				}
			case atom.P:
				if p := paragraphText(n); p != "" {
					paras = append(paras, p)
				}
				return
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && in.URL == "" {
					in.URL = absoluteURL(attr(n, "href"))
				}
			case atom.Meta:
				key := strings.ToLower(attr(n, "property") + attr(n, "name"))
				val := strings.TrimSpace(attr(n, "content"))
				switch key {
				case "og:url":
					if in.URL == "" {
						in.URL = absoluteURL(val)
					}
				case "author", "article:author":
					if in.Author == "" && !strings.Contains(val, "://") {
						in.Author = val
					}
				case "article:published_time", "date", "dc.date":
					if t, err := time.Parse(time.RFC3339, val); err == nil && in.PublishedAt == nil {
						in.PublishedAt = &t
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if in.Title == "" {
		in.Title = h1
	}
	in.Text = strings.Join(paras, "\n\n")
	if in.Title == "" {
		return in, Errorf(CodeInvalid, "title", "the HTML has no <title> or <h1> to take the title from")
	}
	if in.Text == "" {
		return in, Errorf(CodeInvalid, "text", "the HTML has no <p> paragraphs to take the text from")
	}
	return in, nil
}

// paragraphText is the text of a <p> as a browser shows it: runs of white space collapsed to
// one space, and a line break for each <br>.
func paragraphText(p *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			// Line breaks in the source are white space; only <br> breaks a line.
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' || r == '\t' || r == '\f' {
					return ' '
				}
				return r
			}, n.Data))
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteString("\n")
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p)
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = collapse(l)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// absoluteURL keeps an http(s) URL with a host and drops anything else (relative links).
func absoluteURL(s string) string {
	s = strings.TrimSpace(s)
	in := ArticleInput{URL: s, Title: "x", Text: "x"}
	if s == "" || in.Normalise() != nil {
		return ""
	}
	return s
}
