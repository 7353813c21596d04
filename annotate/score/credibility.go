package score

// The credibility composite is linear in the four label shares:
//
//	credibility = 0.5 + 0.5·sourced_fact − 0.125·speculation − 0.125·opinion − 0.25·loaded_language
//
// Text nobody marked scores 0.5 ("no evidence either way"). Sourced facts raise the score, up to
// 1 for text that is sourced fact throughout and carries no other label. Loaded language costs
// twice as much as speculation or opinion, because opinion and speculation are legitimate when
// presented as such, while loaded language is chosen to inflame. Each share lies in [0,1] and
// the penalty weights sum to 0.5, so the score lies in [0,1] without clamping; being linear, an
// outlet's credibility is the character-weighted mean of its articles' credibilities, and the
// bootstrap interval is taken over the same resamples as the shares' intervals.
const (
	CredibilityBase           = 0.5
	CredibilitySourcedFact    = 0.5
	CredibilitySpeculation    = -0.125
	CredibilityOpinion        = -0.125
	CredibilityLoadedLanguage = -0.25
)

// credibilityWeights is indexed like AllLabels.
var credibilityWeights = PerLabel[float64]{
	CredibilitySourcedFact, CredibilitySpeculation, CredibilityOpinion, CredibilityLoadedLanguage,
}

// Credibility is the composite score of a set of label shares (see the constants above).
func Credibility(shares PerLabel[float64]) float64 {
	c := CredibilityBase
	for i, w := range credibilityWeights {
		c += w * shares[i]
	}
	return c
}
