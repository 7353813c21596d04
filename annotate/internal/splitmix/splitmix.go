// Package splitmix holds the SplitMix64 output function (Steele, Lea & Flood 2014), shared by
// the bootstrap's generator (annotate/score), which the methodology page states so that a
// researcher can reproduce the intervals, and the MinHash row permutations (annotate/reprint).
package splitmix

// Mix64 is the SplitMix64 finaliser: a bijection on 64-bit words whose output bits all depend
// on all input bits. SplitMix64's n-th output is Mix64(seed + n*Gamma).
func Mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Gamma is SplitMix64's increment between states.
const Gamma = 0x9e3779b97f4a7c15
