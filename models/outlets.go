package models

import (
	"context"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// NameKey is the key under which outlet names and aliases are unique: NFC (so "Café" with a
// combining accent is "Café"), case-insensitive, with runs of white space as one space.
func NameKey(name string) string {
	return strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(name), " ")))
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify makes a URL-safe slug from a name.
func Slugify(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		s = "outlet"
	}
	return s
}

// OutletFilter narrows a list of outlets. Query matches a name, alias or domain.
type OutletFilter struct {
	Query string
	Page  Page
}

// ListOutlets pages through outlets by id with their aliases, domains and article counts.
func (s *Store) ListOutlets(ctx context.Context, f OutletFilter) ([]Outlet, bool, error) {
	q := s.db.WithContext(ctx).Model(&Outlet{})
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q = q.Where(`id IN (SELECT outlet_id FROM outlet_names WHERE name_key LIKE ? ESCAPE '\')
			OR id IN (SELECT outlet_id FROM outlet_domains WHERE domain LIKE ? ESCAPE '\')`, like, like)
	}
	var out []Outlet
	out, more, err := trim(out, f.Page.Limit, paginate(q, "id", f.Page).Find(&out).Error)
	if err != nil {
		return nil, false, err
	}
	return out, more, s.fillOutlets(s.db.WithContext(ctx), out)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Outlet returns one outlet with its aliases, domains and article count.
func (s *Store) Outlet(ctx context.Context, id int64) (*Outlet, error) {
	return s.outlet(s.db.WithContext(ctx), id)
}

func (s *Store) outlet(tx *gorm.DB, id int64) (*Outlet, error) {
	var o Outlet
	if err := tx.Take(&o, id).Error; err != nil {
		return nil, notFound(err)
	}
	list := []Outlet{o}
	if err := s.fillOutlets(tx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

func (s *Store) fillOutlets(tx *gorm.DB, list []Outlet) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	idx := map[int64]int{}
	for i, o := range list {
		ids[i] = o.ID
		idx[o.ID] = i
		list[i].Aliases = []string{}
		list[i].Domains = []string{}
	}
	var names []OutletName
	if err := tx.Where("outlet_id IN ? AND is_alias", ids).Order("id").Find(&names).Error; err != nil {
		return err
	}
	for _, n := range names {
		list[idx[n.OutletID]].Aliases = append(list[idx[n.OutletID]].Aliases, n.Name)
	}
	var doms []OutletDomain
	if err := tx.Where("outlet_id IN ?", ids).Order("id").Find(&doms).Error; err != nil {
		return err
	}
	for _, d := range doms {
		list[idx[d.OutletID]].Domains = append(list[idx[d.OutletID]].Domains, d.Domain)
	}
	var counts []struct {
		OutletID int64
		N        int64
	}
	if err := tx.Model(&Article{}).Select("outlet_id, count(*) AS n").Where("outlet_id IN ?", ids).Group("outlet_id").Scan(&counts).Error; err != nil {
		return err
	}
	for _, c := range counts {
		list[idx[c.OutletID]].ArticleCount = c.N
	}
	return nil
}

// CreateOutlet stores an outlet with its aliases and domains. Names, aliases and domains
// are unique across outlets, compared case-insensitively.
func (s *Store) CreateOutlet(ctx context.Context, actor int64, o *Outlet) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		derived := o.Slug == ""
		if derived {
			o.Slug = Slugify(o.Name)
		}
		o.Version = 1
		if err := tx.Create(o).Error; err != nil {
			if isUniqueViolation(err) {
				return slugTaken(tx, o.Slug, derived)
			}
			return err
		}
		if err := setNames(tx, o); err != nil {
			return err
		}
		full, err := s.outlet(tx, o.ID)
		if err != nil {
			return err
		}
		*o = *full
		return audit(tx, actor, "create", "outlet", o.ID, nil, o)
	})
}

