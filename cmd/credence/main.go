// Command credence runs the source-credibility and bias annotator: the HTTP service, its
// migrations, account management, article imports and demo data.
//
//	credence serve [--addr HOST:PORT] [--db DSN] [--demo]
//	credence migrate [--db DSN]
//	credence user add --email E --name N --role R --password P [--db DSN]
//	credence import [--db DSN] [--format F] [--outlet O] FILE...
//	credence assign [--db DSN] [--reviewers IDS] [--per-article N] [--remove] ARTICLE_ID...
//	credence audit export [--db DSN] [--format csv|jsonl] [--entity E] [--actor-id N] [--out FILE]
//	credence backup [--db DSN] FILE
//	credence suggest train|eval|retrain
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `credence: a source-credibility and bias annotator

Usage:
  credence serve   [--addr HOST:PORT] [--db DSN] [--demo] [--no-migrate]
  credence migrate [--db DSN]
  credence user add --email E --name N --role admin|reviewer|researcher --password P [--db DSN]
  credence import  [--db DSN] [--format F] [--outlet O] FILE...   (NDJSON, a JSON array, text or HTML; - reads standard input)
  credence assign  [--db DSN] [--reviewers IDS] [--per-article N] [--remove] ARTICLE_ID...
  credence audit export [--db DSN] [--format csv|jsonl] [--entity E] [--actor-id N] [--out FILE]
  credence backup  [--db DSN] FILE        (a consistent copy of a running SQLite database)
  credence bench   [--db DSN] [--articles N] [--clients N] [--duration D] [--replicas N]   (load harness)
  credence suggest train --data DIR [--out FILE]     (train the built-in suggestion models)
  credence suggest eval  --data DIR [--model FILE]   (measure them on the held-out test parts)
  credence suggest retrain [--db DSN]                (retrain from the project's reviews)

--db is a SQLite file path (or sqlite:PATH) or a postgres:// URL; env CREDENCE_DB.
--addr defaults to 127.0.0.1:8080; env CREDENCE_ADDR.
Run "credence COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "credence:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return errors.New(`unknown user command: try "credence user add --help"`)
		}
		return userAdd(ctx, args[2:], stdout, stderr)
	case "import":
		return importFiles(ctx, args[1:], stdout, stderr)
	case "assign":
		return assignCmd(ctx, args[1:], stdout, stderr)
	case "audit":
		return auditCmd(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], stdout, stderr)
	case "suggest":
		return suggestCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
