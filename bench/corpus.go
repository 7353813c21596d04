package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// Scale is the size of a synthetic corpus.
type Scale struct {
	Outlets     int
	Articles    int
	Annotations int // spread over the articles and reviewers
	Reviewers   int
	Researchers int
	WordsPer    int // words per article
	// Reviewed gives every article two finished reviews, by two reviewers who make all its
	// annotations, so that the scores count the whole corpus (bench --startup --reviewed).
	Reviewed bool
}

// Corpus is what Build made: ids to aim requests at and API tokens to send them with.
type Corpus struct {
	ArticleIDs       []int64
	ArticleLen       map[int64]int
	OutletIDs        []int64
	ReviewerTokens   []string
	ResearcherTokens []string
	// ReviewersOf are, with Scale.Reviewed, the two reviewers (indexes into ReviewerTokens) who
	// finished each article of ArticleIDs, in its order.
	ReviewersOf [][2]int
}

var vocabulary = strings.Fields(`the a of to in and said report outlet council budget mayor letter board
review contract official according statement claims could may reportedly outrageous shocking
police court record public agency money project city county harbor marina witness evidence
“quoted” café 🙄 week year month today sources documents office spokesman inquiry`)

func words(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if i%25 == 0 {
				b.WriteString(".\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(vocabulary[r.IntN(len(vocabulary))])
	}
	b.WriteByte('.')
	return b.String()
}

// Build fills an empty store with a synthetic corpus, deterministically from the seed.
func Build(ctx context.Context, store *models.Store, sc Scale, seed uint64) (*Corpus, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &Corpus{ArticleLen: map[int64]int{}}
	hash, err := bcrypt.GenerateFromPassword([]byte("bench-password"), 4)
	if err != nil {
		return nil, err
	}
	mkUser := func(role string, i int) (int64, string, error) {
		u := &models.User{Email: fmt.Sprintf("%s%d@bench.example", role, i), Name: fmt.Sprintf("%s %d", role, i), Role: role, PasswordHash: string(hash)}
		if err := store.CreateUser(ctx, 0, u); err != nil {
			return 0, "", err
		}
		raw := fmt.Sprintf("cred_bench_%s_%d_%d", role, i, seed)
		sum := sha256.Sum256([]byte(raw))
		if err := store.CreateToken(ctx, &models.APIToken{UserID: u.ID, Name: "bench", TokenHash: hex.EncodeToString(sum[:]), CreatedAt: time.Now().UTC()}); err != nil {
			return 0, "", err
		}
		return u.ID, raw, nil
	}
	var reviewerIDs []int64
	for i := 0; i < sc.Reviewers; i++ {
		id, tok, err := mkUser("reviewer", i)
		if err != nil {
			return nil, err
		}
		reviewerIDs = append(reviewerIDs, id)
		c.ReviewerTokens = append(c.ReviewerTokens, tok)
	}
	for i := 0; i < sc.Researchers; i++ {
		_, tok, err := mkUser("researcher", i)
		if err != nil {
			return nil, err
		}
		c.ResearcherTokens = append(c.ResearcherTokens, tok)
	}
	for i := 0; i < sc.Outlets; i++ {
		o := &models.Outlet{Name: fmt.Sprintf("Bench Outlet %d", i), Domains: []string{fmt.Sprintf("outlet%d.bench.example", i)}}
		if err := store.CreateOutlet(ctx, 0, o); err != nil {
			return nil, err
		}
		c.OutletIDs = append(c.OutletIDs, o.ID)
	}
	// Annotations are made with their articles, while the text is at hand, so that each one's
	// exact quote is the real text of its span.
	const batch = 1000
	now := time.Now().UTC()
	labels := annotate.Labels
	remaining := sc.Annotations
	for done := 0; done < sc.Articles; done += batch {
		n := min(batch, sc.Articles-done)
		as := make([]models.Article, n)
		for i := range as {
			text := words(r, sc.WordsPer)
			pub := now.Add(-time.Duration(r.IntN(365*24)) * time.Hour)
			as[i] = models.Article{OutletID: c.OutletIDs[r.IntN(len(c.OutletIDs))], Title: fmt.Sprintf("Bench article %d", done+i),
				URL: fmt.Sprintf("https://bench.example/a/%d/%d", seed, done+i), Text: text, TextSHA256: annotate.TextSHA256(text),
				TextLength: annotate.CodePoints(text), PublishedAt: &pub, CreatedAt: now}
		}
		if err := store.SeedArticles(ctx, as); err != nil {
			return nil, err
		}
		want := remaining * n / max(1, sc.Articles-done)
		remaining -= want
		ns := make([]models.Annotation, 0, want)
		texts := make([]*annotate.Text, len(as))
		pairs := make([][2]int, len(as))
		if sc.Reviewed {
			for i := range pairs {
				a := r.IntN(len(reviewerIDs))
				pairs[i] = [2]int{a, (a + 1 + r.IntN(len(reviewerIDs)-1)) % len(reviewerIDs)}
			}
		}
		for i := 0; i < want; i++ {
			k := r.IntN(len(as))
			reviewer := reviewerIDs[r.IntN(len(reviewerIDs))]
			if sc.Reviewed {
				reviewer = reviewerIDs[pairs[k][i%2]]
			}
			a := &as[k]
			if texts[k] == nil {
				texts[k] = annotate.NewText(a.Text)
			}
			t := texts[k]
			start := r.IntN(max(1, t.Len()-40))
			end := min(t.Len(), start+5+r.IntN(35))
			q, err := t.Anchor(start, end, nil)
			if err != nil {
				return nil, err
			}
			ns = append(ns, models.Annotation{ArticleID: a.ID, UserID: reviewer, Label: string(labels[r.IntN(len(labels))]),
				Start: start, End: end, Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix, Status: "anchored", Version: 1, CreatedAt: now, UpdatedAt: now})
		}
		if len(ns) > 0 {
			if err := store.SeedAnnotations(ctx, ns); err != nil {
				return nil, err
			}
		}
		if sc.Reviewed {
			if err := seedReviews(ctx, store, as, pairs, reviewerIDs, now); err != nil {
				return nil, err
			}
			c.ReviewersOf = append(c.ReviewersOf, pairs...)
		}
		for _, a := range as {
			c.ArticleIDs = append(c.ArticleIDs, a.ID)
			c.ArticleLen[a.ID] = a.TextLength
		}
	}
	return c, nil
}

// seedReviews writes two finished, assigned reviews per article (pairs index reviewerIDs) in
// one multi-row INSERT: the store has no bulk path for reviews, and finishing each through the
// API would cost an hour at 100,000 articles.
func seedReviews(ctx context.Context, store *models.Store, as []models.Article, pairs [][2]int, reviewerIDs []int64, now time.Time) error {
	db, err := store.SQLDB()
	if err != nil {
		return err
	}
	var q strings.Builder
	q.WriteString("INSERT INTO reviews (article_id, user_id, assigned, assigned_at, completed_at, updated_at) VALUES ")
	args := make([]any, 0, len(as)*2*6)
	for i, a := range as {
		for _, k := range pairs[i] {
			if len(args) > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(")
			for j := range 6 {
				if j > 0 {
					q.WriteString(", ")
				}
				if store.Dialect() == "postgres" {
					fmt.Fprintf(&q, "$%d", len(args)+j+1)
				} else {
					q.WriteString("?")
				}
			}
			q.WriteString(")")
			args = append(args, a.ID, reviewerIDs[k], true, now, now, now)
		}
	}
	if _, err := db.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("seed reviews: %w", err)
	}
	return nil
}
