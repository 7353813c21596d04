package models

import "context"

// Test hooks for models_test (TestOwnUntilDoneMatchesTheFilter).

// OwnUntilDoneQuery is ownUntilDoneQuery.
var OwnUntilDoneQuery = ownUntilDoneQuery

// AnnotationListQuery is annotationListQuery.
var AnnotationListQuery = annotationListQuery

// QueryAnnotations runs an annotation list query (? placeholders, annotationFields' columns)
// on the store's reader pool.
func (s *Store) QueryAnnotations(ctx context.Context, q string, args ...any) ([]Annotation, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Annotation
	for rows.Next() {
		var a Annotation
		if err := scanAnnotation(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
