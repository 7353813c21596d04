package models

import "context"

// The regions' hot read, in plain SQL: every workspace refresh lists them (see hot.go for why
// this is not written with gorm).

// ListRegions lists an article's regions in the reviewers' layer in text order, with their
// origin outlets' names and the reader's own decision on each detected one (Region.Decision);
// the consensus regions are the adjudication's.
func (s *Store) ListRegions(ctx context.Context, articleID, readerID int64) ([]Region, error) {
	rows, err := s.query(ctx, regionListSQL, readerID, articleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := scanRegion(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// regionListSQL is ListRegions' query; its arguments are the reader's id and the article's.
const regionListSQL = "SELECT regions.id, regions.article_id, regions.kind, regions.start_cp, regions.end_cp, regions.origin_outlet_id, " +
	"regions.origin, regions.status, regions.reason, regions.relation, regions.other_article_id, regions.created_by, regions.layer, regions.version, " +
	"regions.created_at, regions.updated_at, regions.anchor, regions.exact, COALESCE(outlets.name, ''), COALESCE(d.status, '') " +
	"FROM regions LEFT JOIN outlets ON outlets.id = regions.origin_outlet_id " +
	"LEFT JOIN region_decisions d ON d.region_id = regions.id AND d.user_id = ? " +
	"WHERE regions.article_id = ? AND regions.layer = 'review' ORDER BY regions.start_cp, regions.id"

// scanRegion reads a row of regionListSQL.
func scanRegion(sc interface{ Scan(...any) error }, r *Region) error {
	return sc.Scan(&r.ID, &r.ArticleID, &r.Kind, &r.Start, &r.End, &r.OriginOutletID, &r.Origin, &r.Status, &r.Reason, &r.Relation,
		&r.OtherArticleID, &r.CreatedBy, &r.Layer, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.Anchor, &r.Exact, &r.OriginOutletName, &r.Decision)
}
