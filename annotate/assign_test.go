package annotate_test

import (
	"reflect"
	"testing"

	"github.com/credence-project/credence/annotate"
)

func TestPlanAssignments(t *testing.T) {
	type pair = [2]int64
	pairs := func(as []annotate.Assignment) []pair {
		var out []pair
		for _, a := range as {
			out = append(out, pair{a.ArticleID, a.ReviewerID})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		articles []int64
		pool     []int64
		per      int
		holders  map[int64][]int64
		load     map[int64]int
		want     []pair
	}{
		{"OK round robin with ties to the lower id", []int64{1, 2, 3, 4}, []int64{10, 20}, 1, nil, nil,
			[]pair{{1, 10}, {2, 20}, {3, 10}, {4, 20}}},
		{"OK least loaded first", []int64{1, 2}, []int64{10, 20, 30}, 1, nil, map[int64]int{10: 2, 20: 1},
			[]pair{{1, 30}, {2, 20}}},
		{"OK two per article", []int64{1, 2, 3}, []int64{10, 20, 30}, 2, nil, nil,
			[]pair{{1, 10}, {1, 20}, {2, 30}, {2, 10}, {3, 20}, {3, 30}}},
		{"OK holders count and are never chosen again", []int64{1, 2}, []int64{10, 20}, 2, map[int64][]int64{1: {10, 20}, 2: {20}}, nil,
			[]pair{{2, 10}}},
		{"OK a fully held article gets nobody", []int64{1}, []int64{10, 20}, 1, map[int64][]int64{1: {20}}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := tc.load
			if load == nil {
				load = map[int64]int{}
			}
			got := pairs(annotate.PlanAssignments(tc.articles, tc.pool, tc.per, tc.holders, load))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("plan = %v, want %v", got, tc.want)
			}
		})
	}
}
