package annotate_test

import (
	"strings"
	"testing"

	"github.com/credence-project/credence/annotate"
)

func ptr[T any](v T) *T { return &v }

func TestNewAnnotation(t *testing.T) {
	text := annotate.NewText("The FBI report stated “it” 🙄 was real.")
	long := strings.Repeat("x", annotate.MaxNoteLen+1)
	for _, tc := range []struct {
		name string
		in   annotate.AnnotationInput
		code string // "" when valid
	}{
		{"OK minimal", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3)}, ""},
		{"OK with exact, note and source", annotate.AnnotationInput{Label: ptr("sourced_fact"), Start: ptr(4), End: ptr(14), Exact: ptr("FBI report"),
			Note: ptr("named"), Source: &annotate.Source{Text: " FBI ", URL: "https://fbi.example/r"}}, ""},
		{"OK an empty source is none", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3), Source: &annotate.Source{}}, ""},
		{"ErrNoLabel", annotate.AnnotationInput{Start: ptr(0), End: ptr(3)}, annotate.CodeInvalidLabel},
		{"ErrUnknownLabel", annotate.AnnotationInput{Label: ptr("propaganda"), Start: ptr(0), End: ptr(3)}, annotate.CodeInvalidLabel},
		{"ErrNoSpan", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0)}, annotate.CodeInvalidSpan},
		{"ErrEmptySpan", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(3), End: ptr(3)}, annotate.CodeInvalidSpan},
		{"ErrPastEnd", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(text.Len() + 1)}, annotate.CodeInvalidSpan},
		{"ErrQuoteMismatch", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3), Exact: ptr("A")}, annotate.CodeQuoteMismatch},
		{"ErrLongNote", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3), Note: &long}, annotate.CodeInvalid},
		{"ErrBlankSource", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3), Source: &annotate.Source{Text: "  "}}, annotate.CodeInvalid},
		{"ErrSourceURL", annotate.AnnotationInput{Label: ptr("opinion"), Start: ptr(0), End: ptr(3), Source: &annotate.Source{Text: "x", URL: "javascript:alert(1)"}}, annotate.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := annotate.NewAnnotation(text, tc.in)
			if got := annotate.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && (a.Quote.Exact != text.Slice(a.Start, a.End) || string(a.Label) != *tc.in.Label) {
				t.Fatalf("annotation %+v", a)
			}
		})
	}
	a, err := annotate.NewAnnotation(text, annotate.AnnotationInput{Label: ptr("sourced_fact"), Start: ptr(4), End: ptr(14), Source: &annotate.Source{Text: "FBI"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK patch keeps what it does not name", func(t *testing.T) {
		b, err := a.Patch(text, annotate.AnnotationInput{Note: ptr("n")})
		if err != nil || b.Label != a.Label || b.Start != 4 || b.Source == nil || b.Note != "n" {
			t.Fatalf("%+v %v", b, err)
		}
	})
	t.Run("OK patch moves and re-anchors", func(t *testing.T) {
		b, err := a.Patch(text, annotate.AnnotationInput{Start: ptr(0), End: ptr(3), Exact: ptr("The")})
		if err != nil || b.Quote.Exact != "The" || b.Quote.Prefix != "" || !strings.HasPrefix(b.Quote.Suffix, " FBI") {
			t.Fatalf("%+v %v", b, err)
		}
	})
	t.Run("OK patch with an empty source removes it", func(t *testing.T) {
		if b, err := a.Patch(text, annotate.AnnotationInput{Source: &annotate.Source{}}); err != nil || b.Source != nil {
			t.Fatalf("%+v %v", b, err)
		}
	})
	t.Run("ErrPatchExactChecksTheKeptSpan", func(t *testing.T) {
		if _, err := a.Patch(text, annotate.AnnotationInput{Exact: ptr("CIA report")}); annotate.ErrorCode(err) != annotate.CodeQuoteMismatch {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrPatchPastEnd", func(t *testing.T) {
		if _, err := a.Patch(text, annotate.AnnotationInput{End: ptr(999)}); annotate.ErrorCode(err) != annotate.CodeInvalidSpan {
			t.Fatalf("%v", err)
		}
	})
}

func TestNewRegion(t *testing.T) {
	text := annotate.NewText("Intro. Quoted passage here. Comments: lol")
	for _, tc := range []struct {
		name string
		in   annotate.RegionInput
		code string
		want *int64
	}{
		{"OK quote with origin", annotate.RegionInput{Kind: ptr("quote"), Start: ptr(7), End: ptr(27), OriginOutletID: ptr[int64](5)}, "", ptr[int64](5)},
		{"OK quote of unknown origin", annotate.RegionInput{Kind: ptr("quote"), Start: ptr(7), End: ptr(27), OriginOutletID: ptr[int64](0)}, "", nil},
		{"OK comments", annotate.RegionInput{Kind: ptr("comments"), Start: ptr(28), End: ptr(41)}, "", nil},
		{"ErrNoKind", annotate.RegionInput{Start: ptr(0), End: ptr(3)}, annotate.CodeInvalid, nil},
		{"ErrKind", annotate.RegionInput{Kind: ptr("ad"), Start: ptr(0), End: ptr(3)}, annotate.CodeInvalid, nil},
		{"ErrNoSpan", annotate.RegionInput{Kind: ptr("quote")}, annotate.CodeInvalidSpan, nil},
		{"ErrSpan", annotate.RegionInput{Kind: ptr("quote"), Start: ptr(0), End: ptr(300)}, annotate.CodeInvalidSpan, nil},
		{"ErrExact", annotate.RegionInput{Kind: ptr("quote"), Start: ptr(0), End: ptr(5), Exact: ptr("Outro")}, annotate.CodeQuoteMismatch, nil},
		{"ErrCommentsCredits", annotate.RegionInput{Kind: ptr("comments"), Start: ptr(0), End: ptr(3), OriginOutletID: ptr[int64](5)}, annotate.CodeInvalid, nil},
		{"ErrNegativeOrigin", annotate.RegionInput{Kind: ptr("quote"), Start: ptr(0), End: ptr(3), OriginOutletID: ptr[int64](-2)}, annotate.CodeInvalid, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, origin, err := annotate.NewRegion(text, tc.in)
			if got := annotate.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if (origin == nil) != (tc.want == nil) || origin != nil && *origin != *tc.want {
				t.Fatalf("origin %v, want %v", origin, tc.want)
			}
		})
	}
}

