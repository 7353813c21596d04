package imports_test

import (
	"context"
	"strings"
	"testing"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// revisionFixture is a stored article with one reviewer's annotations on it.
type revisionFixture struct {
	store  *models.Store
	svc    *imports.Service
	outlet int64
	user   int64
}

func newRevisionFixture(t *testing.T) *revisionFixture {
	t.Helper()
	ctx := context.Background()
	st := modeltest.Open(t)
	o := &models.Outlet{Name: "Daily Example", Slug: "daily-example", Domains: []string{"daily.example"}}
	if err := st.CreateOutlet(ctx, 0, o); err != nil {
		t.Fatal(err)
	}
	u := &models.User{Email: "rev@example.org", Name: "Rev", Role: "reviewer", PasswordHash: "x"}
	if err := st.CreateUser(ctx, 0, u); err != nil {
		t.Fatal(err)
	}
	return &revisionFixture{store: st, svc: imports.New(st, nil), outlet: o.ID, user: u.ID}
}

func (f *revisionFixture) importText(t *testing.T, url, text string) imports.Report {
	t.Helper()
	line := `{"outlet_id": ` + itoa64(f.outlet) + `, "title": "T", "url": ` + quote(url) + `, "text": ` + quote(text) + "}\n"
	rep, err := f.svc.Import(context.Background(), strings.NewReader(line), imports.Options{Format: annotate.FormatNDJSON}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// annotate marks the first occurrence of exact (the nth with n > 0) in the stored text.
func (f *revisionFixture) annotate(t *testing.T, articleID int64, exact string, nth int) *models.Annotation {
	t.Helper()
	text, err := f.store.ArticleText(context.Background(), articleID)
	if err != nil {
		t.Fatal(err)
	}
	b := 0
	for i := 0; i <= nth; i++ {
		k := strings.Index(text[b:], exact)
		if k < 0 {
			t.Fatalf("%q not in the text", exact)
		}
		if i < nth {
			b += k + 1
		} else {
			b += k
		}
	}
	txt := annotate.NewText(text)
	start := annotate.CodePoints(text[:b])
	q, err := txt.Anchor(start, start+annotate.CodePoints(exact), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &models.Annotation{ArticleID: articleID, UserID: f.user, Label: "opinion", Start: start, End: start + annotate.CodePoints(exact),
		Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix}
	if err := f.store.CreateAnnotation(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func itoa64(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

const revBase = "Council approves budget 🙄 after a long night. The mayor called it “a triumph of common sense”. " +
	"Critics said the plan is reckless. Residents will vote in May. The mayor called it a win."

// TestRevisionReanchorsAnnotations: an edited re-import of a stored URL is a new revision,
// the old text is kept, and each annotation follows its passage by quote and context, with
// code point offsets (the text has an emoji before the passages), or is orphaned.
func TestRevisionReanchorsAnnotations(t *testing.T) {
	ctx := context.Background()
	f := newRevisionFixture(t)
	rep := f.importText(t, "https://daily.example/budget", revBase)
	if rep.Created != 1 {
		t.Fatalf("first import: %+v", rep)
	}
	id := rep.IDs[0]
	quoteAnn := f.annotate(t, id, "“a triumph of common sense”", 0)
	critics := f.annotate(t, id, "the plan is reckless", 0)
	vote := f.annotate(t, id, "Residents will vote in May.", 0)
	mayor2 := f.annotate(t, id, "The mayor called it", 1) // repeated: the second occurrence

	// Before the passages: a sentence and another emoji; inside one: "reckless" becomes "bold";
	// after the last: a new closing sentence.
	edited := "UPDATED 🎉: Council approves budget 🙄 after a long night. The mayor called it “a triumph of common sense”. " +
		"Critics said the plan is bold. Residents will vote in May. The mayor called it a win. Correction appended."
	rep = f.importText(t, "https://daily.example/budget", edited)
	if rep.Updated != 1 || rep.Created != 0 || rep.SkippedDuplicates != 0 || len(rep.Errors) != 0 {
		t.Fatalf("re-import with an edited text: %+v, want updated 1", rep)
	}
	a, err := f.store.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Revision != 2 || a.Text != edited {
		t.Fatalf("article after revision: revision %d, text %q", a.Revision, a.Text)
	}
	revs, err := f.store.ArticleRevisions(ctx, id)
	if err != nil || len(revs) != 1 || revs[0].Text != revBase || revs[0].Revision != 1 {
		t.Fatalf("kept revisions %+v, %v: want the old text as revision 1", revs, err)
	}
	txt := annotate.NewText(edited)
	// Where each passage now is: the edit before them moved all, the shorter word moved the
	// later ones back; the repeated one is found by its context, not by its old offset.
	wantStart := map[int64]int{
		quoteAnn.ID: quoteAnn.Start + annotate.CodePoints("UPDATED 🎉: "),
		vote.ID:     annotate.CodePoints(edited[:strings.Index(edited, "Residents")]),
		mayor2.ID:   annotate.CodePoints(edited[:strings.LastIndex(edited, "The mayor called it")]),
	}
	for _, want := range []*models.Annotation{quoteAnn, vote, mayor2} {
		got, err := f.store.Annotation(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "anchored" || got.Start != wantStart[want.ID] || txt.Slice(got.Start, got.End) != want.Exact {
			t.Errorf("annotation %q: %s at %d–%d (reads %q), want anchored at %d", want.Exact, got.Status, got.Start, got.End,
				txt.Slice(got.Start, got.End), wantStart[want.ID])
		}
		if got.Version != want.Version+1 {
			t.Errorf("annotation %q: version %d, want %d (moved)", want.Exact, got.Version, want.Version+1)
		}
	}
	got, err := f.store.Annotation(ctx, critics.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "orphaned" || got.Exact != "the plan is reckless" || got.Start != critics.Start {
		t.Errorf("edited-inside annotation: %+v, want orphaned with its old text and offsets", got)
	}

	// The same text again is a duplicate, and the revision stays.
	rep = f.importText(t, "https://daily.example/budget", edited)
	if rep.SkippedDuplicates != 1 || rep.Updated != 0 {
		t.Fatalf("same text again: %+v, want a skipped duplicate", rep)
	}
	// The text comes back: the orphan finds its passage again.
	rep = f.importText(t, "https://daily.example/budget", revBase)
	if rep.Updated != 1 {
		t.Fatalf("the old text again: %+v, want updated", rep)
	}
	if got, _ := f.store.Annotation(ctx, critics.ID); got.Status != "anchored" || got.Start != critics.Start {
		t.Errorf("orphan after its passage returned: %+v, want anchored at %d", got, critics.Start)
	}
}

// TestRevisionRepeatedPassageOrphaned: a passage that the edit makes appear twice with the
// same surroundings is ambiguous, so it is orphaned rather than moved to a guess.
func TestRevisionRepeatedPassageOrphaned(t *testing.T) {
	ctx := context.Background()
	f := newRevisionFixture(t)
	base := "Lead. The minister resigned today. Tail."
	id := f.importText(t, "https://daily.example/r", base).IDs[0]
	a := f.annotate(t, id, "The minister resigned today.", 0)
	edited := "Lead. The minister resigned today. Tail. Lead. The minister resigned today. Tail."
	if rep := f.importText(t, "https://daily.example/r", edited); rep.Updated != 1 {
		t.Fatalf("%+v", rep)
	}
	got, err := f.store.Annotation(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "orphaned" {
		t.Fatalf("ambiguous passage: %+v, want orphaned", got)
	}
}

// TestRevisionPreviewSaysUpdated: the import preview reports an edited stored URL as
// updated and stores nothing.
func TestRevisionPreviewSaysUpdated(t *testing.T) {
	ctx := context.Background()
	f := newRevisionFixture(t)
	id := f.importText(t, "https://daily.example/p", "One text.").IDs[0]
	line := `{"outlet_id": ` + itoa64(f.outlet) + `, "title": "T", "url": "https://daily.example/p", "text": "Another text."}` + "\n"
	rep, err := f.svc.Import(ctx, strings.NewReader(line), imports.Options{Format: annotate.FormatNDJSON, DryRun: true}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 1 || rep.Items[0].Status != "updated" || rep.Items[0].ExistingID != id {
		t.Fatalf("preview %+v, want one updated item of article %d", rep.Items, id)
	}
	if a, _ := f.store.Article(ctx, id); a.Revision != 1 || a.Text != "One text." {
		t.Fatalf("the preview changed the article: %+v", a)
	}
}
