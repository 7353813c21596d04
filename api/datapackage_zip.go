package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/app/scoring"
	"github.com/credence-project/credence/models"
)

// The self-contained data package (GET /api/v1/exports/datapackage.zip) is what a Zenodo or
// OSF deposit expects: datapackage.json with the CSV files beside it under relative paths, so
// Frictionless tools open it offline, without the login the /api/v1 URLs of
// datapackage.json need. Its score and annotation files are the very bytes of the downloads
// they stand for (each is fetched through the router as the caller), and three more files hold
// what the scores are computed from besides the annotations: the scored articles with their
// lengths, every finished review (also those without a single annotation) and the regions
// that decide crediting. With them every point estimate can be recomputed (see /methodology).

// packageInput is one CSV of the score inputs: its file, title, fields and the writer of its rows.
type packageInput struct {
	name, title string
	fields      []map[string]any
	primaryKey  []string
	rows        func(in models.ScoreInput) [][]string
}

func field(name, kind, doc string) map[string]any {
	f := map[string]any{"name": name, "type": kind, "description": doc}
	if kind == "datetime" {
		f["format"] = "any"
	}
	return f
}

var packageInputs = []packageInput{
	{"articles", "Scored articles: publisher and length, the denominators of every share",
		[]map[string]any{field("article_id", "integer", "the article"), field("outlet_id", "integer", "the outlet that published it"),
			field("text_length", "integer", "its length in Unicode code points (NFC)"), field("published_at", "datetime", "its publication time, empty when unknown")},
		[]string{"article_id"},
		func(in models.ScoreInput) [][]string {
			pub := ""
			if in.Article.PublishedAt != nil {
				pub = in.Article.PublishedAt.UTC().Format(time.RFC3339)
			}
			return [][]string{{i64s(in.Article.ID), i64s(in.Article.OutletID), strconv.Itoa(in.Article.TextLength), pub}}
		}},
	{"reviews", "Finished reviews: who completed each article, also those who tagged nothing (they count in every mean)",
		[]map[string]any{field("article_id", "integer", "the article"), field("reviewer_id", "integer", "a reviewer who marked it complete")},
		[]string{"article_id", "reviewer_id"},
		func(in models.ScoreInput) [][]string {
			out := make([][]string, len(in.Reviewers))
			for i, r := range in.Reviewers {
				out[i] = []string{i64s(in.Article.ID), i64s(r)}
			}
			return out
		}},
	{"regions", "Regions that decide crediting: quotes of other outlets and readers' comments, as the scores use them",
		[]map[string]any{field("region_id", "integer", "the region"), field("article_id", "integer", "the article"),
			field("kind", "string", "quote or comments"), field("start", "integer", "first code point"), field("end", "integer", "end code point (exclusive)"),
			field("origin_outlet_id", "integer", "the quoted outlet, empty when unknown or for comments")},
		[]string{"region_id"},
		func(in models.ScoreInput) [][]string {
			credited := creditedRegions(in)
			out := make([][]string, len(credited))
			for i, r := range credited {
				origin := ""
				if r.OriginOutletID != nil {
					origin = i64s(*r.OriginOutletID)
				}
				out[i] = []string{i64s(r.ID), i64s(r.ArticleID), r.Kind, strconv.Itoa(r.Start), strconv.Itoa(r.End), origin}
			}
			return out
		}},
}