func TestRegionRules(t *testing.T) {
	ann := annotate.Reader{ID: 1, Role: annotate.RoleReviewer}
	bob := annotate.Reader{ID: 2, Role: annotate.RoleReviewer}
	adm := annotate.Reader{ID: 3, Role: annotate.RoleAdmin}
	res := annotate.Reader{ID: 4, Role: annotate.RoleResearcher}
	annsManual := annotate.RegionOwner{Origin: annotate.OriginManual, CreatedBy: 1}
	detected := annotate.RegionOwner{Origin: annotate.OriginDetected}
	decide := annotate.RegionChange{Decide: true}
	recredit := annotate.RegionChange{Recredit: true}
	del := annotate.RegionChange{Delete: true}
	for _, tc := range []struct {
		name   string
		reader annotate.Reader
		r      annotate.RegionOwner
		ch     annotate.RegionChange
		ok     bool
	}{
		{"OK the author changes their manual region", ann, annsManual, recredit, true},
		{"OK the author deletes their manual region", ann, annsManual, del, true},
		{"ErrAnotherReviewerChangesIt", bob, annsManual, recredit, false},
		{"ErrAnotherReviewerDecidesIt", bob, annsManual, decide, false},
		{"ErrAnotherReviewerDeletesIt", bob, annsManual, del, false},
		{"OK an admin changes anyone's", adm, annsManual, del, true},
		{"OK every reviewer decides a detected region", bob, detected, decide, true},
		{"ErrReviewerRecreditsADetectedRegion", bob, detected, recredit, false},
		{"ErrReviewerDeletesADetectedRegion", ann, detected, del, false},
		{"OK an admin corrects a detected region", adm, detected, recredit, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := annotate.CheckRegionChange(tc.reader, tc.r, tc.ch)
			if (err == nil) != tc.ok || err != nil && annotate.ErrorCode(err) != annotate.CodeForbidden {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if got := annotate.RegionStatusFor(detected, annotate.StatusAccepted, ""); got != annotate.StatusProposed {
		t.Fatalf("undecided detected region shows %q: another reviewer's decision leaked", got)
	}
	if got := annotate.RegionStatusFor(detected, annotate.StatusProposed, annotate.StatusRejected); got != annotate.StatusRejected {
		t.Fatalf("own decision shows as %q", got)
	}
	if got := annotate.RegionStatusFor(annsManual, annotate.StatusAccepted, ""); got != annotate.StatusAccepted {
		t.Fatalf("manual region shows %q", got)
	}
	if annotate.RegionVisible(bob, annsManual) || !annotate.RegionVisible(ann, annsManual) || !annotate.RegionVisible(bob, detected) ||
		!annotate.RegionVisible(res, annsManual) || !annotate.RegionVisible(adm, annsManual) {
		t.Fatal("region visibility: a reviewer sees only their own manual regions and every detected one; other roles see all")
	}
}

func TestReviewRules(t *testing.T) {
	rev := annotate.Reader{ID: 1, Role: annotate.RoleReviewer}
	adm := annotate.Reader{ID: 3, Role: annotate.RoleAdmin}
	res := annotate.Reader{ID: 4, Role: annotate.RoleResearcher}
	open := annotate.Review{Annotations: 2}
	done := annotate.Review{Completed: true, Annotations: 2}
	frozen := annotate.Review{Completed: true, ViewedOthers: true}
	t.Run("Status", func(t *testing.T) {
		for r, want := range map[annotate.Review]string{{}: "todo", open: "in_progress", done: "completed", frozen: "completed"} {
			if got := r.Status(); got != want {
				t.Errorf("%+v: %q, want %q", r, got, want)
			}
		}
	})
	t.Run("AnnotationScope", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			reader annotate.Reader
			r      annotate.Review
			asked  int64
			want   int64
			code   string
		}{
			{"OK a blind reviewer sees their own", rev, open, 0, 1, ""},
			{"OK a blind reviewer asks for their own", rev, open, 1, 1, ""},
			{"ErrBlindReviewerAsksForAnother", rev, open, 2, 0, annotate.CodeBlindReview},
			{"OK a finished reviewer sees everyone's", rev, done, 0, 0, ""},
			{"OK a finished reviewer asks for one", rev, done, 2, 2, ""},
			{"OK a researcher sees everyone's", res, annotate.Review{}, 0, 0, ""},
			{"OK an admin asks for one", adm, annotate.Review{}, 2, 2, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := annotate.AnnotationScope(tc.reader, tc.r, tc.asked)
				if annotate.ErrorCode(err) != tc.code || got != tc.want {
					t.Fatalf("scope %d, %v; want %d, %q", got, err, tc.want, tc.code)
				}
			})
		}
	})
	t.Run("Writes", func(t *testing.T) {
		for _, tc := range []struct {
			name        string
			reader      annotate.Reader
			r           annotate.Review
			write, open string // the codes of CheckWrite and CheckReopen
		}{
			{"OK an open review takes writes", rev, open, "", ""},
			{"ErrFinishedReviewTakesNoWrites", rev, done, annotate.CodeReviewCompleted, ""},
			{"ErrFrozenReview", rev, frozen, annotate.CodeReviewLocked, annotate.CodeReviewLocked},
			{"OK an admin is never frozen", adm, frozen, annotate.CodeReviewCompleted, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := annotate.ErrorCode(annotate.CheckWrite(tc.reader, tc.r)); got != tc.write {
					t.Errorf("write: %q, want %q", got, tc.write)
				}
				if got := annotate.ErrorCode(annotate.CheckReopen(tc.reader, tc.r)); got != tc.open {
					t.Errorf("reopen: %q, want %q", got, tc.open)
				}
			})
		}
	})
	t.Run("SeesOthers", func(t *testing.T) {
		if rev.SeesOthers(open, 2) {
			t.Error("a blind review is never shown the others: nothing to record")
		}
		if !rev.SeesOthers(done, 1, 2) || rev.SeesOthers(done, 1, 1) || rev.SeesOthers(done) {
			t.Error("a finished reviewer sees others exactly when an answer holds someone else's work")
		}
		if !rev.SeesOthers(frozen, 2) || adm.SeesOthers(done, 2) {
			t.Error("every showing is recorded (the first is kept); never for a role that is not blind")
		}
	})
}
