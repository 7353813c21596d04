// Package audit reads the audit trail out of the store: the entries of GET /api/v1/audit,
// and the whole trail as CSV or JSON Lines for `credence audit export` and
// GET /api/v1/exports/audit.
package audit

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/credence-project/credence/annotate/csvout"
	"github.com/credence-project/credence/models"
)

// Formats are the formats Export writes.
var Formats = []string{"csv", "jsonl"}

// Entry is one change as clients see it: before and after are the JSON of the row, or null.
type Entry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	ActorID  *int64          `json:"actor_id"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID int64           `json:"entity_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// EntryOf is the client's view of a stored audit entry.
func EntryOf(e *models.AuditEntry) Entry {
	return Entry{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
		Before: raw(e.Before), After: raw(e.After)}
}

func raw(s *string) json.RawMessage {
	if s == nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(*s)
}

// csvHeader is the first row of the audit trail as CSV; before and after are JSON.
var csvHeader = []string{"id", "at", "actor_id", "action", "entity", "entity_id", "before", "after"}

// Export writes the audit trail, newest first, as CSV or JSON Lines (one entry of the
// GET /api/v1/audit shape a line), narrowed by f's entity and actor. CSV cells a spreadsheet
// would run as formulas are neutralised unless rawCSV (annotate/csvout).
func Export(ctx context.Context, store *models.Store, w io.Writer, format string, rawCSV bool, f models.AuditFilter) error {
	var cw *csvout.Writer
	var enc *json.Encoder
	if format == "csv" {
		cw = csvout.NewWriter(w, rawCSV)
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
	} else {
		enc = json.NewEncoder(w)
	}
	f.Before, f.Limit = 0, 1000
	for {
		es, more, err := store.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			if cw != nil {
				actor := ""
				if e.ActorID != nil {
					actor = strconv.FormatInt(*e.ActorID, 10)
				}
				if err := cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), actor, e.Action, e.Entity,
					strconv.FormatInt(e.EntityID, 10), string(raw(e.Before)), string(raw(e.After))}); err != nil {
					return err
				}
				continue
			}
			if err := enc.Encode(EntryOf(&e)); err != nil {
				return err
			}
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
		}
		if !more || len(es) == 0 {
			return nil
		}
		f.Before = es[len(es)-1].ID
	}
}
