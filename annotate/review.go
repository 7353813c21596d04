package annotate

// The rules of independent review (DESIGN rule 7): what a reviewer may see of other reviewers'
// work on an article, when their own review is finished, and when it is frozen.

// Reader is the signed-in user a rule is applied for.
type Reader struct {
	ID   int64
	Role string
}

// Review is one reader's relation to one article, as the rules need it.
type Review struct {
	Completed bool // marked done and not reopened since
	// ViewedOthers: since finishing, the reviewer has been shown other reviewers' work on the
	// article (any route that returned it). Cleared only by an admin's reopen.
	ViewedOthers bool
	// ReopenedAfterViewing: an admin reopened the review after its reviewer had seen the others;
	// it stays marked in scores and exports however it is finished again.
	ReopenedAfterViewing bool
	Annotations          int64 // the reader's annotations on the article
}

// Review statuses: the one rule shared by the article, the queue, the completion routes and
// the admin's progress counts.
const (
	ReviewTodo       = "todo"
	ReviewInProgress = "in_progress"
	ReviewCompleted  = "completed"
)

// Status is the reviewer's progress: completed once marked done, in progress once they have
// an annotation on the article, else to do.
func (r Review) Status() string {
	switch {
	case r.Completed:
		return ReviewCompleted
	case r.Annotations > 0:
		return ReviewInProgress
	}
	return ReviewTodo
}

// Blind reports whether review is blind for this reader on the article: a reviewer who has not
// finished it sees nothing derived from other reviewers' work on it. Other roles never are.
func (rd Reader) Blind(r Review) bool { return rd.Role == RoleReviewer && !r.Completed }

// Locked reports whether the review is frozen: a finished reviewer who has been shown the
// others' work may not change their own, nor reopen it, until an admin reopens it for them.
func (rd Reader) Locked(r Review) bool {
	return rd.Role == RoleReviewer && r.Frozen()
}

// Frozen reports whether a finished review has been shown the others' work (only a reviewer's
// ever is: other roles are never blind).
func (r Review) Frozen() bool { return r.Completed && r.ViewedOthers }

// AnnotationScope is the blind-review rule for annotations: whose annotations the reader may
// see on an article, given their review of it and the reviewer asked for (0: everyone's). The
// answer is the user id to narrow the list to, 0 for everyone's. A blind reader sees only their
// own, and asking for another reviewer's is refused.
func AnnotationScope(rd Reader, r Review, userID int64) (int64, error) {
	if !rd.Blind(r) || userID == rd.ID {
		return userID, nil
	}
	if userID != 0 {
		return 0, Errorf(CodeBlindReview, "user_id", "other reviewers' annotations are hidden until you mark the article done")
	}
	return rd.ID, nil
}

// SeesOthers reports whether an answer holding work by the given owners shows a finished
// reviewer other reviewers' work, which freezes their review (see CheckWrite). The caller
// records it before answering, every time (the first time is kept), so that a review reopened
// meanwhile is never shown the others.
func (rd Reader) SeesOthers(r Review, owners ...int64) bool {
	if rd.Role != RoleReviewer || !r.Completed {
		return false
	}
	for _, o := range owners {
		if o != rd.ID {
			return true
		}
	}
	return false
}

// CheckWrite is the rule for a reader changing their own annotations and regions on an
// article (creating, changing, deleting, deciding a region or a suggestion): a finished review
// accepts no writes until it is reopened, and a frozen one cannot be reopened by its reviewer.
func CheckWrite(rd Reader, r Review) error {
	if rd.Locked(r) {
		return Errorf(CodeReviewLocked, "", "your review of this article is frozen: you finished it and have seen the other reviewers' work; an admin can reopen it")
	}
	if r.Completed {
		return Errorf(CodeReviewCompleted, "", "you marked this article done; reopen it (DELETE /api/v1/articles/{id}/complete) to change your work")
	}
	return nil
}

// CheckReopen is the rule for a reviewer reopening their own finished review: allowed until
// they have seen the others' work.
func CheckReopen(rd Reader, r Review) error {
	if rd.Locked(r) {
		return Errorf(CodeReviewLocked, "", "your review of this article is frozen: you have seen the other reviewers' work since finishing it; an admin can reopen it")
	}
	return nil
}