// slugTaken says in plain words that another outlet has the web address (slug) an outlet
// would get. When the slug was made from the name, the name is what to change: the person
// never typed a slug, so the message names the outlet it collides with instead.
func slugTaken(tx *gorm.DB, slug string, fromName bool) error {
	// After a failed statement PostgreSQL refuses further queries in the transaction, so the
	// other outlet's name is a courtesy that may be missing.
	var other Outlet
	who := "another outlet"
	if tx.Where("slug = ?", slug).Take(&other).Error == nil && other.Name != "" {
		who = fmt.Sprintf("the outlet %q", other.Name)
	}
	if fromName {
		return &ConflictError{Field: "name", Value: slug, Message: fmt.Sprintf("this name is too close to %s: both would get the web address %q; choose another name", who, slug)}
	}
	return &ConflictError{Field: "slug", Value: slug, Message: fmt.Sprintf("the web address %q is already used by %s", slug, who)}
}

// setNames replaces an outlet's names and domains with those on o.
func setNames(tx *gorm.DB, o *Outlet) error {
	if err := tx.Where("outlet_id = ?", o.ID).Delete(&OutletName{}).Error; err != nil {
		return err
	}
	if err := tx.Where("outlet_id = ?", o.ID).Delete(&OutletDomain{}).Error; err != nil {
		return err
	}
	seen := map[string]bool{}
	names := append([]string{o.Name}, o.Aliases...)
	for i, n := range names {
		k := NameKey(n)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		if err := tx.Create(&OutletName{OutletID: o.ID, Name: strings.TrimSpace(n), NameKey: k, IsAlias: i > 0}).Error; err != nil {
			if isUniqueViolation(err) {
				return nameTaken(tx, "aliases", k, n, i == 0)
			}
			return err
		}
	}
	seenD := map[string]bool{}
	for _, d := range o.Domains {
		if d == "" || seenD[d] {
			continue
		}
		seenD[d] = true
		if err := tx.Create(&OutletDomain{OutletID: o.ID, Domain: d}).Error; err != nil {
			if isUniqueViolation(err) {
				var other OutletDomain
				tx.Where("domain = ?", d).Take(&other)
				return &ConflictError{Field: "domains", Value: d, Message: fmt.Sprintf("domain %q already belongs to outlet %d", d, other.OutletID)}
			}
			return err
		}
	}
	return nil
}

func nameTaken(tx *gorm.DB, field, key, name string, primary bool) error {
	var other OutletName
	tx.Where("name_key = ?", key).Take(&other)
	if primary {
		field = "name"
	}
	return &ConflictError{Field: field, Value: name, Message: fmt.Sprintf("%q is already a name or alias of outlet %d", name, other.OutletID)}
}

// OutletPatch lists the fields of an outlet to change; nil leaves a field alone.
type OutletPatch struct {
	Version                        int64
	Name, Homepage, Country, Notes *string
	Slug                           *string
	Aliases, Domains               *[]string
	// Feeds, when set, replaces the outlet's feed URLs (as SetOutletFeeds does), in the same
	// transaction, so that a change of feeds alone is a change of the outlet.
	Feeds *[]string
}

