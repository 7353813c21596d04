package models

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestSQLiteTime: sqliteTime reads the text of a DATETIME column as the SQLite driver reads
// the column itself, for what the driver writes and for every other form it accepts.
func TestSQLiteTime(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE times (id INTEGER PRIMARY KEY, at DATETIME)"); err != nil {
		t.Fatal(err)
	}
	paris := time.FixedZone("", 2*3600)
	written := []any{ // bound as time.Time: the driver's own layout
		time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), time.Date(2025, 3, 4, 5, 6, 7, 891000000, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.UTC), time.Date(1999, 12, 31, 22, 0, 0, 5, paris),
		time.Date(2025, 1, 1, 0, 30, 0, 0, time.FixedZone("", -(3*3600+30*60))), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	texts := []string{ // stored as text by hand
		"2025-03-04 05:06:07", "2025-03-04T05:06:07Z", "2025-03-04T05:06:07.5+01:00", "2025-03-04 05:06:07.1234567891+00:00",
		"2025-03-04 05:06:07-00:00", "2025-03-04 05:06", "2025-03-04", "2025-02-30 05:06:07+00:00", "2025-03-04 24:06:07+00:00",
		"2025-03-04 05:06:07+24:00", "2025-03-04 05:06:07,5+00:00", "2025-03-04 05:06:07.+00:00", "not a time", "",
		"1700000000", "1700000000123", "-5",
	}
	for _, v := range written {
		if _, err := db.ExecContext(ctx, "INSERT INTO times (at) VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range texts {
		if _, err := db.ExecContext(ctx, "INSERT INTO times (at) VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT at, CAST(at AS TEXT) FROM times ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var driver time.Time
		var text string
		if err := rows.Scan(&driver, &text); err != nil {
			t.Fatal(err)
		}
		n++
		got := sqliteTime(text)
		_, gotOff := got.Zone()
		_, wantOff := driver.Zone()
		if !got.Equal(driver) || gotOff != wantOff || got.Location() == time.UTC != (driver.Location() == time.UTC) {
			t.Errorf("%q: %v, the driver reads %v", text, got, driver)
		}
	}
	if err := rows.Err(); err != nil || n != len(written)+len(texts) {
		t.Fatalf("%d rows, %v", n, err)
	}
	if _, ok := parseStoredTime("2025-03-04 05:06:07.891+00:00"); !ok {
		t.Error("the driver's own layout is not on the fast path")
	}
}
