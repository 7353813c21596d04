// Package app is the application layer between the HTTP face (api) and the command line
// (cmd/credence) on one side and the store (models) and the domain (annotate) on the other.
// Each sub-package does one job and takes the store: scoring (the score cache and the score
// tables), imports (articles one by one or from files, in every format), users (accounts),
// audit (the audit trail out), reprints (the reprint index and its proposals), feeds (the
// feed poller, which imports through imports). Services
// builds them all for one process; nothing lives in package-level state.
package app

import (
	"log/slog"

	"github.com/credence-project/credence/app/feeds"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/app/scoring"
	"github.com/credence-project/credence/app/users"
	"github.com/credence-project/credence/models"
)

// Services are the application services of one process over one store.
type Services struct {
	Store    *models.Store
	Reprints *reprints.Service
	Imports  *imports.Service
	Users    *users.Service
	Scores   *scoring.Service
	Feeds    *feeds.Poller
}

// Options configure the services.
type Options struct {
	BcryptCost       int  // cost of new password hashes
	FeedAllowPrivate bool // feed fetches may reach loopback and private addresses
}

// New builds the services over a migrated store. The reprint index lives in the database;
// Reprints.Sync backfills the keys of articles stored without them (serve does at start).
func New(store *models.Store, log *slog.Logger, opt Options) *Services {
	rp := reprints.New(store, log)
	imp := imports.New(store, rp)
	return &Services{
		Store:    store,
		Reprints: rp,
		Imports:  imp,
		Feeds:    feeds.New(store, imp, log, feeds.Options{AllowPrivate: opt.FeedAllowPrivate}),
		Users:    users.New(store, opt.BcryptCost),
		Scores:   scoring.New(store, log),
	}
}
