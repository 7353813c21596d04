package e2e

import (
	"strings"
	"testing"
)

// TestQueuePointsAdminsElsewhere: an admin who lands on the reviewers' queue is told so and
// pointed to the admin console, not shown an error.
func TestQueuePointsAdminsElsewhere(t *testing.T) {
	p := newPage(t)
	p.signInPage(adminEmail, env.adminPass)
	text := eval[string](p, `document.getElementById('progress-text').textContent`)
	if !strings.Contains(text, "for reviewers") {
		t.Fatalf("progress text %q", text)
	}
	if !eval[bool](p, `!!document.querySelector('#queue-list a[href="/admin"]')`) {
		t.Fatal("no link to the admin console")
	}
	if !eval[bool](p, `document.getElementById('queue-error').hidden`) {
		t.Fatal("the queue shows an error to an admin")
	}
	p.screenshot("queue-admin", false)
}
