package models

import (
	"strconv"
	"strings"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// JoinIDs writes ids in decimal, separated by sep: in messages, and as the score cache's key
// of an exclusion list (ScoreCacheKey.Excluded, sorted ids joined by ",").
func JoinIDs(ids []int64, sep string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = itoa(id)
	}
	return strings.Join(s, sep)
}

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
