package annotate

// Label is what a reviewer says of a passage.
type Label string

// The four labels of the contract. Any other value is rejected.
const (
	SourcedFact    Label = "sourced_fact"
	Speculation    Label = "speculation"
	Opinion        Label = "opinion"
	LoadedLanguage Label = "loaded_language"
)

// Labels lists the labels in their canonical order (the order of the keys 1 to 4, of the
// score columns and of the bits of the overall-agreement category).
var Labels = []Label{SourcedFact, Speculation, Opinion, LoadedLanguage}

// NumLabels is the number of labels.
const NumLabels = 4

// Index returns the label's position in Labels, or -1 for an unknown label.
func (l Label) Index() int {
	for i, x := range Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// Valid reports whether l is one of the four labels.
func (l Label) Valid() bool { return l.Index() >= 0 }

// ParseLabel validates a label sent by a client.
func ParseLabel(s string) (Label, error) {
	for _, l := range Labels {
		if string(l) == s {
			return l, nil
		}
	}
	return "", Errorf(CodeInvalidLabel, "label", "label %q is not one of sourced_fact, speculation, opinion, loaded_language", s)
}

// Region kinds: a passage reprinted from another outlet, or readers' comments.
const (
	RegionQuote    = "quote"
	RegionComments = "comments"
)

// Region origins and statuses.
const (
	OriginManual   = "manual"
	OriginDetected = "detected"

	StatusProposed = "proposed"
	StatusAccepted = "accepted"
	StatusRejected = "rejected"
)

// Roles of accounts.
const (
	RoleAdmin      = "admin"
	RoleReviewer   = "reviewer"
	RoleResearcher = "researcher"
	// RoleCurator is a lead reviewer who adjudicates finished articles into the consensus layer.
	RoleCurator = "curator"
)

// ParseRole validates a role name.
func ParseRole(s string) (string, error) {
	switch s {
	case RoleAdmin, RoleReviewer, RoleResearcher, RoleCurator:
		return s, nil
	}
	return "", Errorf(CodeInvalid, "role", "role %q is not one of admin, reviewer, researcher, curator", s)
}
