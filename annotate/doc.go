// Package annotate is the domain of the credibility annotator: the four labels, text
// normalisation, code point spans and their anchoring (W3C TextQuoteSelector), and the
// validation of annotations, regions and imported articles.
//
// It knows nothing of HTTP or SQL. Sub-packages hold the larger pieces of the domain:
// reprint (crediting reprinted passages), score (outlet scores and agreement) and suggest
// (machine suggestions). The api package wires them to the models package.
package annotate
