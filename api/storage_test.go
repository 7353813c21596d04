package api

import (
	"fmt"
	"strings"
	"testing"
)

// TestFullDiskAnswers503AndRecovers: when the database refuses writes for want of space
// (simulated with SQLite's max_page_count, which fails growth as a full disk does), writes
// answer 503 storage_unavailable (never 500), /healthz answers 503 and the metrics say so
// while it lasts; once there is space, writes work again without a restart and nothing
// acknowledged before is lost.
func TestFullDiskAnswers503AndRecovers(t *testing.T) {
	e := newHardEnv(t, hardConfig(), nil)
	if e.store.Dialect() != "sqlite" {
		t.Skip("the full disk is simulated with SQLite's max_page_count")
	}
	ctx := t.Context()
	var acked []string
	for i := range 5 {
		name := fmt.Sprintf("Before %d", i)
		e.mustCall("POST", "/api/v1/outlets", map[string]any{"name": name}, 201, nil)
		acked = append(acked, name)
	}
	if err := e.store.LimitSQLiteSize(ctx, 1); err != nil {
		t.Fatal(err)
	}
	full := 0
	for i := 0; i < 2000 && full == 0; i++ {
		w := e.call("POST", "/api/v1/outlets", "application/json", []byte(fmt.Sprintf(`{"name":"Filler %d","notes":%q}`, i, strings.Repeat("n", 4000))))
		switch {
		case w.Code == 201:
			acked = append(acked, fmt.Sprintf("Filler %d", i))
		case w.Code == 503 && strings.Contains(w.Body.String(), `"storage_unavailable"`):
			full++
		default:
			t.Fatalf("a write on a full disk: %d %s, want 201 or 503 storage_unavailable", w.Code, w.Body)
		}
	}
	if full == 0 {
		t.Fatal("the capped database never refused a write: the test checks nothing")
	}
	if w := e.call("GET", "/healthz", "", nil); w.Code != 503 || !strings.Contains(w.Body.String(), "storage_unavailable") {
		t.Errorf("/healthz on a full disk: %d %s", w.Code, w.Body)
	}
	if w := e.call("GET", "/api/v1/outlets?limit=1", "", nil); w.Code != 200 {
		t.Errorf("a read on a full disk: %d", w.Code)
	}
	if w := e.call("GET", "/metrics", "", nil); !strings.Contains(w.Body.String(), "credence_storage_full 1") {
		t.Errorf("the metrics do not report the full disk:\n%.2000s", w.Body)
	}
	if err := e.store.LimitSQLiteSize(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	e.mustCall("POST", "/api/v1/outlets", map[string]any{"name": "After"}, 201, nil)
	acked = append(acked, "After")
	if w := e.call("GET", "/healthz", "", nil); w.Code != 200 {
		t.Errorf("/healthz after space came back: %d %s", w.Code, w.Body)
	}
	if w := e.call("GET", "/metrics", "", nil); !strings.Contains(w.Body.String(), "credence_storage_full 0") {
		t.Errorf("the metrics still report the full disk")
	}
	for _, name := range acked {
		w := e.call("GET", "/api/v1/outlets?q="+strings.ReplaceAll(name, " ", "+"), "", nil)
		if !strings.Contains(w.Body.String(), `"name":"`+name+`"`) {
			t.Errorf("acknowledged outlet %q is missing after the full disk", name)
		}
	}
}