// creditedRegions are the regions of in that credit its text as the package's scores do
// (scoring.SetCredit, then score.CreditedRegions with every finished reviewer counted: the
// package holds the unfiltered downloads): on an adjudicated article the curator's consensus
// regions, else the reviewers' regions that a strict majority of them stand behind. A region
// only its author made, or that fewer than half accepted, credits nothing and is not listed,
// so the scores recomputed from the package's files are the published ones.
func creditedRegions(in models.ScoreInput) []models.Region {
	a := score.Article{ID: in.Article.ID, OutletID: in.Article.OutletID, Length: in.Article.TextLength}
	scoring.SetCredit(&a, in.Regions, in.Curated, in.Consensus)
	counted := slices.Compact(slices.Sorted(slices.Values(in.Reviewers)))
	from := in.Regions
	if in.Curated {
		from = in.Consensus
	}
	var out []models.Region
	for _, c := range score.CreditedRegions(a, counted) {
		for _, r := range from {
			origin := int64(0)
			if r.OriginOutletID != nil {
				origin = *r.OriginOutletID
			}
			if score.RegionKind(r.Kind) == c.Kind && r.Start == c.Start && r.End == c.End && origin == c.OriginOutletID {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// zipPackage is the descriptor of a self-contained package and where its files come from.
type zipPackage struct {
	manifest    []byte
	files       []string // the resources' paths in the zip, in order
	sources     []string // the downloads of the first files (the rest are the score inputs)
	dataVersion string
}

// describeZip turns the package of the downloads into a self-contained one: relative paths,
// the score inputs beside them, and the methodology and data versions in its metadata.
func (s *Server) describeZip(c *gin.Context, now time.Time) (zipPackage, error) {
	var versions struct {
		Methodology string `json:"methodology"`
		DataVersion string `json:"data_version"`
	}
	if err := s.subJSON(c, "/api/v1/scores/agreement", &versions); err != nil {
		return zipPackage{}, err
	}
	var desc map[string]any
	// The files of a deposit are read by tools that parse CSV (R, pandas, Frictionless), so
	// they hold the cells unchanged (csv=raw), as its descriptor then says.
	if err := s.subJSON(c, "/api/v1/exports/datapackage.json?csv=raw", &desc); err != nil {
		return zipPackage{}, err
	}
	zp := zipPackage{dataVersion: versions.DataVersion}
	resources, _ := desc["resources"].([]any)
	for _, r := range resources {
		res := r.(map[string]any)
		u, err := url.Parse(fmt.Sprint(res["path"]))
		if err != nil {
			return zp, fmt.Errorf("data package resource %v: %w", res["path"], err)
		}
		zp.sources = append(zp.sources, u.RequestURI())
		res["path"] = fmt.Sprint(res["name"]) + ".csv"
		zp.files = append(zp.files, res["path"].(string))
	}
	for _, in := range packageInputs {
		resources = append(resources, map[string]any{"name": in.name, "path": in.name + ".csv", "title": in.title,
			"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
			"schema": map[string]any{"fields": in.fields, "primaryKey": in.primaryKey, "missingValues": []string{""}}})
		zp.files = append(zp.files, in.name+".csv")
	}
	desc["resources"] = resources
	desc["version"] = versions.DataVersion
	desc["created"] = now.Format(time.RFC3339)
	desc["methodology"] = map[string]any{"version": versions.Methodology, "url": baseURL(c) + "/methodology"}
	desc["data_version"] = versions.DataVersion
	desc["citation"] = fmt.Sprintf("Credence outlet and article scores and annotations, data version %s (%s). %s. Downloaded %s.",
		versions.DataVersion, versions.Methodology, baseURL(c), now.Format(time.DateOnly))
	var err error
	zp.manifest, err = json.MarshalIndent(desc, "", "  ")
	return zp, err
}

// dataPackageZip answers GET /api/v1/exports/datapackage.zip.
func (s *Server) dataPackageZip(c *gin.Context) error {
	now := time.Now().UTC()
	zp, err := s.describeZip(c, now)
	if err != nil {
		return err
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="`+downloadName(c, "data-package", zp.dataVersion, "zip")+`"`)
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	// Once the status is out, a failure can only cut the download short (an incomplete zip
	// that no tool opens), never end in a complete-looking one.
	abort := func(err error) {
		s.log.ErrorContext(c.Request.Context(), "data package failed", "err", err, "request_id", c.GetString(ctxRequestID))
		panic(http.ErrAbortHandler)
	}
	if err := writeZipFile(zw, "datapackage.json", func(w io.Writer) error { _, err := w.Write(zp.manifest); return err }); err != nil {
		abort(err)
	}
	for i, src := range zp.sources {
		if err := writeZipFile(zw, zp.files[i], func(w io.Writer) error { return s.subRequest(c, src, w) }); err != nil {
			abort(err)
		}
	}
	if err := s.writeScoreInputs(c.Request.Context(), zw, isCurator(c)); err != nil {
		abort(err)
	}
	if err := zw.Close(); err != nil {
		abort(err)
	}
	return nil
}

func writeZipFile(zw *zip.Writer, name string, write func(io.Writer) error) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	if err := write(w); err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	return nil
}

// writeScoreInputs writes the articles, reviews and regions CSVs from the inputs the scores
// are computed from, article by article in id order; with curated (a curator's package) of
// the articles open to curators only, as the caller's score and annotation files are.
func (s *Server) writeScoreInputs(ctx context.Context, zw *zip.Writer, curated bool) error {
	var bufs [3]bytes.Buffer
	writers := make([]*csv.Writer, len(packageInputs))
	for i, in := range packageInputs {
		writers[i] = csv.NewWriter(&bufs[i])
		header := make([]string, len(in.fields))
		for j, f := range in.fields {
			header[j] = f["name"].(string)
		}
		_ = writers[i].Write(header)
	}
	var open []int64 // a curator's package: only the articles open to curators
	if curated {
		var err error
		if open, err = s.store.CuratableArticleIDs(ctx); err != nil {
			return err
		}
	}
	err := s.store.ScoreCorpus(ctx, models.ScoreCacheKey{Methodology: score.MethodologyVersion}, func(batch []models.ScoreArticle) error {
		ids := make([]int64, 0, len(batch))
		for _, a := range batch {
			if _, ok := slices.BinarySearch(open, a.ID); ok || !curated {
				ids = append(ids, a.ID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		inputs, err := s.store.ScoreInputs(ctx, ids, models.ScoreVariant{})
		if err != nil {
			return err
		}
		for _, in := range inputs {
			for i, pi := range packageInputs {
				if err := writers[i].WriteAll(pi.rows(in)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("score inputs: %w", err)
	}
	for i, in := range packageInputs {
		writers[i].Flush()
		if err := writeZipFile(zw, in.name+".csv", func(w io.Writer) error { _, err := bufs[i].WriteTo(w); return err }); err != nil {
			return err
		}
	}
	return nil
}

// subJSON decodes the JSON answer of a GET through the router, made as the caller.
func (s *Server) subJSON(c *gin.Context, path string, out any) error {
	var b bytes.Buffer
	if err := s.subRequest(c, path, &b); err != nil {
		return err
	}
	if err := json.Unmarshal(b.Bytes(), out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// subRequest sends GET path through the router with the caller's credentials and copies a
// 200 answer's body to w; any other answer is an error that carries its envelope's code.
func (s *Server) subRequest(c *gin.Context, path string, w io.Writer) error {
	u, err := url.ParseRequestURI(path)
	if err != nil {
		return fmt.Errorf("sub-request %s: %w", path, err)
	}
	req := c.Request.Clone(c.Request.Context())
	req.Method, req.URL, req.RequestURI, req.Body, req.ContentLength = http.MethodGet, u, path, http.NoBody, 0
	rw := &subResponse{header: http.Header{}, body: w}
	s.engine.ServeHTTP(rw, req)
	if rw.status != http.StatusOK {
		var env struct{ Error *apiError }
		if json.Unmarshal(rw.failure.Bytes(), &env) == nil && env.Error != nil && env.Error.Code != "" {
			return env.Error
		}
		return fmt.Errorf("sub-request %s: status %d: %.200s", path, rw.status, strings.TrimSpace(rw.failure.String()))
	}
	return nil
}

// subResponse passes a 200 answer's body on and keeps any other for the error.
type subResponse struct {
	header  http.Header
	status  int
	body    io.Writer
	failure bytes.Buffer
}

func (r *subResponse) Header() http.Header { return r.header }
func (r *subResponse) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *subResponse) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.status != http.StatusOK {
		return r.failure.Write(b)
	}
	return r.body.Write(b)
}
func (r *subResponse) Flush() {}
