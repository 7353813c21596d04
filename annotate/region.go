package annotate

import "slices"

// The rules of regions: what a valid region is, who may change it, and what status each reader
// sees. Which regions decide the crediting of scores is in credit.go.

// RegionInput is a region as a client sends it.
type RegionInput struct {
	Kind           *string
	Start          *int
	End            *int
	Exact          *string
	OriginOutletID *int64 // 0 or nil: no outlet (unknown origin, or readers' comments)
}

// NewRegion validates a new region: a kind, a span in the text (matching exact when given),
// and an origin outlet only for a quote. Whether that outlet exists is for the caller to check.
func NewRegion(t *Text, in RegionInput) (kind string, start, end int, origin *int64, err error) {
	if in.Kind == nil {
		return "", 0, 0, nil, Errorf(CodeInvalid, "kind", "kind is required: quote or comments")
	}
	if err := CheckRegionKind(*in.Kind); err != nil {
		return "", 0, 0, nil, err
	}
	if in.Start == nil || in.End == nil {
		return "", 0, 0, nil, Errorf(CodeInvalidSpan, "start", "start and end are required")
	}
	if _, err := t.Anchor(*in.Start, *in.End, in.Exact); err != nil {
		return "", 0, 0, nil, err
	}
	origin, err = RegionOrigin(*in.Kind, in.OriginOutletID)
	if err != nil {
		return "", 0, 0, nil, err
	}
	return *in.Kind, *in.Start, *in.End, origin, nil
}

// RegionOrigin validates the credited outlet of a region of the given kind and returns it as
// stored (nil for none): readers' comments are credited to no outlet.
func RegionOrigin(kind string, origin *int64) (*int64, error) {
	if origin == nil || *origin == 0 {
		return nil, nil
	}
	if kind == RegionComments {
		return nil, Errorf(CodeInvalid, "origin_outlet_id", "readers' comments are credited to no outlet; leave origin_outlet_id out")
	}
	if *origin < 0 {
		return nil, Errorf(CodeInvalid, "origin_outlet_id", "origin_outlet_id %d is not an outlet id", *origin)
	}
	id := *origin
	return &id, nil
}

// ParseRegionStatus validates a reviewer's decision on a region.
func ParseRegionStatus(s string) (string, error) {
	switch s {
	case StatusAccepted, StatusRejected, StatusProposed:
		return s, nil
	}
	return "", Errorf(CodeInvalid, "status", "status %q is not accepted, rejected or proposed", s)
}

// RegionOwner is what the rules need to know of a stored region.
type RegionOwner struct {
	Origin    string // OriginManual or OriginDetected
	CreatedBy int64  // the author of a manual region; 0 for a detected one
}

// RegionChange is what a reader asks to do to a region.
type RegionChange struct {
	Decide   bool // set their own status (accept, reject, or back to proposed)
	Recredit bool // change the kind or the origin outlet
	Delete   bool
}

// CheckRegionChange is the rule of who may do what to a region. A manual region belongs to its
// author: only they or an admin may change or delete it. A detected region is proposed to every
// reviewer, and each reviewer's accept or reject is their own decision, so anyone who may write
// may decide it; its kind, origin and existence are the service's finding, which only an admin
// may correct (a reviewer who disagrees rejects it and marks their own region).
func CheckRegionChange(reader Reader, r RegionOwner, ch RegionChange) error {
	if reader.Role == RoleAdmin {
		return nil
	}
	if r.Origin == OriginManual {
		if r.CreatedBy != reader.ID {
			return Errorf(CodeForbidden, "", "only the region's author or an admin may change or delete a manual region")
		}
		return nil
	}
	if ch.Recredit || ch.Delete {
		return Errorf(CodeForbidden, "", "a detected region's kind, origin and existence are changed only by an admin; reject it and mark your own region instead")
	}
	return nil
}

// RegionStatusFor is the status of a region as one reader sees it: a manual region's own status
// (its author's decision), and for a detected region the reader's own decision, or proposed
// while they have not decided. decision is "" when the reader has none.
func RegionStatusFor(r RegionOwner, stored, decision string) string {
	if r.Origin == OriginManual {
		return stored
	}
	if decision == "" {
		return StatusProposed
	}
	return decision
}

// RegionVisible is the blind-review rule for regions: every reader sees the detected regions
// (the service's proposals, each with the reader's own status); a reviewer sees only their own
// manual regions, before and after finishing, because regions decide the crediting and are
// adjudicated by curators, not compared by reviewers; other roles see every manual region.
func RegionVisible(reader Reader, r RegionOwner) bool {
	if r.Origin != OriginManual || reader.Role != RoleReviewer {
		return true
	}
	return r.CreatedBy == reader.ID
}

// RegionHolders lists the reviewers who stand behind a region, for the crediting rule: the
// author of a manual region while its status is accepted, and every reviewer who accepted a
// detected one (decisions: reviewer id → their status). Undecided and rejected count for none.
func RegionHolders(r RegionOwner, stored string, decisions map[int64]string) []int64 {
	if r.Origin == OriginManual {
		if r.CreatedBy != 0 && stored == StatusAccepted {
			return []int64{r.CreatedBy}
		}
		return nil
	}
	var out []int64
	for id, st := range decisions {
		if st == StatusAccepted {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
