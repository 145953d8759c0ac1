package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"filiere/internal/i18n"
	"filiere/internal/meetings"
	"filiere/internal/validate"
)

// meetingsMaxBytes is the largest problem file filiere meetings reads.
const meetingsMaxBytes = 256 << 20

// runMeetings runs filiere meetings schedule --in FILE [--out FILE]: it
// schedules the problem in FILE and writes the schedule as JSON to
// standard output, or to --out with a one-line summary on standard output.
// A file that breaks the rules exits 2, like a command-line mistake.
func runMeetings(_ context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "schedule" {
		if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
			return usagef("unknown meetings command %q: only schedule", args[0])
		}
		fmt.Fprintln(c.stderr, "Usage: filiere meetings schedule --in FILE.json [--out FILE.json] [--seed N]")
		return usagef("what to do is required")
	}
	fs := c.bareFlagSet("meetings schedule")
	inFile := fs.String("in", "", "the problem as JSON (- for standard input)")
	outFile := fs.String("out", "", "write the schedule to this file instead of standard output")
	seed := fs.Uint64("seed", 0, "seed of the local search: the same file and seed give the same schedule")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *inFile == "" {
		return usagef("--in FILE.json is required (- for standard input)")
	}
	var r io.Reader = c.stdin
	if *inFile != "-" {
		f, err := os.Open(*inFile)
		if err != nil {
			return fmt.Errorf("meetings: %w", err)
		}
		defer f.Close()
		r = f
	}
	p, err := meetings.Decode(io.LimitReader(r, meetingsMaxBytes))
	if err != nil {
		return inputError(err)
	}
	s, err := meetings.Solve(p, meetings.Options{Seed: *seed})
	if err != nil {
		return inputError(err)
	}
	return writeSchedule(c, *outFile, p, s)
}

// inputError makes a mistake in the problem file exit 2 with its
// explanation; other errors (reading the file) exit 1.
func inputError(err error) error {
	_, invalid := validate.As(err)
	_, malformed := validate.AsMessage(err)
	if invalid || malformed {
		return usageError{describe(err)}
	}
	return err
}

// writeSchedule writes s as JSON to file, or to standard output when file
// is "".
func writeSchedule(c *cli, file string, p meetings.Problem, s meetings.Schedule) error {
	if file == "" {
		return meetings.Encode(c.stdout, s)
	}
	var b bytes.Buffer
	if err := meetings.Encode(&b, s); err != nil {
		return err
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("meetings: %w", err)
	}
	requested := 0
	for _, r := range p.Requests {
		requested += r.Weight
	}
	fmt.Fprintln(c.stdout, i18n.T("en", "meetings.cli.summary", s.Scheduled, len(p.Requests), s.Weight, requested, s.UpperBound))
	return nil
}
