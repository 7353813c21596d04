package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/suggest"
	"github.com/credence-project/credence/api"
)

// suggestCmd dispatches "credence suggest train|eval|retrain".
func suggestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(`suggest needs a command: train, eval or retrain (try "credence suggest train --help")`)
	}
	switch args[0] {
	case "train":
		return suggestTrain(args[1:], stdout, stderr)
	case "eval":
		return suggestEval(args[1:], stdout, stderr)
	case "retrain":
		return suggestRetrain(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown suggest command %q: train, eval or retrain", args[0])
}

// suggestTrain trains the built-in models from the shared training data and writes the weights
// file that the package embeds (annotate/suggest/model/weights.json.gz).
func suggestTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("credence suggest train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "directory of the training data (required; its README describes every set)")
	out := fs.String("out", "annotate/suggest/model/weights.json.gz", "weights file to write")
	maxDocs := fs.Int("max-docs", 0, "at most this many units per data set and part (0: all), for quick runs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("suggest train needs --data DIR")
	}
	began := time.Now()
	c, err := suggest.LoadCorpus(*data)
	if err != nil {
		return err
	}
	var last annotate.Label
	m, err := suggest.Train(c, suggest.TrainConfig{MaxDocs: *maxDocs, Progress: func(label annotate.Label, f float64) {
		if label != last {
			fmt.Fprintf(stderr, "training %s (%.0fs)\n", label, time.Since(began).Seconds())
			last = label
		}
	}})
	if err != nil {
		return err
	}
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("writing the weights: %w", err)
	}
	m.Version = "builtin-" + suggest.Digest(b)
	fmt.Fprint(stdout, suggest.CalibrationTable(m))
	fmt.Fprintln(stdout)
	figs := map[annotate.Label][]suggest.Figures{}
	for label, lm := range m.Labels {
		figs[label] = lm.Figures
	}
	fmt.Fprint(stdout, suggest.FiguresTable(m, figs))
	fmt.Fprintf(stdout, "\nwrote %s: %d bytes, %d weights, model %s, trained in %s\n", *out, len(b), m.Size(), m.ID(),
		time.Since(began).Round(time.Second))
	return nil
}

// suggestEval measures a weights file (the embedded one by default) again on the test parts.
func suggestEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("credence suggest eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "directory of the training data (required)")
	file := fs.String("model", "", "weights file to measure (default: the one built in)")
	maxDocs := fs.Int("max-docs", 0, "at most this many units per data set and part (0: all); use the value the model was trained with")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("suggest eval needs --data DIR")
	}
	m := suggest.BuiltinModel()
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		if m, err = suggest.ParseModel(b); err != nil {
			return err
		}
		m.Version = "file-" + suggest.Digest(b)
	}
	c, err := suggest.LoadCorpus(*data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model %s\n\n", m.ID())
	fmt.Fprint(stdout, suggest.FiguresTable(m, suggest.EvaluateModel(m, c, *maxDocs)))
	return nil
}

// suggestRetrain runs the same retraining as POST /api/v1/suggestions/models/train, in the
// foreground, and prints the outcome.
func suggestRetrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	fs := newFlagSet("suggest retrain", stderr, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := api.New(api.DefaultConfig(), store, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), nil)
	job, err := store.CreateTrainJob(ctx, 0)
	if err != nil {
		return err
	}
	if err := srv.RetrainSuggestions(ctx, job.ID); err != nil {
		return fmt.Errorf("retraining (job %d): %w", job.ID, err)
	}
	if job, err = store.TrainJob(ctx, job.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "job %d %s: %s\n", job.ID, job.Status, job.Message)
	if job.ModelID != nil {
		m, err := store.SuggestionModelByID(ctx, *job.ModelID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model %d (%s, %d bytes), figures on the held-back reviews: %s\n", m.ID, m.Status, m.SizeBytes, m.Figures)
	}
	return nil
}
