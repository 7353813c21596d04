package bench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/credence-project/credence/models/modeltest"
)

// TestSmoke runs the harness for a few seconds on a small corpus, to keep it working. It
// asserts that nothing failed, not how fast anything was: speed is reported, not tested.
func TestSmoke(t *testing.T) {
	cfg := Config{
		DSN:        modeltest.DSN(t),
		Scale:      Scale{Outlets: 5, Articles: 60, Annotations: 600, Reviewers: 8, Researchers: 1, WordsPer: 120},
		Clients:    8,
		Researcher: 0, // the researcher routes are exercised by their own tests
		Duration:   time.Second,
		Replicas:   2,
		Seed:       1,
	}
	if testing.Verbose() {
		cfg.Log = os.Stderr
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.Text())
	if rep.Errors() != 0 {
		t.Fatalf("%d requests failed:\n%s", rep.Errors(), rep.Text())
	}
	for _, op := range []string{"annotation_create", "article_read"} {
		if rep.Realistic.Op(op).Count == 0 && rep.CreateOnly.Op(op).Count == 0 {
			t.Errorf("no %s ran", op)
		}
	}
	if rep.InsertFloor.Count == 0 || rep.HandlerFloor.Count == 0 || rep.Ratios.CreateOverRawInsert <= 0 {
		t.Errorf("floors not measured: %+v %+v", rep.InsertFloor, rep.HandlerFloor)
	}
}
