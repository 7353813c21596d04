package models

import "time"

// User is an account. Passwords are stored only as hashes.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	Role         string
	PasswordHash string `json:"-"`
	Disabled     bool
	DeletedAt    *time.Time `json:"-"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Session is a signed-in browser. ID is the SHA-256 of the cookie value.
type Session struct {
	ID        string `gorm:"primaryKey"`
	UserID    int64
	CSRFToken string `gorm:"column:csrf_token"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a script's credential. Only the SHA-256 of the token is stored.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// DeviceCookie is a browser that signed in to an account before (models/signin.go).
type DeviceCookie struct {
	ID        string `gorm:"primaryKey"` // SHA-256 of the cookie's value
	UserID    int64
	CreatedAt time.Time
}

// Outlet is a publisher. Names and Domains are loaded from their own tables.
type Outlet struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	Slug      string
	Homepage  string
	Country   string
	Notes     string
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time

	Aliases      []string `gorm:"-"`
	Domains      []string `gorm:"-"`
	ArticleCount int64    `gorm:"-"`
}

// OutletName is an outlet's name or one of its aliases.
type OutletName struct {
	ID       int64 `gorm:"primaryKey"`
	OutletID int64
	Name     string
	NameKey  string
	IsAlias  bool
}

// OutletDomain is a web domain an outlet publishes under.
type OutletDomain struct {
	ID       int64 `gorm:"primaryKey"`
	OutletID int64
	Domain   string
}

// Article is an immutable text snapshot with its publisher.
type Article struct {
	ID          int64 `gorm:"primaryKey"`
	OutletID    int64
	Title       string
	URL         string `gorm:"column:url"`
	Author      string
	PublishedAt *time.Time
	Text        string
	TextSHA256  string `gorm:"column:text_sha256"`
	TextLength  int
	DataVersion int64 // bumped by every change to the article's annotations, regions and reviews
	Revision    int   `gorm:"default:1"` // 1 for the first text; each edited re-import adds one (see ArticleRevision)
	CreatedAt   time.Time

	OutletName string `gorm:"->;-:migration"` // filled by joins
}

// Annotation is one reviewer's label on a span of an article. Start and End are code points.
type Annotation struct {
	ID             int64 `gorm:"primaryKey"`
	ArticleID      int64
	UserID         int64
	Label          string
	Start          int `gorm:"column:start_cp"`
	End            int `gorm:"column:end_cp"`
	Exact          string
	Prefix         string
	Suffix         string
	Note           string
	SourceText     string
	SourceURL      string `gorm:"column:source_url"`
	Status         string
	SuggestionRule string
	// Origin is "manual", or "suggestion" for an accepted machine suggestion of SuggestionModel.
	Origin          string
	SuggestionModel string
	// Layer is "review" (a reviewer's own work) or "consensus" (a curator's adjudication).
	Layer          string
	IdempotencyKey string `json:"-"`
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time

	UserName string `gorm:"->;-:migration"`
}

// Region is a passage credited to another outlet (quote) or to no outlet (comments).
type Region struct {
	ID             int64 `gorm:"primaryKey"`
	ArticleID      int64
	Kind           string
	Start          int `gorm:"column:start_cp"`
	End            int `gorm:"column:end_cp"`
	OriginOutletID *int64
	Origin         string
	Status         string
	Reason         string
	Relation       string
	OtherArticleID *int64
	CreatedBy      *int64
	// Anchor is anchored, or orphaned when an edit of the text lost the passage; Exact,
	// Prefix and Suffix are its quote and context, kept so it can be found again.
	Anchor                string `gorm:"default:anchored"`
	Exact, Prefix, Suffix string
	Layer                 string // "review" or "consensus"
	IdempotencyKey        string `json:"-"`
	Version               int64
	CreatedAt             time.Time
	UpdatedAt             time.Time

	OriginOutletName string `gorm:"->;-:migration"`
	// Decision is the reading reviewer's own accept or reject of a detected region ("" for
	// none), filled by ListRegions; Decisions are every reviewer's, filled by RegionsForCredit.
	Decision  string           `gorm:"-"`
	Decisions []RegionDecision `gorm:"-"`
}

// RegionDecision is one reviewer's accept or reject of a detected region.
type RegionDecision struct {
	RegionID  int64 `gorm:"primaryKey"`
	UserID    int64 `gorm:"primaryKey"`
	Status    string
	UpdatedAt time.Time
}

// Review is one reviewer's relation to one article: assigned, and when completed.
type Review struct {
	ArticleID   int64 `gorm:"primaryKey"`
	UserID      int64 `gorm:"primaryKey"`
	Assigned    bool
	AssignedAt  *time.Time
	CompletedAt *time.Time
	// ViewedOthersAt: when the finished reviewer was first shown the others' work on the
	// article, which freezes the review; cleared by an admin's reopen.
	ViewedOthersAt *time.Time
	// ReopenedAfterViewing: an admin reopened the review after its reviewer had seen the others.
	ReopenedAfterViewing bool
	// SuggestionsHidden: the assignment put this review in the arm shown no machine suggestions.
	SuggestionsHidden bool
	UpdatedAt         time.Time
}

// Adjudication is a curator's work on one article: opened to curators early by an admin
// (OpenedAt), pre-merged once (PremergedAt), adjudicated (CompletedAt).
type Adjudication struct {
	ArticleID   int64 `gorm:"primaryKey"`
	OpenedBy    *int64
	OpenedAt    *time.Time
	PremergedAt *time.Time
	CompletedBy *int64
	CompletedAt *time.Time
	UpdatedAt   time.Time
}

// AuditEntry records one change: who, what, when, before and after (JSON).
type AuditEntry struct {
	ID       int64 `gorm:"primaryKey"`
	At       time.Time
	ActorID  *int64
	Action   string
	Entity   string
	EntityID int64
	Before   *string
	After    *string
}

// TableName overrides gorm's pluralisation where the table name differs.
func (AuditEntry) TableName() string { return "audit_log" }

// TableName of APIToken.
func (APIToken) TableName() string { return "api_tokens" }

// Page asks for one page of a list: items after the cursor id, at most Limit of them.
type Page struct {
	After int64
	Limit int
}
