// Package models is the persistence of the annotator: the tables as gorm models, the store
// that reads and writes them, and the versioned SQL migrations for SQLite and PostgreSQL.
// It is the only package that imports gorm.
//
// Every method that changes data takes the acting user's id and writes an audit record in
// the same transaction, so that the audit trail can never disagree with the data.
package models
