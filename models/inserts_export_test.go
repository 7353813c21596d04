package models

// SetGormInserts makes s store an import's articles by gorm's INSERT (true) instead of COPY
// on PostgreSQL, for comparing the two.
func SetGormInserts(s *Store, v bool) { s.gormInserts = v }
