package splitmix

import "testing"

// TestMix64ReferenceOutputs: the first outputs of SplitMix64 seeded with 0, as the reference
// implementation (Vigna's splitmix64.c) prints them.
func TestMix64ReferenceOutputs(t *testing.T) {
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	var state uint64
	for i, w := range want {
		state += Gamma
		if got := Mix64(state); got != w {
			t.Errorf("output %d: %#x, want %#x", i, got, w)
		}
	}
}
