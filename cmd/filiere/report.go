package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"filiere/internal/calls"
	"filiere/internal/directory"
)

// runReport runs filiere report calls: the year's statistics of the calls
// (per scheme, scheme group and in total) as JSON, XLSX or a printable
// HTML page, on standard output or in --out FILE.
func runReport(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "calls" {
		if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
			return usagef("unknown report %q: only calls can be reported", args[0])
		}
		fmt.Fprintln(c.stderr, "Usage: filiere report calls --year YEAR [--format json|xlsx|html] [--out FILE] [--lang fr|en] [config flags]")
		return usagef("which report is required")
	}
	fs, flags := c.flagSet("report calls")
	year := fs.Int("year", 0, "the year of the calls (required)")
	format := fs.String("format", "json", "json, xlsx or html")
	out := fs.String("out", "", "write to FILE instead of standard output")
	lang := fs.String("lang", "fr", "language of the XLSX and HTML labels: fr or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *year == 0:
		return usagef("--year is required")
	case *year < 1990 || *year > 2100:
		return usagef("--year must be between 1990 and 2100")
	case *format != "json" && *format != "xlsx" && *format != "html":
		return usagef("--format must be json, xlsx or html")
	case *lang != "fr" && *lang != "en":
		return usagef("--lang must be fr or en")
	}
	cfg, err := c.config(flags)
	if err != nil {
		return err
	}
	d, err := openCurrent(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	st, err := calls.New(d, directory.NewStore(d), cfg.BaseURL).Statistics(ctx, calls.System, *year)
	if err != nil {
		return err
	}
	// Rendered in memory first, so that a failure leaves no half file.
	var buf bytes.Buffer
	switch *format {
	case "json":
		err = calls.WriteStatsJSON(&buf, st)
	case "xlsx":
		err = calls.WriteStatsXLSX(&buf, st, *lang)
	case "html":
		err = calls.WriteStatsHTML(&buf, st, *lang)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = c.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
