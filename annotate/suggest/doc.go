// Package suggest proposes passages for reviewers to confirm instead of hunting for them: sourced
// facts, speculation, opinion and loaded language.
//
// Suggestions are never scores. They are hints that a reviewer accepts (and only then do they become
// annotations) or ignores. Three kinds of Suggester exist. Learned, the default, scores sentences
// (sourced fact, speculation, opinion) and words (loaded language) with one logistic regression per
// label, trained by Train from public human-labelled data (MODEL.md) and embedded in the binary;
// the word-list rules are among its features, and the rules that measured precise enough suggest
// beside it. Rules is the deterministic rule-based suggester driven by curated word lists embedded
// from lexicon/*.tsv; it serves a label whose learned model is switched off. HTTPSuggester asks an
// external model over the JSON protocol described in PROTOCOL.md. Combine merges several of them.
//
// All offsets are Unicode code point offsets into the text, end exclusive, the same unit as the
// public API; Exact is always the text between them.
//
// Evaluate measures a Suggester against hand-labelled gold passages; EvaluateModel measures the
// learned models on the held-out test parts of the training data (EVALUATION.md). Retrain adapts
// the built-in model to the project's own finished reviews.
package suggest
