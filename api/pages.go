package api

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/frontend"
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
	e.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/queue") })
	e.GET("/login", page("login.html"))
	e.GET("/queue", page("queue.html"))
	e.GET("/articles/:id", page("article.html"))
	for _, extra := range []string{"admin", "scores", "outlets", "downloads"} {
		name := extra + ".html"
		if _, err := fs.Stat(frontend.Files, "pages/"+name); err == nil {
			e.GET("/"+extra, page(name))
			e.GET("/"+extra+"/*rest", page(name))
		}
	}
	e.GET("/methodology", func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(methodologyPage()))
	})
}

// methodologyPage wraps the methodology of the score package in a page of its own.
func methodologyPage() string {
	body := score.MethodologyHTML
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