// UpdateOutlet changes an outlet if Version is its current version (0: whatever is current),
// and bumps the version. A patch that changes nothing (the same fields, names, domains and
// feeds as stored) leaves the outlet, its version and the audit trail as they are.
func (s *Store) UpdateOutlet(ctx context.Context, actor, id int64, p OutletPatch) (*Outlet, error) {
	var out *Outlet
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		before, err := s.outlet(tx, id)
		if err != nil {
			return err
		}
		if p.Version == 0 {
			p.Version = before.Version
		}
		if p.Version != before.Version {
			out = before
			return ErrVersionConflict
		}
		o := *before
		if p.Name != nil {
			o.Name = *p.Name
		}
		if p.Slug != nil {
			o.Slug = *p.Slug
		}
		if p.Homepage != nil {
			o.Homepage = *p.Homepage
		}
		if p.Country != nil {
			o.Country = *p.Country
		}
		if p.Notes != nil {
			o.Notes = *p.Notes
		}
		if p.Aliases != nil {
			o.Aliases = *p.Aliases
		}
		if p.Domains != nil {
			o.Domains = *p.Domains
		}
		feedsChange := false
		if p.Feeds != nil {
			var urls []string
			if err := tx.Model(&OutletFeed{}).Where("outlet_id = ?", id).Order("id").Pluck("url", &urls).Error; err != nil {
				return err
			}
			feedsChange = !sameSet(urls, *p.Feeds)
		}
		if !feedsChange && sameOutlet(before, &o) {
			out = before
			return nil
		}
		if feedsChange {
			if err := setFeeds(tx, id, *p.Feeds); err != nil {
				return err
			}
		}
		res := tx.Model(&Outlet{}).Where("id = ? AND version = ?", id, p.Version).Updates(map[string]any{
			"name": o.Name, "slug": o.Slug, "homepage": o.Homepage, "country": o.Country, "notes": o.Notes,
			"version": p.Version + 1, "updated_at": nowUTC(),
		})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return slugTaken(tx, o.Slug, false)
			}
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVersionConflict
		}
		if err := setNames(tx, &o); err != nil {
			return err
		}
		out, err = s.outlet(tx, id)
		if err != nil {
			return err
		}
		return audit(tx, actor, "update", "outlet", id, before, out)
	})
	return out, err
}

// sameOutlet says whether o, an outlet with a patch applied, stores what before holds: the
// same fields, and the same aliases and domains once setNames has dropped repeats and blanks.
func sameOutlet(before, o *Outlet) bool {
	if o.Name != before.Name || o.Slug != before.Slug || o.Homepage != before.Homepage || o.Country != before.Country || o.Notes != before.Notes {
		return false
	}
	seen := map[string]bool{NameKey(o.Name): true}
	var aliases []string
	for _, n := range o.Aliases {
		if k := NameKey(n); k != "" && !seen[k] {
			seen[k] = true
			aliases = append(aliases, strings.TrimSpace(n))
		}
	}
	var domains []string
	for _, d := range o.Domains {
		if d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	return slices.Equal(aliases, before.Aliases) && slices.Equal(domains, before.Domains)
}

// sameSet says whether two lists hold the same strings, in any order and with any repeats.
func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// OutletRefs counts what refers to an outlet: its articles and the regions credited to it.
func (s *Store) OutletRefs(ctx context.Context, id int64) (map[string]int64, error) {
	return outletRefs(s.db.WithContext(ctx), id)
}

func outletRefs(tx *gorm.DB, id int64) (map[string]int64, error) {
	var articles, regions int64
	if err := tx.Model(&Article{}).Where("outlet_id = ?", id).Count(&articles).Error; err != nil {
		return nil, err
	}
	if err := tx.Model(&Region{}).Where("origin_outlet_id = ?", id).Count(&regions).Error; err != nil {
		return nil, err
	}
	return map[string]int64{"articles": articles, "regions": regions}, nil
}

// DeleteOutlet removes an outlet that nothing refers to.
func (s *Store) DeleteOutlet(ctx context.Context, actor, id int64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		o, err := s.outlet(tx, id)
		if err != nil {
			return err
		}
		refs, err := outletRefs(tx, id)
		if err != nil {
			return err
		}
		if refs["articles"] > 0 || refs["regions"] > 0 {
			return &InUseError{Refs: refs, Message: fmt.Sprintf("outlet %d still has %d articles and %d regions credited to it; merge it into another outlet instead", id, refs["articles"], refs["regions"])}
		}
		if err := tx.Delete(&Outlet{}, id).Error; err != nil {
			return err
		}
		return audit(tx, actor, "delete", "outlet", id, o, nil)
	})
}

