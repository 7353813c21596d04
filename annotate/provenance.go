package annotate

import "strings"

// Where an annotation came from (DESIGN.md rule 7): pre-annotation can anchor reviewers, so
// every annotation records whether a machine suggestion made it, and which model.
const (
	OriginSuggestion = "suggestion" // created by accepting a machine suggestion
	// ModelRules and ModelExternal name the model of an accepted suggestion whose client did
	// not say: the built-in rules, or the external model service (rule "external").
	ModelRules    = "credence-rules"
	ModelExternal = "external"
	maxModelLen   = 200
)

// CodeSuggestionsHidden refuses a decision on a suggestion that the reviewer's assignment
// hides from them (a study arm without pre-annotation).
const CodeSuggestionsHidden = "suggestions_hidden"

// SuggestionModel names the model of an accepted suggestion: the one the client names (the
// suggestion's model), else derived from its rule.
func SuggestionModel(rule, model string) (string, error) {
	model = strings.TrimSpace(model)
	switch {
	case len(model) > maxModelLen:
		return "", Errorf(CodeInvalid, "model", "model is longer than %d bytes", maxModelLen)
	case model != "":
		return model, nil
	case rule == "external":
		return ModelExternal, nil
	}
	return ModelRules, nil
}
