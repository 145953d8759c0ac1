package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"filiere/internal/audit"
	"filiere/internal/calls"
	"filiere/internal/config"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/importer"
	"filiere/internal/validate"
)

// importMaxBytes is the largest file filiere import reads: the command
// line has no upload limit, only memory.
const importMaxBytes = 1 << 30

// runImport runs filiere import organisations|applications FILE.
func runImport(ctx context.Context, c *cli, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "organisations":
			return runImportOrganisations(ctx, c, args[1:])
		case "applications":
			return runImportApplications(ctx, c, args[1:])
		case "-h", "--help", "help":
		default:
			return usagef("unknown import %q: organisations or applications can be imported", args[0])
		}
	}
	fmt.Fprintln(c.stderr, "Usage: filiere import organisations|applications FILE [--dry-run] [--all-or-nothing] [--lang fr|en] [config flags]")
	return usagef("what to import is required")
}

// importFlags are what both imports take: their flags, the file and the
// configuration.
type importFlags struct {
	dryRun, allOrNothing bool
	lang                 string
	cfg                  config.Config
	file                 string
}

// parseImport parses an import's arguments: the flags and one FILE.
func (c *cli) parseImport(name string, args []string) (importFlags, error) {
	fs, flags := c.flagSet(name)
	dryRun := fs.Bool("dry-run", false, "print what the import would do, write nothing")
	allOrNothing := fs.Bool("all-or-nothing", false, "write nothing if any row is rejected")
	lang := fs.String("lang", "en", "language of the report: fr or en")
	file, err := parseWithFile(fs, args)
	if err != nil {
		return importFlags{}, err
	}
	if *lang != "fr" && *lang != "en" {
		return importFlags{}, usagef("--lang must be fr or en")
	}
	cfg, err := c.config(flags)
	if err != nil {
		return importFlags{}, err
	}
	return importFlags{dryRun: *dryRun, allOrNothing: *allOrNothing, lang: *lang, cfg: cfg, file: file}, nil
}

// runImportOrganisations runs filiere import organisations FILE: it
// imports (or, with --dry-run, plans) the file, prints the report one line
// per row and a summary, and fails (exit 1) when any row was rejected.
func runImportOrganisations(ctx context.Context, c *cli, args []string) error {
	f, err := c.parseImport("import organisations", args)
	if err != nil {
		return err
	}
	r, name, closeFile, err := c.openInput(f.file)
	if err != nil {
		return err
	}
	defer closeFile()
	in, err := importer.Read(name, r, importMaxBytes)
	if err != nil {
		return localised(f.lang, err)
	}
	d, err := openCurrent(ctx, f.cfg)
	if err != nil {
		return err
	}
	defer d.Close()

	ctx = importActor(ctx)
	rep, err := importer.Run(ctx, directory.NewStore(d), in, importer.Options{DryRun: f.dryRun, AllOrNothing: f.allOrNothing})
	if errors.Is(err, directory.ErrChanged) {
		return errors.New(i18n.T(f.lang, "import.changed"))
	}
	if err != nil {
		return localised(f.lang, err)
	}
	printReport(c.stdout, rep, f.lang)
	if rep.Rejected > 0 {
		return errors.New(i18n.T(f.lang, "import.cli.rejected", rep.Rejected))
	}
	return nil
}

// runImportApplications runs filiere import applications FILE: past
// applications (one per row) become imported calls and applications for
// the statistics. It prints the report one line per row, the calls and
// organisations created and a summary, and fails (exit 1) when any row was
// rejected.
func runImportApplications(ctx context.Context, c *cli, args []string) error {
	f, err := c.parseImport("import applications", args)
	if err != nil {
		return err
	}
	r, name, closeFile, err := c.openInput(f.file)
	if err != nil {
		return err
	}
	defer closeFile()
	in, err := calls.ReadHistory(name, r, importMaxBytes)
	if err != nil {
		return localised(f.lang, err)
	}
	d, err := openCurrent(ctx, f.cfg)
	if err != nil {
		return err
	}
	defer d.Close()

	ctx = importActor(ctx)
	svc := calls.New(d, directory.NewStore(d), f.cfg.BaseURL)
	rep, err := svc.ImportHistory(ctx, in.Rows, calls.HistoryOptions{DryRun: f.dryRun, AllOrNothing: f.allOrNothing})
	if err != nil {
		return localised(f.lang, err)
	}
	for _, l := range rep.Lines {
		fmt.Fprintln(c.stdout, l.Text(f.lang))
	}
	if len(in.Ignored) > 0 {
		fmt.Fprintln(c.stdout, i18n.T(f.lang, "calls.import.ignored", strings.Join(in.Ignored, ", ")))
	}
	if len(rep.NewCalls) > 0 {
		names := make([]string, len(rep.NewCalls))
		for i, nc := range rep.NewCalls {
			names[i] = fmt.Sprintf("%s / %s %d", nc.SchemeGroup, nc.Scheme, nc.Year)
		}
		fmt.Fprintln(c.stdout, i18n.T(f.lang, "calls.import.new_calls", strings.Join(names, ", ")))
	}
	if len(rep.NewOrganisations) > 0 {
		fmt.Fprintln(c.stdout, i18n.T(f.lang, "calls.import.new_organisations", strings.Join(rep.NewOrganisations, ", ")))
	}
	fmt.Fprintln(c.stdout, rep.Summary(f.lang))
	if rep.Rejected > 0 {
		return errors.New(i18n.T(f.lang, "calls.import.cli.rejected", rep.Rejected))
	}
	return nil
}

// openInput opens the file an import reads, "-" for standard input, and
// returns it with the name that tells its format.
func (c *cli) openInput(file string) (io.Reader, string, func(), error) {
	if file == "-" {
		return c.stdin, "stdin.csv", func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, "", nil, fmt.Errorf("import: %w", err)
	}
	return f, file, func() { f.Close() }, nil
}

// importActor names the operator's import in the audit log.
func importActor(ctx context.Context) context.Context {
	actor := audit.ActorFrom(ctx)
	actor.Label = "cli import:" + strings.TrimPrefix(actor.Label, "cli:")
	return audit.WithActor(ctx, actor)
}

// parseWithFile parses args, flags and one positional FILE in any order
// ("FILE --dry-run" as well as "--dry-run FILE").
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(files) {
	case 0:
		return "", usagef("FILE is required (a CSV or XLSX file, - for standard input)")
	case 1:
		return files[0], nil
	}
	return "", usagef("one FILE at a time, got %d", len(files))
}

// localised turns a file-level import error into a sentence in lang.
func localised(lang string, err error) error {
	if m, ok := validate.AsMessage(err); ok {
		return errors.New(i18n.T(lang, m.Key, m.Args...))
	}
	return err
}

// printReport writes the report: one line per row, the ignored columns,
// then the summary.
func printReport(w io.Writer, rep importer.Report, lang string) {
	for _, row := range rep.Rows {
		fmt.Fprintln(w, row.Text(lang))
	}
	if len(rep.Ignored) > 0 {
		fmt.Fprintln(w, i18n.T(lang, "import.ignored", strings.Join(rep.Ignored, ", ")))
	}
	fmt.Fprintln(w, rep.Summary(lang))
}
