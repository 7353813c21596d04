package annotate

// The consensus layer (DESIGN.md rule 8): reviewers annotate in the review layer, each on
// their own; curators adjudicate their finished work into one consensus layer per article,
// the gold standard researchers can score and download. These are the rules of who writes
// which layer.

// Layers of annotations and regions.
const (
	LayerReview    = "review"
	LayerConsensus = "consensus"
)

// Codes of the consensus rules.
const (
	// CodeNotReady: a curator asking for an article some assigned reviewer has not finished
	// (and that no admin opened to curators) (403).
	CodeNotReady = "not_ready"
	// CodeAdjudicated: a change to the consensus of an article marked adjudicated; reopen the
	// adjudication first (409).
	CodeAdjudicated = "adjudicated"
)

// ParseLayer validates a layer sent by a client; "" is the review layer.
func ParseLayer(s string) (string, error) {
	switch s {
	case "", LayerReview:
		return LayerReview, nil
	case LayerConsensus:
		return LayerConsensus, nil
	}
	return "", Errorf(CodeInvalid, "layer", "layer %q is not review or consensus", s)
}

// WriteLayer is the layer a reader's create goes to, given the layer asked for: reviewers
// write only their review, curators only the consensus, admins either.
func WriteLayer(rd Reader, asked string) (string, error) {
	layer, err := ParseLayer(asked)
	if err != nil {
		return "", err
	}
	switch {
	case rd.Role == RoleCurator && layer != LayerConsensus:
		return "", Errorf(CodeForbidden, "layer", `curators annotate only in the consensus layer: send "layer": "consensus"`)
	case layer == LayerConsensus && rd.Role != RoleCurator && rd.Role != RoleAdmin:
		return "", Errorf(CodeForbidden, "layer", "only curators and admins write the consensus layer")
	}
	return layer, nil
}

// MayChange is who may change or delete an annotation or region of the given layer and
// author: its author or an admin; in the consensus layer, which curators build together, any
// curator too. A curator never changes a reviewer's work.
func MayChange(rd Reader, layer string, author int64) error {
	switch {
	case rd.Role == RoleAdmin:
		return nil
	case layer == LayerConsensus:
		if rd.Role == RoleCurator {
			return nil
		}
	case rd.Role != RoleCurator && author == rd.ID:
		return nil
	}
	return Errorf(CodeForbidden, "", "only its author, an admin or (in the consensus layer) a curator may change it")
}

// CheckConsensusWrite refuses changes to the consensus of an adjudicated article.
func CheckConsensusWrite(adjudicated bool) error {
	if adjudicated {
		return Errorf(CodeAdjudicated, "", "the article is adjudicated; reopen the adjudication (DELETE /api/v1/articles/{id}/complete?layer=consensus) to change its consensus")
	}
	return nil
}
