// Package reprint credits every passage of an article to the outlet that
// wrote it (DESIGN.md rules 1 and 2). It finds the two kinds of evidence that
// a passage was written elsewhere and turns them into region proposals that
// reviewers confirm or reject:
//
//   - attribution cues: the article's own words credit an outlet
//     ("according to NBC News", "The Daily Mail has the latest in the
//     case . . ."), matched against outlet names, aliases and domains —
//     FindAttributions, with FindComments for the readers' comments section;
//   - near-duplicate passages across the corpus: an Index of MinHash
//     signatures over windows of word shingles, banded for LSH, finds
//     candidate articles, and alignment recovers the exact shared passages
//     — NewIndex, Index.Add, Index.Matches;
//   - Propose combines both into proposals for one article, telling a reprint
//     (the later article copies the earlier one's outlet) from siblings (two
//     articles copying a common source they both credit).
//
// The package is pure: no HTTP, no SQL, no other project package. Types are
// plain values, so the API layer can map them to its responses and the store
// can persist the confirmed regions.
//
// # Offsets
//
// Every offset is a Unicode code point offset into Article.Text (NFC, \n line
// endings), end exclusive, as in the rest of the service. Matching works on
// normalised words (case, apostrophe, quote and dash styles, ellipses and
// whitespace folded; see tokenize), each word keeping its code point span, so
// spans always point at the exact original characters.
//
// # Typical use
//
//	ix := reprint.NewIndex(reprint.Config{}) // at start-up: Add every stored article
//	ix.Add(article)                           // on import
//	atts := reprint.FindAttributions(article.Text, outlets, article.OutletID)
//	matches := ix.Matches(article)
//	others := map[int64]reprint.Article{}     // the articles named by matches
//	for _, m := range matches {
//		others[m.OtherArticleID], _ = ix.Get(m.OtherArticleID)
//	}
//	proposals := reprint.Propose(article, outlets, atts, matches, others)
//
// # Index persistence
//
// An Index lives in memory. Index.MarshalBinary/UnmarshalBinary save and
// restore it (keys are recomputed on load, in parallel). A service with
// several replicas keeps the keys in a shared store instead: Matcher.Keys
// gives an article's keys to store, the articles sharing at least MinKeyHits
// of them (keys held by more than MaxBucket articles left out) are the
// candidates, exactly Index.Candidates, and Matcher.Align verifies them, as
// Index.Matches does (the service does this over a database table, see
// app/reprints). BENCHMARKS.md has the rates.
//
// # Keys
//
// An article's keys are one per band for every window of WindowShingles
// shingles, thinned by winnowing: per band, only the least key of every
// WinnowWindows consecutive windows is kept, about 180 keys for a 600-word
// article instead of the ~690 of the full key set (Config.WinnowWindows).
// Two texts sharing an unchanged run of 21 words (ShingleWords +
// WindowShingles + WinnowWindows - 2) always share Bands kept keys, so they
// are always candidates; shorter and edited runs share keys by chance. The
// kept keys are a subset of the full key set (WinnowWindows 1), so a shared
// index whose older articles still hold full key sets finds new articles'
// candidates among them as well as among winnowed ones.
//
// # Quality
//
// The tests hold the detector to the seed corpus (the prosecutor's letter
// shared by 000 and 001 is linked as siblings through OK! and the Daily
// Mail; Baldwin's 11-word quotation shared by 001 and 004 is not a reprint)
// and to a synthetic corpus (package synth) with planted reprints of 40+
// words: passage recall at least 0.95 and precision at least 0.98.
package reprint
