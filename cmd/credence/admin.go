package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/credence-project/credence/app/audit"
	"github.com/credence-project/credence/models"
)

// parseIDs reads ids given as arguments, each a number or a comma-separated list of them.
func parseIDs(what string, args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		for _, f := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("%s: %q is not an id", what, f)
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// assignCmd: credence assign [--reviewers IDS] [--per-article N] ARTICLE_ID...
func assignCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	var reviewers string
	var per int
	var remove bool
	fs := newFlagSet("assign", stderr, &c)
	fs.StringVar(&reviewers, "reviewers", "", "comma-separated reviewer ids (default: every active reviewer)")
	fs.IntVar(&per, "per-article", 1, "distinct reviewers per article")
	fs.BoolVar(&remove, "remove", false, "unassign the articles instead (from --reviewers, or from everyone)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: credence assign [--db DSN] [--reviewers 4,5] [--per-article N] [--remove] ARTICLE_ID...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	articles, err := parseIDs("article", fs.Args())
	if err != nil {
		return err
	}
	if len(articles) == 0 {
		return errors.New("assign needs at least one ARTICLE_ID")
	}
	var who []int64
	if reviewers != "" {
		if who, err = parseIDs("--reviewers", []string{reviewers}); err != nil {
			return err
		}
	}
	if per < 1 {
		return errors.New("--per-article must be at least 1")
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	if remove {
		out, err := store.UnassignArticles(ctx, 0, articles, who)
		if err != nil {
			return err
		}
		for _, a := range out {
			fmt.Fprintf(stdout, "article %d\treviewer %d\tunassigned\n", a.ArticleID, a.ReviewerID)
		}
		fmt.Fprintf(stdout, "unassigned %d\n", len(out))
		return nil
	}
	out, err := store.AssignArticles(ctx, 0, models.AssignRequest{ArticleIDs: articles, ReviewerIDs: who, PerArticle: per})
	var ae *models.AssignmentError
	if errors.As(err, &ae) {
		return fmt.Errorf("nothing assigned: %s", ae.Message)
	}
	if err != nil {
		return err
	}
	created := 0
	for _, a := range out {
		state := "had it already"
		if a.Created {
			state = "assigned"
			created++
		}
		fmt.Fprintf(stdout, "article %d\treviewer %d\t%s\n", a.ArticleID, a.ReviewerID, state)
	}
	fmt.Fprintf(stdout, "assigned %d new, %d already held\n", created, len(out)-created)
	return nil
}

// auditCmd: credence audit export [--format csv|jsonl] [--entity E] [--actor-id N] [--out FILE]
func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New(`unknown audit command: try "credence audit export --help"`)
	}
	var c commonFlags
	var format, entity, out string
	var actor int64
	fs := newFlagSet("audit export", stderr, &c)
	fs.StringVar(&format, "format", "csv", "csv or jsonl")
	fs.StringVar(&entity, "entity", "", "only changes to this kind of entity (outlet, article, user, review, annotation, region)")
	fs.Int64Var(&actor, "actor-id", 0, "only changes made by this user id")
	fs.StringVar(&out, "out", "-", "file to write (- for standard output)")
	rawCSV := fs.Bool("raw-csv", false, "write CSV cells unchanged; by default a cell a spreadsheet would run as a formula gets a leading '")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if !slices.Contains(audit.Formats, format) {
		return fmt.Errorf("--format must be csv or jsonl, not %q", format)
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	w := stdout
	var f *os.File
	if out != "-" {
		if f, err = os.Create(out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	err = audit.Export(ctx, store, bw, format, *rawCSV, models.AuditFilter{Entity: entity, ActorID: actor})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
