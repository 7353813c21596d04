//go:build race

package reprint_test

// raceEnabled lets the full-size quality test step aside under -race, where
// it is several times slower; the small one still runs.
const raceEnabled = true
