package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/credence-project/credence/models"
)

// jsonldExport writes a W3C Web Annotation AnnotationCollection whose first (and only)
// AnnotationPage is embedded and holds every annotation, streamed item by item.
type jsonldExport struct {
	w     io.Writer
	base  string // the service's address: annotation and creator ids live under it
	self  string // this export's address: the collection's id
	count int
}

func (e *jsonldExport) begin(total int64) error {
	head := map[string]any{
		"@context": webAnnoContext, "id": e.self, "type": "AnnotationCollection",
		"label": "Credence annotations", "total": total,
	}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	page, err := json.Marshal(map[string]any{"id": e.self + "#page-1", "type": "AnnotationPage", "partOf": e.self, "startIndex": 0})
	if err != nil {
		return err
	}
	// {...head, "first": {...page, "items": [
	_, err = fmt.Fprintf(e.w, "%s,\"first\":%s,\"items\":[\n", b[:len(b)-1], page[:len(page)-1])
	return err
}

// webAnnotation is one annotation in the Web Annotation Data Model.
type webAnnotation struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Motivation string    `json:"motivation"`
	Body       []any     `json:"body"`
	Target     waTarget  `json:"target"`
	Creator    waCreator `json:"creator"`
	// Generator is the machine suggester whose suggestion the creator accepted (origin
	// "suggestion"); absent for an annotation typed by hand.
	Generator *waCreator `json:"generator,omitempty"`
	Created   string     `json:"created"`
	Modified  string     `json:"modified"`
}

type waTarget struct {
	Source   string `json:"source"`
	Selector []any  `json:"selector"`
}

type waCreator struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

type waTextualBody struct {
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
	Value   string `json:"value"`
	Format  string `json:"format"`
}

type waQuoteSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
}

type waPositionSelector struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

func (e *jsonldExport) write(r *exportRecord) error {
	body := []any{waTextualBody{Type: "TextualBody", Purpose: "tagging", Value: r.Label, Format: "text/plain"}}
	if r.Note != "" {
		body = append(body, waTextualBody{Type: "TextualBody", Purpose: "commenting", Value: r.Note, Format: "text/plain"})
	}
	if r.SourceText != "" {
		body = append(body, waTextualBody{Type: "TextualBody", Purpose: "describing", Value: r.SourceText, Format: "text/plain"})
	}
	if r.SourceURL != "" {
		body = append(body, map[string]string{"type": "SpecificResource", "purpose": "linking", "source": r.SourceURL})
	}
	source := r.ArticleURL
	if source == "" {
		source = "urn:credence:article:" + i64s(r.ArticleID)
	}
	a := webAnnotation{
		ID:         e.base + "/articles/" + i64s(r.ArticleID) + "#annotation-" + i64s(r.ID),
		Type:       "Annotation",
		Motivation: "tagging",
		Body:       body,
		Target: waTarget{Source: source, Selector: []any{
			waQuoteSelector{Type: "TextQuoteSelector", Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix},
			waPositionSelector{Type: "TextPositionSelector", Start: r.Start, End: r.End},
		}},
		Creator:  waCreator{ID: e.base + "/api/v1/users/" + i64s(r.UserID), Type: "Person", Name: r.User},
		Created:  r.CreatedAt.Format(time.RFC3339),
		Modified: r.UpdatedAt.Format(time.RFC3339),
	}
	if r.Origin == models.OriginSuggestion {
		a.Generator = &waCreator{ID: "urn:credence:suggestion-model:" + url.PathEscape(r.SuggestionModel), Type: "Software", Name: r.SuggestionModel}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if e.count > 0 {
		if _, err := io.WriteString(e.w, ",\n"); err != nil {
			return err
		}
	}
	e.count++
	_, err = e.w.Write(b)
	return err
}

func (e *jsonldExport) end() error {
	_, err := io.WriteString(e.w, "\n]}}\n")
	return err
}
