package feeds

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	readability "github.com/go-shiori/go-readability"
	"golang.org/x/net/html"
)

// Extracted is the readable article of a page and its metadata.
type Extracted struct {
	Title       string
	Author      string
	PublishedAt *time.Time
	Text        string // paragraphs separated by blank lines
}

// blocks are the elements whose text is one paragraph of the extracted text.
var blocks = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "blockquote": true, "pre": true, "figcaption": true}

// Extract finds the readable article in a page with go-readability (Mozilla's Readability
// algorithm), keeping its paragraphs apart, and drops navigation, ads, comments and boxes
// of related links around it.
func Extract(page []byte, pageURL string) (Extracted, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return Extracted{}, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	a, err := readability.FromReader(bytes.NewReader(page), u)
	if err != nil {
		return Extracted{}, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	out := Extracted{Title: strings.TrimSpace(a.Title), Author: strings.TrimSpace(a.Byline), PublishedAt: a.PublishedTime}
	var paras []string
	if a.Node != nil {
		paras = paragraphs(a.Node, nil)
	}
	out.Text = strings.Join(paras, "\n\n")
	if out.Text == "" {
		out.Text = strings.TrimSpace(a.TextContent)
	}
	if out.Text == "" {
		return out, fmt.Errorf("extract %s: no readable text found", pageURL)
	}
	return out, nil
}

// boilerplate matches the class or id of a box that readability may leave inside a short
// article's container: readers' comments, related links, share tools, ads, newsletters.
var boilerplate = regexp.MustCompile(`(?i)(^|[\s_-])(comments?|related|share|social|ad-slot|advert\w*|newsletter|promo)($|[\s_-])`)

// paragraphs collects the text of each outermost block element under n, whitespace folded,
// skipping boilerplate boxes.
func paragraphs(n *html.Node, out []string) []string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && isBoilerplate(c) {
			continue
		}
		if c.Type == html.ElementNode && blocks[c.Data] {
			var b strings.Builder
			textOf(c, &b)
			if t := strings.Join(strings.Fields(b.String()), " "); t != "" {
				out = append(out, t)
			}
			continue
		}
		out = paragraphs(c, out)
	}
	return out
}

func isBoilerplate(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && boilerplate.MatchString(a.Val) {
			return true
		}
	}
	return false
}

func textOf(n *html.Node, b *strings.Builder) {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		textOf(c, b)
	}
}
