package models

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditNamesOfStoredEntries: an entry stored before the audit used the API's names (Go's
// "OutletID", "SourceURL") reads with the API's names, values untouched; a new one is stored so.
func TestAuditNamesOfStoredEntries(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	old := `{"ID":7,"ArticleID":3,"SourceURL":"https://x.example/","Note":"Say \"ID\": 9","TextSHA256":"ab","Aliases":["The Daily"],"Decisions":[{"UserID":2}],"big":12345678901234567}`
	if err := s.db.Create(&AuditEntry{Action: "update", Entity: "annotation", EntityID: 7, Before: &old}).Error; err != nil {
		t.Fatal(err)
	}
	if err := audit(s.db, 0, "create", "outlet", 1, nil, &Outlet{ID: 1, Name: "Daily", Aliases: []string{"The Daily"}}); err != nil {
		t.Fatal(err)
	}
	es, _, err := s.ListAudit(context.Background(), AuditFilter{Limit: 10})
	if err != nil || len(es) != 2 {
		t.Fatalf("%v %v", es, err)
	}
	want := `{"id":7,"article_id":3,"source_url":"https://x.example/","note":"Say \"ID\": 9","text_sha256":"ab","aliases":["The Daily"],"decisions":[{"user_id":2}],"big":12345678901234567}`
	if got := *es[1].Before; got != want {
		t.Errorf("stored entry reads\n%s\nwant\n%s", got, want)
	}
	var stored AuditEntry
	if err := s.db.Where("entity = ?", "outlet").Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if a := *stored.After; strings.Contains(a, `"Aliases"`) || strings.Contains(a, `"ID"`) || !strings.HasPrefix(a, `{"id":1,"name":"Daily",`) {
		t.Errorf("a new entry is stored as %s", a)
	}
	for k, v := range map[string]string{"ArticleID": "article_id", "SourceURL": "source_url", "TextSHA256": "text_sha256", "ID": "id",
		"URL": "url", "ReopenedAfterViewing": "reopened_after_viewing", "outlet_id": "outlet_id", "Daily Example": "Daily Example"} {
		if got := APIName(k); got != v {
			t.Errorf("APIName(%q) = %q, want %q", k, got, v)
		}
	}
}
