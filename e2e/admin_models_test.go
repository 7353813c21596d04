package e2e

import (
	"testing"
)

// TestAdminSuggestionModels: the admin console lists the suggestion models per label with their
// figures; the built-in model is there with its held-out test figures for every label. (It does
// not retrain: a retrained model would change the suggestions other tests see on the shared
// demo database; the API tests cover retraining.)
func TestAdminSuggestionModels(t *testing.T) {
	needBrowser(t)
	p := openAdmin(t, "models")
	for _, label := range []string{"sourced_fact", "speculation", "opinion", "loaded_language"} {
		n := eval[int](p, `document.querySelectorAll('#models-by-label section[data-label="`+label+`"] tbody tr[data-model-id="0"]').length`)
		if n == 0 {
			t.Fatalf("no row of the built-in model for %s\n%s", label, p.diagnostics())
		}
		f1 := eval[string](p, `document.querySelector('#models-by-label section[data-label="`+label+`"] tbody tr[data-model-id="0"] td:nth-of-type(6)').textContent`)
		if f1 == "" || f1 == "–" {
			t.Fatalf("%s: the built-in model's F1 is %q", label, f1)
		}
	}
	if got := eval[string](p, `document.querySelector('#models-by-label p').textContent`); got == "" {
		t.Fatal("the page does not say which model is in use")
	}
	p.screenshot("admin-models", true)
}
