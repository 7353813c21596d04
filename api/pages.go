package api

import (
	"fmt"
	"html"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/frontend"
	"github.com/credence-project/credence/models"
)

// pages serves the browser application: the HTML pages at their routes and the assets
// under /static/. Pages are shells; they fetch their data from the API.
func (s *Server) pages(e *gin.Engine) {
	static, err := fs.Sub(frontend.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	e.StaticFS("/static", http.FS(noDirs{static}))
	page := func(name string) gin.HandlerFunc {
		return func(c *gin.Context) {
			b, err := fs.ReadFile(frontend.Files, "pages/"+name)
			if err != nil {
				fail(c, errf(CodeNotFound, "no page %s", name))
				return
			}
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "text/html; charset=utf-8", b)
		}
	}
	e.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.Data(http.StatusOK, "image/x-icon", favicon)
	})
	e.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/queue") })
	e.GET("/login", page("login.html"))
	e.GET("/queue", page("queue.html"))
	e.GET("/articles/:id", page("article.html"))
	for _, extra := range []string{"admin", "scores", "outlets", "downloads", "adjudication"} {
		name := extra + ".html"
		if _, err := fs.Stat(frontend.Files, "pages/"+name); err == nil {
			e.GET("/"+extra, page(name))
			e.GET("/"+extra+"/*rest", page(name))
		}
	}
	e.GET("/methodology", func(c *gin.Context) {
		origins, err := s.store.AnnotationOrigins(c.Request.Context())
		if err != nil {
			fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(methodologyPage(origins)))
	})
}

// favicon and notFoundPage are embedded files the handlers answer with as they are.
var (
	favicon      = mustRead("static/favicon.ico")
	notFoundPage = mustRead("pages/404.html")
)

func mustRead(name string) []byte {
	b, err := fs.ReadFile(frontend.Files, name)
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return b
}

// notFound answers a path with no route: the API's error envelope, except for a browser asking
// for a page outside /api/ (a GET that accepts text/html), which gets a page saying so with a
// way on instead of raw JSON.
func notFound(c *gin.Context) {
	r := c.Request
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/api/") &&
		strings.Contains(r.Header.Get("Accept"), "text/html") {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", notFoundPage)
		return
	}
	fail(c, errf(CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
}

// suggestionShare is the methodology's live report of how many of the counted annotations
// came from machine suggestions, by model.
func suggestionShare(origins []models.OriginCount) string {
	var total, suggested int64
	byModel := map[string]int64{}
	for _, o := range origins {
		total += o.N
		if o.Origin == models.OriginSuggestion {
			suggested += o.N
			byModel[o.SuggestionModel] += o.N
		}
	}
	var b strings.Builder
	b.WriteString(`<p id="suggestion-share"><strong>In the data now:</strong> `)
	if total == 0 {
		b.WriteString("no completed review has an annotation yet.</p>")
		return b.String()
	}
	fmt.Fprintf(&b, "of the %d annotations in completed reviews, %d (%.1f%%) came from accepted machine suggestions", total, suggested, 100*float64(suggested)/float64(total))
	models := slices.Sorted(maps.Keys(byModel))
	for i, m := range models {
		sep := "; by model: "
		if i > 0 {
			sep = ", "
		}
		fmt.Fprintf(&b, "%s%s %d", sep, html.EscapeString(m), byModel[m])
	}
	b.WriteString(".</p>")
	return b.String()
}

// methodologyPage wraps the methodology of the score package in a page of its own.
func methodologyPage(origins []models.OriginCount) string {
	body := strings.Replace(score.MethodologyHTML, "<!-- suggestion-share -->", suggestionShare(origins), 1)
	if strings.Contains(strings.ToLower(body), "<html") {
		return body
	}
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>Methodology · Credence</title><link rel="stylesheet" href="/static/css/app.css"></head><body>` +
		`<nav class="methodology-nav"><a href="/">Credence</a> · <a href="/scores">Scores</a> · <a href="/downloads">Downloads</a></nav><main class="methodology">` +
		body + `</main></body></html>`
}

// noDirs hides directories, so that /static/ and its folders are not listed: a folder opens as
// "does not exist", and the file server answers 404.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}
