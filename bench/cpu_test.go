package bench

import (
	"os"
	"strings"
	"testing"
)

// TestCPUMeterParsing: the process's times are read after the last parenthesis of its name
// (which may hold both), in USER_HZ; backends are told by their database's name in their
// title; a phase's CPU counts only what grew, backends that appeared from zero.
func TestCPUMeterParsing(t *testing.T) {
	stat := "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 8 0 100 1000 100 18446744073709551615"
	if v, ok := parseStatCPU(stat); !ok || v != 3.25 {
		t.Errorf("parseStatCPU = %v, %v; want 3.25 s (250+75 ticks)", v, ok)
	}
	for _, bad := range []string{"", "4242 (x) S 1 2", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 x 75"} {
		if _, ok := parseStatCPU(bad); ok {
			t.Errorf("parseStatCPU(%q) read a time", bad)
		}
	}
	for cmd, want := range map[string]bool{
		"postgres: postgres reads_bench 127.0.0.1(51234) idle":     true,
		"postgres: postgres reads_bench [local] SELECT":            true,
		"postgres: postgres reads_bench_2 127.0.0.1(51234) idle":   false,
		"postgres: checkpointer ":                                  false,
		"/usr/lib/postgresql/15/bin/postgres\x00-D\x00reads_bench": false,
		"credence\x00serve\x00--db\x00reads_bench":                 false,
	} {
		if got := isBackendOf(cmd, "reads_bench"); got != want {
			t.Errorf("isBackendOf(%q) = %v", cmd, got)
		}
	}
	if m := newCPUMeter("postgres://u@127.0.0.1:5432/reads_bench?sslmode=disable", nil); m.db != "reads_bench" {
		t.Errorf("database of the DSN: %q", m.db)
	}
	if m := newCPUMeter("/tmp/x/bench.db", nil); m.db != "" {
		t.Errorf("a SQLite path names database %q", m.db)
	}
	before := cpuSample{service: 1, backends: map[int]float64{10: 2, 11: 5}}
	after := cpuSample{service: 3.5, backends: map[int]float64{10: 2.5, 11: 5, 12: 1}}
	if c := after.since(before); c.ServiceSeconds != 2.5 || c.PostgresSeconds != 1.5 || c.Backends != 2 {
		t.Errorf("since = %+v, want service 2.5 s, PostgreSQL 1.5 s over 2 backends", c)
	}
	if s := (CPU{ServiceSeconds: 2, PostgresSeconds: 3, Backends: 4}).String(10000); !strings.Contains(s, "200 µs") || !strings.Contains(s, "together 500 µs") {
		t.Errorf("String = %q", s)
	}
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		if _, ok := procCPU(os.Getpid()); !ok {
			t.Error("this process's /proc/PID/stat was not read")
		}
	}
}
