package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OutletFeed is one feed (RSS, Atom or a sitemap) of an outlet, with what its polls found:
// the validators of the last answer for a conditional request, and running counts.
type OutletFeed struct {
	ID           int64 `gorm:"primaryKey"`
	OutletID     int64
	URL          string `gorm:"column:url"`
	ETag         string `gorm:"column:etag"`
	LastModified string
	LastPolledAt *time.Time
	LastStatus   string // never, ok, not_modified, error, refused
	LastError    string
	Polls        int
	NotModified  int
	Created      int
	Updated      int
	Duplicates   int
	Errors       int
	CreatedAt    time.Time
}

// FeedItem is an entry a feed listed: its page is fetched again only when its key (the
// entry's update date, or its id) changes.
type FeedItem struct {
	FeedID    int64  `gorm:"primaryKey"`
	URL       string `gorm:"primaryKey;column:url"`
	ItemKey   string
	FetchedAt time.Time
}

// SetOutletFeeds makes urls the feeds of an outlet: new ones are added, missing ones removed
// (with what their polls found), kept ones keep their state.
func (s *Store) SetOutletFeeds(ctx context.Context, outletID int64, urls []string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return setFeeds(tx, outletID, urls) })
}

// setFeeds is SetOutletFeeds in a transaction of the caller's (UpdateOutlet's).
func setFeeds(tx *gorm.DB, outletID int64, urls []string) error {
	if err := tx.Where("outlet_id = ? AND url NOT IN ?", outletID, append([]string{""}, urls...)).Delete(&OutletFeed{}).Error; err != nil {
		return fmt.Errorf("outlet %d feeds: %w", outletID, err)
	}
	for _, u := range urls {
		f := OutletFeed{OutletID: outletID, URL: u, LastStatus: "never", CreatedAt: nowUTC()}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&f).Error; err != nil {
			return fmt.Errorf("outlet %d feed %q: %w", outletID, u, err)
		}
	}
	return nil
}

// OutletFeeds lists an outlet's feeds in the order they were added.
func (s *Store) OutletFeeds(ctx context.Context, outletID int64) ([]OutletFeed, error) {
	out := []OutletFeed{}
	err := s.db.WithContext(ctx).Where("outlet_id = ?", outletID).Order("id").Find(&out).Error
	return out, err
}

// OutletsWithFeeds lists the ids of the outlets that have at least one feed.
func (s *Store) OutletsWithFeeds(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&OutletFeed{}).Distinct("outlet_id").Order("outlet_id").Pluck("outlet_id", &ids).Error
	return ids, err
}

// SaveFeedPoll stores what a poll of a feed found.
func (s *Store) SaveFeedPoll(ctx context.Context, f *OutletFeed) error {
	return s.db.WithContext(ctx).Model(&OutletFeed{}).Where("id = ?", f.ID).Updates(map[string]any{
		"etag": f.ETag, "last_modified": f.LastModified, "last_polled_at": f.LastPolledAt, "last_status": f.LastStatus,
		"last_error": f.LastError, "polls": f.Polls, "not_modified": f.NotModified, "created": f.Created, "updated": f.Updated,
		"duplicates": f.Duplicates, "errors": f.Errors,
	}).Error
}

// FeedItemKey returns the key a feed's entry had when its page was last fetched, if it was.
func (s *Store) FeedItemKey(ctx context.Context, feedID int64, url string) (string, bool, error) {
	var keys []string
	err := s.db.WithContext(ctx).Model(&FeedItem{}).Where("feed_id = ? AND url = ?", feedID, url).Limit(1).Pluck("item_key", &keys).Error
	if err != nil || len(keys) == 0 {
		return "", false, err
	}
	return keys[0], true, nil
}

// PutFeedItem records that an entry's page was fetched with this key.
func (s *Store) PutFeedItem(ctx context.Context, it FeedItem) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "feed_id"}, {Name: "url"}}, DoUpdates: clause.AssignmentColumns([]string{"item_key", "fetched_at"}),
	}).Create(&it).Error
}

// LeaseOutletPoll takes the poll lease of an outlet until the given time, unless another
// poller holds an unexpired one: one poll per outlet at a time, across replicas.
func (s *Store) LeaseOutletPoll(ctx context.Context, outletID int64, holder string, until time.Time) (bool, error) {
	now := nowUTC()
	res := s.db.WithContext(ctx).Exec(`INSERT INTO outlet_polls (outlet_id, holder, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (outlet_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE outlet_polls.lease_until < ? OR outlet_polls.holder = excluded.holder`, outletID, holder, until, now)
	if res.Error != nil {
		return false, fmt.Errorf("lease outlet %d poll: %w", outletID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// ReleaseOutletPoll ends a poll lease and notes when the outlet was polled.
func (s *Store) ReleaseOutletPoll(ctx context.Context, outletID int64, holder string) error {
	now := nowUTC()
	return s.db.WithContext(ctx).Exec(`UPDATE outlet_polls SET lease_until = ?, last_poll_at = ? WHERE outlet_id = ? AND holder = ?`,
		now.Add(-time.Second), now, outletID, holder).Error
}

// OutletFeedURLs answers the feed URLs of each of the outlets, in the order they were added,
// in one query so that a page of outlets costs one look-up, not one per outlet.
func (s *Store) OutletFeedURLs(ctx context.Context, outletIDs ...int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(outletIDs) == 0 {
		return out, nil
	}
	var fs []OutletFeed
	if err := s.db.WithContext(ctx).Select("outlet_id", "url").Where("outlet_id IN ?", outletIDs).Order("id").Find(&fs).Error; err != nil {
		return nil, fmt.Errorf("feeds of outlets: %w", err)
	}
	for _, f := range fs {
		out[f.OutletID] = append(out[f.OutletID], f.URL)
	}
	return out, nil
}
