// Package suggest proposes passages for reviewers to confirm instead of hunting for them: sourced
// facts, speculation, opinion and loaded language.
//
// Suggestions are never scores. They are hints that a reviewer accepts (and only then do they become
// annotations) or ignores. Two kinds of Suggester exist: Rules, a deterministic rule-based suggester
// driven by curated word lists embedded from lexicon/*.tsv, and HTTPSuggester, which asks an external
// model over the JSON protocol described in PROTOCOL.md. Combine merges several of them.
//
// All offsets are Unicode code point offsets into the text, end exclusive, the same unit as the
// public API; Exact is always the text between them.
//
// Evaluate measures a Suggester against hand-labelled gold passages; EVALUATION.md records the
// figures for the built-in rules on the project's seed articles.
package suggest
