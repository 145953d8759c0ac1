// Command filiere runs the cluster platform: the web server and the
// operator's commands (migrations, demo data, accounts, backups).
//
// main only parses the command line and calls into internal/; run is the
// real entry point, so the tests drive every subcommand in-process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"syscall"
	_ "time/tzdata" // dates are shown in Europe/Paris even on hosts without a zone database

	"filiere/internal/audit"
	"filiere/internal/config"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal starts a graceful stop, a second one kills.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// cli is what a subcommand reads and writes: its streams and environment.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the arguments, for the usage text
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// commands lists every subcommand in the order the usage shows them.
var commands = []command{
	{"serve", "[--demo] [config flags]", "migrate the database, then serve the web UI, /api/v1, /healthz and /metrics", runServe},
	{"migrate", "[config flags]", "apply pending migrations and print the schema version", runMigrate},
	{"demo", "[--seed N] [config flags]", "fill an empty database with the demo cluster", runDemo},
	{"user", "add|set-password|list|disable|enable ...", "manage accounts (filiere user help for details)", runUser},
	{"import", "organisations|applications FILE [--dry-run] [--all-or-nothing] [--lang fr|en]", "import organisations, or past applications to calls, from CSV/XLSX; prints a row-by-row report, exit 1 if rows were rejected", runImport},
	{"report", "calls --year YEAR [--format json|xlsx|html] [--out FILE] [--lang fr|en]", "write a year's call statistics (per scheme, scheme group, total) to stdout or FILE", runReport},
	{"meetings", "schedule --in FILE.json [--out FILE.json] [--seed N]", "schedule one-to-one business meetings; reports unscheduled requests and an upper bound", runMeetings},
	{"backup", "--to FILE [config flags]", "write a consistent copy of the database to FILE", runBackup},
	{"version", "", "print the version and the schema version this binary expects", runVersion},
	{"help", "", "print this help", nil},
}

// usageError is a mistake on the command line: run prints it with the usage
// and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run executes the command line args (without the program name) and returns
// the process's exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	var cmd *command
	for i := range commands {
		if commands[i].name == name && commands[i].run != nil {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		if name != "help" && name != "-h" && name != "--help" && name != "-help" {
			fmt.Fprintf(stderr, "filiere: unknown command %q\n\n", name)
		}
		printUsage(stderr)
		return exitUsage
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "cli:" + osUserName()})
	err := cmd.run(ctx, c, rest)
	var uerr usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK // the flag package printed the subcommand's help
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "filiere %s: %s\n", name, uerr.msg)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "filiere: "+describe(err))
		return exitFailure
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: filiere <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		synopsis := strings.TrimSpace(c.name + " " + c.args)
		fmt.Fprintf(w, "  %-48s %s\n", synopsis, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Config flags (each also read from its environment variable):")
	for _, o := range config.Options {
		fmt.Fprintf(w, "  --%-16s %s\n", o.Flag, o.Env)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run filiere <command> -h for a command's flags.")
}

// flagSet returns a subcommand's flag set, with every config flag registered
// and its errors and help going to the command's stderr.
func (c *cli) flagSet(name string) (*flag.FlagSet, map[string]*string) {
	fs := c.bareFlagSet(name)
	return fs, config.Register(fs)
}

// bareFlagSet returns a flag set without the config flags, for subcommands
// that touch neither the database nor the server.
func (c *cli) bareFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("filiere "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs
}

// parse parses args into fs, refusing positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// config resolves the settings from the parsed flags and the environment.
func (c *cli) config(flags map[string]*string) (config.Config, error) {
	return config.Resolve(flags, c.getenv)
}

// osUserName names the operator in the audit log.
func osUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "unknown"
}

// describe renders err for the operator: domain validation errors are
// translated into English, one line per field.
func describe(err error) string {
	if errs, ok := validate.As(err); ok {
		var b strings.Builder
		b.WriteString("invalid input:")
		for _, fe := range errs {
			field := fe.Field
			if field == "" {
				field = "input"
			}
			fmt.Fprintf(&b, "\n  %s: %s", field, i18n.T("en", fe.Key, fe.Args...))
		}
		return b.String()
	}
	if m, ok := validate.AsMessage(err); ok {
		return i18n.T("en", m.Key, m.Args...)
	}
	return err.Error()
}
