package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/credence-project/credence/annotate"
)

// Route is one route of the public API with who may call it. The table below is the single
// list of routes: the router, the OpenAPI check and the authorisation tests all read it.
type Route struct {
	Method   string
	Path     string   // gin syntax, e.g. /api/v1/outlets/:id
	Roles    []string // nil: any signed-in user
	Public   bool     // no sign-in needed
	Resource string   // what "no such …" names
	handler  Handler
}

var (
	admin     = []string{annotate.RoleAdmin}
	writers   = []string{annotate.RoleReviewer, annotate.RoleAdmin}
	reviewers = []string{annotate.RoleReviewer}
	curators  = []string{annotate.RoleCurator, annotate.RoleAdmin}
	// scoreReaders read scores and downloads: curators only from the articles open to them.
	scoreReaders = []string{annotate.RoleResearcher, annotate.RoleCurator, annotate.RoleAdmin}
	// annotators write annotations and regions: reviewers in their review, curators in the
	// consensus layer, admins in either (annotate.WriteLayer decides which).
	annotators = []string{annotate.RoleReviewer, annotate.RoleCurator, annotate.RoleAdmin}
)

// Routes lists every /api/v1 route with the roles that may call it, group by group; the
// groups below are one list read in order.
func (s *Server) Routes() []Route {
	return slices.Concat(s.accountRoutes(), s.corpusRoutes(), s.reviewRoutes(), s.researchRoutes())
}

// accountRoutes: sign-in, the caller, the document, tokens and accounts.
func (s *Server) accountRoutes() []Route {
	return []Route{
		{"POST", "/api/v1/auth/login", nil, true, "session", s.login},
		{"POST", "/api/v1/auth/logout", nil, false, "session", s.logout},
		{"GET", "/api/v1/me", nil, false, "user", s.me},
		{"GET", "/api/v1/openapi.json", nil, true, "document", s.openapi},

		{"GET", "/api/v1/tokens", nil, false, "token", s.listTokens},
		{"POST", "/api/v1/tokens", nil, false, "token", s.createToken},
		{"DELETE", "/api/v1/tokens/:id", nil, false, "token", s.deleteToken},

		{"GET", "/api/v1/users", admin, false, "user", s.listUsers},
		{"POST", "/api/v1/users", admin, false, "user", s.createUser},
		{"PATCH", "/api/v1/users/:id", admin, false, "user", s.updateUser},
		{"DELETE", "/api/v1/users/:id", admin, false, "user", s.deleteUser},
	}
}

// corpusRoutes: outlets, articles and what hangs off an article.
func (s *Server) corpusRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/outlets", nil, false, "outlet", s.listOutlets},
		{"GET", "/api/v1/outlets/:id", nil, false, "outlet", s.getOutlet},
		{"POST", "/api/v1/outlets", admin, false, "outlet", s.createOutlet},
		{"PATCH", "/api/v1/outlets/:id", admin, false, "outlet", s.updateOutlet},
		{"DELETE", "/api/v1/outlets/:id", admin, false, "outlet", s.deleteOutlet},
		{"POST", "/api/v1/outlets/:id/merge", admin, false, "outlet", s.mergeOutlet},
		{"GET", "/api/v1/outlets/:id/merge-preview", admin, false, "outlet", s.mergePreview},
		{"GET", "/api/v1/outlets/:id/feeds", admin, false, "outlet", s.listFeeds},
		{"POST", "/api/v1/outlets/:id/poll", admin, false, "outlet", s.pollOutlet},

		{"GET", "/api/v1/articles", nil, false, "article", s.listArticles},
		{"POST", "/api/v1/articles", admin, false, "article", s.createArticle},
		{"POST", "/api/v1/articles/import", admin, false, "article", s.importUpload},
		{"POST", "/api/v1/articles/import/preview", admin, false, "article", s.importPreview},
		{"POST", "/api/v1/articles/import/urls", admin, false, "article", s.importURLs},
		{"GET", "/api/v1/articles/:id", nil, false, "article", s.getArticle},
		{"GET", "/api/v1/articles/:id/annotations", nil, false, "article", s.listAnnotations},
		{"POST", "/api/v1/articles/:id/annotations", annotators, false, "article", s.createAnnotation},
		{"GET", "/api/v1/articles/:id/regions", nil, false, "article", s.listRegions},
		{"POST", "/api/v1/articles/:id/regions", annotators, false, "article", s.createRegion},
		{"POST", "/api/v1/articles/:id/complete", annotators, false, "article", s.completeLayer},
		{"POST", "/api/v1/articles/:id/reopen", admin, false, "article", s.reopenFor},
		{"DELETE", "/api/v1/articles/:id/complete", annotators, false, "article", s.completeLayer},

		{"GET", "/api/v1/adjudications", curators, false, "article", s.curationQueue},
		{"GET", "/api/v1/articles/:id/adjudication", curators, false, "article", s.adjudication},
		{"POST", "/api/v1/articles/:id/adjudication/accept", curators, false, "article", s.acceptUnits},
		{"POST", "/api/v1/articles/:id/adjudication/open", admin, false, "article", s.openAdjudication},
	}
}

