package score

import _ "embed"

// MethodologyVersion names the methodology every figure of this package follows. It changes
// whenever a formula or default changes, so cached ArticleResults and published exports can say
// which rules produced them.
const MethodologyVersion = "Methodology v2, 2026-12-01"

// MethodologyHTML is the methodology page: an HTML fragment (no scripts, no external resources)
// stating every formula and default, for the service to serve at /methodology and for
// researchers to cite.
//
//go:embed methodology.html
var MethodologyHTML string
