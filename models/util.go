package models

import (
	"strconv"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// trim cuts a page fetched with one extra row and reports whether more rows follow.
func trim[T any](rows []T, limit int, err error) ([]T, bool, error) {
	if err != nil {
		return nil, false, err
	}
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

func nowUTC() time.Time { return time.Now().UTC() }
