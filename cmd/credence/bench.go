package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/credence-project/credence/bench"
)

// benchCmd runs the load harness: see package bench.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	fs := newFlagSet("bench", stderr, &c)
	cfg := bench.Config{Seed: 1}
	fs.IntVar(&cfg.Scale.Outlets, "outlets", 50, "outlets in the synthetic corpus")
	fs.IntVar(&cfg.Scale.Articles, "articles", 2000, "articles in the synthetic corpus")
	fs.IntVar(&cfg.Scale.Annotations, "annotations", 20000, "annotations in the synthetic corpus")
	fs.IntVar(&cfg.Scale.Reviewers, "reviewers", 32, "reviewer accounts")
	fs.IntVar(&cfg.Scale.WordsPer, "words", 600, "words per article")
	fs.IntVar(&cfg.Clients, "clients", 32, "concurrent simulated reviewers")
	fs.IntVar(&cfg.Researcher, "researchers", 2, "concurrent simulated researchers")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each phase")
	fs.IntVar(&cfg.Replicas, "replicas", 1, "service processes, balanced round-robin by the harness")
	inProcess := fs.Bool("in-process", false, "run the service inside the harness instead of as subprocesses")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	skip := fs.String("skip", "", "comma-separated load phases to leave out: realistic, create, read")
	binary := fs.String("binary", "", "the credence binary to start as the service (default: this one); an older build compares before and after")
	startup := fs.Bool("startup", false, "measure one replica's start instead of load: time to healthy and to its first reprint look-up, look-up latency, resident memory, at --articles")
	fs.BoolVar(&cfg.Scale.Reviewed, "reviewed", false, "with --startup: every article gets two finished reviews, and the replica's outlet scores are measured (first request, repeats, after changes) with its memory")
	importRun := fs.Bool("import", false, "measure an NDJSON import of --articles synthetic articles (the pipeline of credence import) into a fresh database instead of load")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the load phases to this file (with --in-process it includes the service)")
	fs.Lookup("db").DefValue = ""
	c.db = os.Getenv("CREDENCE_BENCH_DB")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.DSN = c.db
	cfg.Scale.Researchers = max(1, cfg.Researcher)
	if !*inProcess {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.Binary = exe
		if *binary != "" {
			cfg.Binary = *binary
		}
	}
	cfg.Log = stderr
	cfg.Skip = map[string]bool{}
	for _, p := range strings.Split(*skip, ",") {
		switch p = strings.TrimSpace(p); p {
		case "":
		case "realistic", "create", "read":
			cfg.Skip[p] = true
		default:
			return fmt.Errorf("--skip: unknown phase %q (realistic, create, read)", p)
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.CPUProfile = f
	}
	if *importRun {
		return benchImport(ctx, cfg, *asJSON, stdout)
	}
	if *startup {
		rep, err := bench.Startup(ctx, cfg)
		if err != nil {
			return err
		}
		if *asJSON {
			b, _ := json.MarshalIndent(rep, "", "  ")
			fmt.Fprintln(stdout, string(b))
		} else {
			fmt.Fprint(stdout, rep.Text())
		}
		return nil
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		fmt.Fprintln(stdout, string(rep.JSON()))
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	if rep.Errors() > 0 {
		return fmt.Errorf("%d requests failed", rep.Errors())
	}
	return nil
}

// benchImport runs and prints the import measurement (bench --import).
func benchImport(ctx context.Context, cfg bench.Config, asJSON bool, stdout io.Writer) error {
	rep, err := bench.Import(ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	return nil
}
