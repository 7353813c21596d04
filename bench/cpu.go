package bench

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CPU is the processor time spent during a load phase by the service's processes and, when
// PostgreSQL runs on this machine, by the backends of the bench's database. The ratio to an
// empty handler divides by a floor whose own rate swings by half between runs on a shared
// machine; what a request costs in CPU moves less with the other sessions' load, and it adds
// up the database's share, which on SQLite is inside the service. Linux only (/proc); zero
// elsewhere, and for the service when it runs in the harness's process.
type CPU struct {
	ServiceSeconds  float64 `json:"service_seconds"`            // the replicas' processes (0 in-process)
	PostgresSeconds float64 `json:"postgres_seconds,omitempty"` // the bench database's backends on this machine
	Backends        int     `json:"postgres_backends,omitempty"`
}

// String renders the phase's CPU, per operation of the ops given.
func (c CPU) String(ops int) string {
	if ops == 0 || (c.ServiceSeconds == 0 && c.PostgresSeconds == 0) {
		return ""
	}
	per := func(s float64) string { return strconv.FormatFloat(s/float64(ops)*1e6, 'f', 0, 64) + " µs" }
	out := fmt.Sprintf("cpu: service %.2f s (%s an operation)", c.ServiceSeconds, per(c.ServiceSeconds))
	if c.Backends > 0 {
		out += fmt.Sprintf(", PostgreSQL %.2f s over %d backends (%s), together %s", c.PostgresSeconds, c.Backends,
			per(c.PostgresSeconds), per(c.ServiceSeconds+c.PostgresSeconds))
	}
	return out
}

// cpuMeter samples the CPU of the replicas' processes and of the database's local backends.
type cpuMeter struct {
	pids []int  // the replicas' processes; none in-process
	db   string // the PostgreSQL database whose backends are counted; "" on SQLite
}

// newCPUMeter meters the given processes and, for a postgres:// DSN, the backends serving
// its database on this machine (found by their process titles, "postgres: USER DB ...").
func newCPUMeter(dsn string, pids []int) *cpuMeter {
	m := &cpuMeter{pids: pids}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		m.db = strings.TrimPrefix(u.Path, "/")
	}
	return m
}

// cpuSample is the CPU seconds of each metered process at one moment, the backends apart.
type cpuSample struct {
	service  float64
	backends map[int]float64
}

func (m *cpuMeter) sample() cpuSample {
	s := cpuSample{backends: map[int]float64{}}
	for _, p := range m.pids {
		if v, ok := procCPU(p); ok {
			s.service += v
		}
	}
	if m.db == "" {
		return s
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		if err != nil || !isBackendOf(string(cmd), m.db) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		if v, ok := procCPU(pid); ok {
			s.backends[pid] = v
		}
	}
	return s
}

// since is the CPU spent from an earlier sample to this one. A backend that appeared in
// between counts from zero; one that exited in between is lost (the service's pooled
// connections outlive a phase).
func (s cpuSample) since(before cpuSample) CPU {
	c := CPU{ServiceSeconds: s.service - before.service}
	for pid, v := range s.backends {
		if d := v - before.backends[pid]; d > 0 {
			c.PostgresSeconds += d
			c.Backends++
		}
	}
	return c
}

// isBackendOf tells whether a process's command line is a PostgreSQL backend's title for the
// database: "postgres: [CLUSTER: ]USER DB HOST(PORT) STATE" (Debian's clusters set
// cluster_name, "15/main"; the separators may be NULs or spaces).
func isBackendOf(cmdline, db string) bool {
	f := strings.Fields(strings.ReplaceAll(cmdline, "\x00", " "))
	if len(f) < 3 || f[0] != "postgres:" {
		return false
	}
	if strings.HasSuffix(f[1], ":") {
		f = f[1:]
	}
	return len(f) >= 3 && f[2] == db
}

// procCPU reads a process's user and system time from /proc/PID/stat, in seconds.
func procCPU(pid int) (float64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15, after the command name in
// parentheses, which may itself hold spaces and parentheses). /proc counts them in USER_HZ,
// which Linux fixes at 100 a second whatever the kernel's own tick.
func parseStatCPU(stat string) (float64, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return float64(ut+st) / 100, true
}
