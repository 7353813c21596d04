package bench

import (
	"context"
	"testing"

	"github.com/credence-project/credence/models/modeltest"
)

// TestImportRun keeps the import measurement working: every article of the file is created
// and the reprints planted in it are found by the import's reprint scan. Speed is reported,
// not tested.
func TestImportRun(t *testing.T) {
	cfg := Config{DSN: modeltest.DSN(t), Scale: Scale{Outlets: 5, Articles: 120, WordsPer: 150}, Seed: 3}
	rep, err := Import(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.Text())
	if rep.Created != 120 || rep.Errors != 0 {
		t.Fatalf("created %d of 120, %d errors", rep.Created, rep.Errors)
	}
	if rep.Reprints == 0 || rep.Found*10 < rep.Reprints*9 {
		t.Fatalf("the import's reprint scan found %d of the %d planted reprints", rep.Found, rep.Reprints)
	}
}
