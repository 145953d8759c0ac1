// Command filiere-bench measures filiere's throughput and latency under
// concurrent clients. It builds the real server in-process on a demo
// database, serves it on 127.0.0.1 and drives each scenario with N keep-alive
// clients; docs/benchmarks.md explains how to read the figures. Server and
// load generator share the process and its CPUs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/config"
	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "filiere-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "search" {
		return runSearch(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "match" {
		return runMatch(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("filiere-bench", flag.ContinueOnError)
	dbURL := fs.String("db", "", "database URL (default: a fresh temporary SQLite file filled with the demo cluster)")
	duration := fs.Duration("duration", 10*time.Second, "measured time per scenario")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured run before each scenario's measurement")
	clients := fs.Int("clients", 50, fmt.Sprintf("concurrent clients (login-post uses at most %d)", loginPostClients))
	jsonOut := fs.Bool("json", false, "print the results as JSON too")
	names := fs.String("scenarios", strings.Join(scenarioNames(), ","), "comma-separated scenarios to run (always in this order)")
	email := fs.String("email", "", "staff login of the signed-in scenarios (default: the demo's; needed when -db already holds data)")
	password := fs.String("password", "", "password of -email")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured scenarios (server and clients) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *clients < 1 || *duration <= 0 || *warmup < 0 {
		return errors.New("-clients must be at least 1, -duration positive and -warmup not negative")
	}
	var chosen []string
	for n := range strings.SplitSeq(*names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !slices.Contains(scenarioNames(), n) {
			return fmt.Errorf("unknown scenario %q (known: %s)", n, strings.Join(scenarioNames(), ", "))
		}
		chosen = append(chosen, n)
	}

	t, err := start(ctx, *dbURL, *email, *password)
	if err != nil {
		return err
	}
	defer t.close()

	env := machine{
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), CPU: cpuModel(),
		Date: time.Now().Format(time.RFC3339), Database: t.database,
		Duration: *duration, Warmup: *warmup,
	}
	fmt.Fprintf(stdout, "filiere-bench: server and load generator in one process on %s: they share the CPUs\n", t.url)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	began := time.Now().UTC()
	var results []Result
	for _, sc := range scenarios(t.email, t.password) {
		if !slices.Contains(chosen, sc.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "running %s (%s %s) ...\n", sc.name, sc.method, sc.path)
		s, err := runScenario(ctx, t.url, sc, *clients, *warmup, *duration)
		if err != nil {
			return err
		}
		results = append(results, summarize(sc, s))
	}
	withBaseline(results)
	writeReport(stdout, env, results)

	// The throttles count failures only: a run of successful logins must
	// leave none behind, or some were refused.
	var failed int
	if err := t.d.QueryRow(ctx, "SELECT COUNT(*) FROM login_attempts WHERE success = FALSE AND at >= ?", began).Scan(&failed); err != nil {
		return fmt.Errorf("count failed logins: %w", err)
	}
	fmt.Fprintf(stdout, "\nFailed login attempts recorded during the run: %d\n", failed)
	if *jsonOut {
		return writeJSON(stdout, env, results)
	}
	return nil
}

// target is the server under load.
type target struct {
	url             string
	email, password string // the staff login
	database        string
	d               *db.DB
	close           func()
}

// start opens and migrates the database, fills it with the demo cluster when
// empty, and serves the web handler on a free port of 127.0.0.1.
func start(ctx context.Context, dbURL, email, password string) (_ *target, err error) {
	var cleanups []func()
	t := &target{email: email, password: password, database: dbURL}
	t.close = func() {
		for _, f := range slices.Backward(cleanups) {
			f()
		}
	}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "filiere-bench-")
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		dbURL = "sqlite://" + filepath.Join(dir, "bench.db")
		t.database = "fresh temporary SQLite file"
	}
	cfg, err := config.Resolve(nil, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	cleanups = append(cleanups, func() { ln.Close() })
	cfg.DatabaseURL, cfg.Addr = dbURL, ln.Addr().String()
	cfg.BaseURL = "http://" + cfg.Addr
	t.url = cfg.BaseURL

	if t.d, err = db.Open(ctx, dbURL); err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { t.d.Close() })
	if _, err := t.d.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	users := auth.NewService(t.d, auth.Options{BaseURL: cfg.BaseURL, IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionMax})
	fmt.Fprintln(os.Stderr, "generating the demo cluster (seed 1) ...")
	res, err := demo.Generate(ctx, t.d, users, 1)
	switch {
	case errors.Is(err, demo.ErrNotEmpty) && email == "":
		return nil, errors.New("the database already holds organisations: pass -email and -password of a staff account")
	case errors.Is(err, demo.ErrNotEmpty):
	case err != nil:
		return nil, err
	default:
		t.database += fmt.Sprintf(", demo cluster seed 1: %d organisations, %d people, %d users", res.Organisations, res.People, res.Users)
	}
	if t.email == "" {
		for _, l := range res.Logins {
			if l.Role == string(auth.RoleStaff) {
				t.email, t.password = l.Email, l.Password
			}
		}
	}
	t.database = t.d.Dialect().String() + " (" + t.database + ")"

	srv, err := web.New(web.Deps{
		DB: t.d, Auth: users, Directory: directory.NewStore(t.d), Config: cfg,
		Logger: slog.New(slog.DiscardHandler), Version: "bench",
	})
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go hs.Serve(ln)
	cleanups = append(cleanups, func() { hs.Close() })
	return t, nil
}

// cpuModel is the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