// reviewRoutes: annotations, regions, reprints and suggestions.
func (s *Server) reviewRoutes() []Route {
	return []Route{
		{"PATCH", "/api/v1/annotations/:id", annotators, false, "annotation", s.updateAnnotation},
		{"DELETE", "/api/v1/annotations/:id", annotators, false, "annotation", s.deleteAnnotation},

		{"PATCH", "/api/v1/regions/:id", annotators, false, "region", s.updateRegion},
		{"DELETE", "/api/v1/regions/:id", annotators, false, "region", s.deleteRegion},

		{"GET", "/api/v1/articles/:id/reprints", nil, false, "article", s.reprints},
		{"POST", "/api/v1/articles/:id/rescan", admin, false, "article", s.rescan},
		{"POST", "/api/v1/reprints/rebuild", admin, false, "index", s.rebuildReprints},

		{"GET", "/api/v1/articles/:id/suggestions", writers, false, "article", s.suggestions},
		{"POST", "/api/v1/articles/:id/suggestions/accept", writers, false, "article", s.decideSuggestion(true)},
		{"POST", "/api/v1/articles/:id/suggestions/reject", writers, false, "article", s.decideSuggestion(false)},
		{"DELETE", "/api/v1/articles/:id/suggestions/decisions", writers, false, "suggestion decision", s.forgetDecision},
		{"GET", "/api/v1/suggestions/rules", admin, false, "suggestion rule", s.suggestionRules},
		{"PATCH", "/api/v1/suggestions/rules/:rule", admin, false, "suggestion rule", s.updateSuggestionRule},
		{"GET", "/api/v1/suggestions/models", admin, false, "suggestion model", s.suggestionModels},
		{"POST", "/api/v1/suggestions/models/train", admin, false, "training job", s.startRetraining},
		{"GET", "/api/v1/suggestions/models/train/:id", admin, false, "training job", s.trainJob},
	}
}

// researchRoutes: the queue, the audit trail, scores, exports and assignments.
func (s *Server) researchRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/queue", reviewers, false, "queue", s.queue},
		{"GET", "/api/v1/audit", admin, false, "audit entry", s.listAudit},

		{"GET", "/api/v1/scores/outlets", scoreReaders, false, "score", s.outletScores},
		{"GET", "/api/v1/scores/articles", scoreReaders, false, "score", s.articleScores},
		{"GET", "/api/v1/scores/reviewers", scoreReaders, false, "score", s.reviewerScores},
		{"GET", "/api/v1/scores/agreement", scoreReaders, false, "score", s.agreementScores},
		{"GET", "/api/v1/exports/annotations", scoreReaders, false, "export", s.exportAnnotations},
		{"GET", "/api/v1/exports/datapackage.json", scoreReaders, false, "export", s.dataPackage},
		{"GET", "/api/v1/exports/datapackage.zip", scoreReaders, false, "export", s.dataPackageZip},
		{"GET", "/api/v1/exports/audit", admin, false, "audit entry", s.exportAudit},

		{"POST", "/api/v1/assignments", admin, false, "article", s.assign},
		{"POST", "/api/v1/assignments/remove", admin, false, "article", s.unassign},
		{"GET", "/api/v1/assignments/progress", admin, false, "assignment", s.assignmentProgress},
	}
}

func (s *Server) routes(reg *prometheus.Registry) *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Forwarding headers (X-Forwarded-For, X-Real-IP) are believed only from trusted proxies:
	// gin trusts every peer by default, which would let a client pick its own address and
	// dodge the per-address sign-in limit. The list is validated at start-up (cmd/credence).
	if err := e.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		s.log.Error("trusted proxies", "err", err)
		_ = e.SetTrustedProxies(nil)
	}
	e.ContextWithFallback = true
	e.Use(s.observe(), s.recoverer(), securityHeaders, refuseNUL) // compression wraps the engine: see compressResponses
	// pages.go: a browser's unknown page gets an HTML page, the API its envelope.
	e.NoRoute(notFound)
	e.NoMethod(func(c *gin.Context) {
		fail(c, errf(CodeMethodNotAllowed, "%s is not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})

	e.GET("/healthz", s.healthz)
	// The metrics name routes and count failed sign-ins: only an admin's API token reads them
	// here (a scraper is a script); MetricsHandler serves them unguarded on --metrics-addr.
	s.metricsHandler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	e.GET("/metrics", s.authenticate, resource("metrics"), requireToken, requireRole(annotate.RoleAdmin), gin.WrapH(s.metricsHandler))

	v1 := e.Group("/", s.authenticate, checkCSRF)
	for _, r := range s.Routes() {
		limit := s.cfg.MaxBodyBytes
		if strings.HasPrefix(r.Path, "/api/v1/articles/import") {
			limit = s.cfg.MaxImportBytes
		}
		chain := []gin.HandlerFunc{resource(r.Resource), limitBody(limit), checkCSVParam}
		if !r.Public {
			chain = append(chain, requireRole(r.Roles...))
		}
		if strings.HasPrefix(r.Path, "/api/v1/articles/:id") {
			chain = append(chain, s.curatorGate) // curators read only articles open to them
		}
		v1.Handle(r.Method, r.Path, append(chain, handle(r.handler))...)
	}
	s.pages(e)
	return e
}

func resource(name string) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(ctxResource, name); c.Next() }
}

func (s *Server) healthz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		c.JSON(CodeUnavailable.status(), gin.H{"status": "unavailable", "error": errf(CodeUnavailable, "the database does not answer")})
		return
	}
	if full, _ := s.store.StorageFull(); full {
		c.JSON(CodeStorageUnavailable.status(), gin.H{"status": "unavailable", "error": errf(CodeStorageUnavailable, "the database has no space left for writes (reads still work); it takes writes again once there is space")})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// requireToken refuses what is not signed in with an API token (a browser session).
func requireToken(c *gin.Context) {
	if _, ok := c.Get(ctxSession); ok || currentUser(c) == nil {
		fail(c, errf(CodeUnauthorized, "send an admin's API token as Authorization: Bearer <token>"))
		return
	}
	c.Next()
}

// MetricsHandler serves the Prometheus metrics with no sign-in, for a listener of its own
// (--metrics-addr) that only the monitoring network reaches.
func (s *Server) MetricsHandler() http.Handler { return s.metricsHandler }
