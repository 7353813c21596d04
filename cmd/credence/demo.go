package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/credence-project/credence/app"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/models"
)

// The demo data is the project's own: fictional outlets and articles that show what the
// service is for: a tabloid's exclusive, a blog that reprints it and carries readers'
// comments, a second reprint through another outlet (siblings), curly quotes and emoji.
//
//go:embed demo
var demoFiles embed.FS

// Demo accounts, created with the demo data so that every role can be tried: two reviewers
// (independent review needs two) with a fresh queue, two annotators whose finished reviews
// (demo/reviews.json, demo_reviews.go) give the curator articles to adjudicate and the
// researcher scores, a curator who adjudicates, and a researcher.
var demoAccounts = []struct{ email, name, role string }{
	{"reviewer@example.org", "Demo Reviewer", "reviewer"},
	{"reviewer2@example.org", "Second Demo Reviewer", "reviewer"},
	{"annotator-a@example.org", "Demo Annotator A", "reviewer"},
	{"annotator-b@example.org", "Demo Annotator B", "reviewer"},
	{"curator@example.org", "Demo Curator", "curator"},
	{"researcher@example.org", "Demo Researcher", "researcher"},
}

const demoPassword = "demo-password"

func loadDemo(ctx context.Context, svc *app.Services, stdout io.Writer) (string, error) {
	existing, _, err := svc.Store.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 1}})
	if err != nil {
		return "", err
	}
	names := make([]string, len(demoAccounts))
	finished := demoFinished()
	for i, a := range demoAccounts {
		names[i] = a.email + " (" + a.role + ")"
		if n := finished[a.email]; n > 0 {
			names[i] = fmt.Sprintf("%s (%s: has finished %d articles, ready to adjudicate)", a.email, a.role, n)
		}
	}
	accounts := "Demo accounts (password " + demoPassword + "): " + strings.Join(names, ", ") + "\n"
	if len(existing) > 0 {
		return accounts, nil // demo data, or real data, is there already
	}
	raw, err := demoFiles.ReadFile("demo/outlets.json")
	if err != nil {
		return "", err
	}
	var outlets []struct {
		Name     string   `json:"name"`
		Aliases  []string `json:"aliases"`
		Domains  []string `json:"domains"`
		Country  string   `json:"country"`
		Homepage string   `json:"homepage"`
	}
	if err := json.Unmarshal(raw, &outlets); err != nil {
		return "", err
	}
	for _, o := range outlets {
		m := &models.Outlet{Name: o.Name, Aliases: o.Aliases, Domains: o.Domains, Country: o.Country, Homepage: o.Homepage}
		// A conflict (its name, web address, alias or domain taken) is the same outlet stored by
		// another start loading the demo at the same moment.
		if err := svc.Store.CreateOutlet(ctx, 0, m); err != nil && !errors.Is(err, models.ErrDuplicate) {
			return "", err
		}
	}
	svc.Reprints.OutletsChanged()
	arts, err := demoFiles.ReadFile("demo/articles.jsonl")
	if err != nil {
		return "", err
	}
	res, err := svc.Imports.Import(ctx, bytes.NewReader(arts), imports.Options{Filename: "articles.jsonl"}, 0, nil)
	if err != nil {
		return "", err
	}
	if len(res.Errors) > 0 {
		return "", fmt.Errorf("demo article line %d: %s", res.Errors[0].Line, res.Errors[0].Message)
	}
	ids := map[string]int64{}
	for _, a := range demoAccounts {
		u, err := svc.Users.Add(ctx, 0, a.email, a.name, a.role, demoPassword)
		if err != nil && strings.Contains(err.Error(), "already exists") {
			u, err = svc.Store.UserByEmail(ctx, a.email)
		}
		if err != nil {
			return "", err
		}
		ids[a.email] = u.ID
	}
	reviews := 0
	// The annotators' reviews are written by the start that stored every demo article (and
	// their reprint proposals, which the reviews decide): of two replicas started at once on
	// one empty database, one, so the reviews are there once.
	if lines := bytes.Count(bytes.TrimSpace(arts), []byte("\n")) + 1; res.Created == lines {
		byURL, err := demoArticleIDs(ctx, svc.Store)
		if err != nil {
			return "", err
		}
		if reviews, err = loadDemoReviews(ctx, svc, ids, byURL); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(stdout, "Loaded demo data: %d outlets, %d articles, %d finished reviews.\n", len(outlets), res.Created, reviews)
	return accounts, nil
}

// generatePassword makes a password of 20 characters that are easy to read and type.
func generatePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for i := 0; i < 20; i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}