// MergeOutlets moves every article and region credit of outlet from into outlet into,
// keeps from's name and aliases as aliases of into, moves its domains, and deletes from. An
// article whose text into already has is folded into that one (merge.go); moved["duplicates"]
// counts them. A second merge of the same outlet finds it gone: ErrNotFound.
func (s *Store) MergeOutlets(ctx context.Context, actor, from, into int64) (*Outlet, map[string]int64, error) {
	var out *Outlet
	moved := map[string]int64{}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := s.lockOutlets(tx, min(from, into), max(from, into)); err != nil {
			return err
		}
		src, err := s.outlet(tx, from)
		if err != nil {
			return err
		}
		dst, err := s.outlet(tx, into)
		if err != nil {
			return err
		}
		dups, err := duplicateArticles(tx, from, into)
		if err != nil {
			return err
		}
		for gone, kept := range dups {
			if err := foldArticle(tx, gone, kept); err != nil {
				return err
			}
		}
		moved["duplicates"] = int64(len(dups))
		// The articles moved, and those whose regions credited the old outlet, change hands:
		// bump their data versions so that derived scores are recomputed.
		if err := tx.Model(&Article{}).Where("outlet_id = ? OR id IN (SELECT article_id FROM regions WHERE origin_outlet_id = ?)", from, from).
			Update("data_version", gorm.Expr("data_version + 1")).Error; err != nil {
			return err
		}
		res := tx.Model(&Article{}).Where("outlet_id = ?", from).Update("outlet_id", into)
		if res.Error != nil {
			return res.Error
		}
		moved["articles"] = res.RowsAffected
		res = tx.Model(&Region{}).Where("origin_outlet_id = ?", from).Update("origin_outlet_id", into)
		if res.Error != nil {
			return res.Error
		}
		moved["regions"] = res.RowsAffected
		if err := tx.Model(&OutletName{}).Where("outlet_id = ?", from).Updates(map[string]any{"outlet_id": into, "is_alias": true}).Error; err != nil {
			return err
		}
		if err := tx.Model(&OutletDomain{}).Where("outlet_id = ?", from).Update("outlet_id", into).Error; err != nil {
			return err
		}
		if err := tx.Delete(&Outlet{}, from).Error; err != nil {
			return err
		}
		if err := tx.Model(&Outlet{}).Where("id = ?", into).Updates(map[string]any{"version": dst.Version + 1, "updated_at": nowUTC()}).Error; err != nil {
			return err
		}
		if out, err = s.outlet(tx, into); err != nil {
			return err
		}
		return audit(tx, actor, "merge", "outlet", into, map[string]any{"from": src, "into": dst}, map[string]any{"outlet": out, "moved": moved})
	})
	return out, moved, err
}

// ResolveOutlet finds an outlet by exact id text, name, alias or domain (case-insensitive).
func (s *Store) ResolveOutlet(ctx context.Context, key string) (int64, error) {
	db := s.db.WithContext(ctx)
	var n OutletName
	if err := db.Where("name_key = ?", NameKey(key)).Take(&n).Error; err == nil {
		return n.OutletID, nil
	}
	var d OutletDomain
	dom := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(key)), "www.")
	if err := db.Where("domain = ?", dom).Take(&d).Error; err == nil {
		return d.OutletID, nil
	}
	var o Outlet
	if err := db.Where("slug = ?", strings.ToLower(key)).Take(&o).Error; err == nil {
		return o.ID, nil
	}
	return 0, ErrNotFound
}

// ResolveDomain finds the outlet publishing under a host or one of its parent domains.
func (s *Store) ResolveDomain(ctx context.Context, host string) (int64, error) {
	for h := host; h != ""; {
		var d OutletDomain
		if err := s.db.WithContext(ctx).Where("domain = ?", h).Take(&d).Error; err == nil {
			return d.OutletID, nil
		}
		i := strings.IndexByte(h, '.')
		if i < 0 || !strings.Contains(h[i+1:], ".") {
			break
		}
		h = h[i+1:]
	}
	return 0, ErrNotFound
}

// AllOutlets returns every outlet with aliases and domains, for reprint detection.
func (s *Store) AllOutlets(ctx context.Context) ([]Outlet, error) {
	var out []Outlet
	if err := s.db.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	return out, s.fillOutlets(s.db.WithContext(ctx), out)
}
