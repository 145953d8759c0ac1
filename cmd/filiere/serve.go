package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/config"
	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/mail"
	"filiere/internal/matchmaking"
	"filiere/internal/meetings"
	"filiere/internal/surveys"
	"filiere/internal/web"
)

// demoDatabaseURL is where serve --demo keeps its cluster when no database
// is configured: a file in the current directory, kept between runs.
const demoDatabaseURL = "sqlite://filiere-demo.db"

// demoSeed is the seed serve --demo generates its cluster from.
const demoSeed = 1

// Intervals of the background work.
const (
	mailEvery     = 10 * time.Second
	purgeEvery    = time.Hour
	sweepEvery    = 5 * time.Minute
	shutdownGrace = 10 * time.Second
)

// runServe migrates the database and serves HTTP until ctx ends (SIGINT or
// SIGTERM in main), then shuts down gracefully.
func runServe(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("serve")
	withDemo := fs.Bool("demo", false, "serve a demo cluster: in ./filiere-demo.db unless --db is given, generated when empty")
	if err := parse(fs, args); err != nil {
		return err
	}
	given := func(flag, env string) bool { return *flags[flag] != "" || c.getenv(env) != "" }
	if *withDemo && !given("db", "FILIERE_DATABASE_URL") {
		*flags["db"] = demoDatabaseURL
	}
	cfg, err := c.config(flags)
	if err != nil {
		return err
	}
	logger, err := newLogger(c, cfg)
	if err != nil {
		return err
	}

	// Listen first, so that the address printed below is the real one
	// (port 0 picks a free port) and a busy port fails before any work.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	url := listenURL(cfg.Addr, ln.Addr())
	if !given("base-url", "FILIERE_BASE_URL") {
		cfg.BaseURL = url
	}

	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := migrate(ctx, d)
	if err != nil {
		return err
	}
	for _, name := range applied {
		logger.Info("migration applied", "name", name)
	}

	users := auth.NewService(d, auth.Options{BaseURL: cfg.BaseURL, IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionMax})
	var logins []demo.Login
	var demoNote string
	if *withDemo {
		if logins, demoNote, err = ensureDemo(ctx, d, users, logger); err != nil {
			return err
		}
	}

	dir := directory.NewStore(d)
	if err := dir.RefreshTaxonomy(ctx); err != nil {
		return err
	}
	// Build the directory's index now rather than on the first search, then
	// give the garbage of building it back to the system.
	if _, err := dir.Search(ctx, directory.SearchQuery{Limit: 1}); err != nil {
		return err
	}
	debug.FreeOSMemory()
	desk := matchmaking.New(d, dir, users, cfg.BaseURL)
	polls := surveys.New(d, dir, cfg.BaseURL)
	agenda := events.New(d, dir, users, cfg.BaseURL)
	labels := calls.New(d, dir, cfg.BaseURL)
	srv, err := web.New(web.Deps{
		DB:          d,
		Auth:        users,
		Directory:   dir,
		Matchmaking: desk,
		Events:      agenda,
		Meetings:    meetings.NewProgramme(d, agenda, cfg.BaseURL),
		Surveys:     polls,
		Config:      cfg,
		Logger:      logger,
		Version:     buildVersion(),
	})
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(d, cfg.SMTPURL, cfg.MailFrom, logger)
	if err != nil {
		return err
	}

	// Background work stops with bgCtx, after the HTTP server has drained.
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer stopBackground()
	var bg sync.WaitGroup
	bg.Go(func() { sender.Run(bgCtx, mailEvery) })
	bg.Go(func() { purgeLoop(bgCtx, users, logger) })
	bg.Go(func() { sweepLoop(bgCtx, desk, polls, labels, logger) })

	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	fmt.Fprintf(c.stdout, "filiere is running at %s\n", url)
	printLogins(c.stdout, logins)
	if demoNote != "" {
		fmt.Fprintln(c.stdout, demoNote)
	}
	logger.Info("serving", "url", url, "base_url", cfg.BaseURL, "database", d.Dialect().String(), "version", buildVersion())

	var serveErr error
	select {
	case serveErr = <-served:
	case <-ctx.Done():
		logger.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		if err := hs.Shutdown(shutdownCtx); err != nil {
			serveErr = fmt.Errorf("serve: shutdown: %w", err)
		}
		cancel()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) && serveErr == nil {
			serveErr = err
		}
	}
	stopBackground()
	bg.Wait()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	logger.Info("stopped")
	return nil
}

// ensureDemo generates the demo cluster into an empty database and returns
// its logins. A database that already has organisations is left alone.
func ensureDemo(ctx context.Context, d *db.DB, users *auth.Service, logger *slog.Logger) ([]demo.Login, string, error) {
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil {
		return nil, "", fmt.Errorf("serve: count organisations: %w", err)
	}
	if n > 0 {
		// Print the role logins that still work as generated.
		var logins []demo.Login
		for _, l := range demo.RoleLogins() {
			if u, err := users.UserByEmail(ctx, l.Email); err == nil && !u.Disabled {
				l.Name = u.Name
				logins = append(logins, l)
			}
		}
		return logins, "demo database already present: passwords are the generated ones unless changed since", nil
	}
	logger.Info("generating the demo cluster", "seed", demoSeed)
	res, err := demo.Generate(ctx, d, users, demoSeed)
	if err != nil {
		return nil, "", err
	}
	logger.Info("demo cluster generated", "organisations", res.Organisations, "people", res.People, "users", res.Users)
	return res.Logins, "", nil
}

// purgeLoop deletes expired sessions and stale login records now and then
// every purgeEvery until ctx ends.
func purgeLoop(ctx context.Context, users *auth.Service, logger *slog.Logger) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		if err := users.Purge(ctx); err != nil && ctx.Err() == nil {
			logger.Error("purge expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepLoop runs the deadlines every sweepEvery until ctx ends: the
// matchmaking desk's reminders, expiry and follow-ups, the surveys whose
// closing time has come, the reminders of labels about to expire and of
// reviews due.
func sweepLoop(ctx context.Context, desk *matchmaking.Service, polls *surveys.Service, labels *calls.Service, logger *slog.Logger) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		if r, err := desk.Sweep(ctx); err != nil && ctx.Err() == nil {
			logger.Error("matchmaking sweep", "err", err)
		} else if r.Reminded+r.Expired+r.FollowedUp > 0 {
			logger.Info("matchmaking sweep", "reminded", r.Reminded, "expired", r.Expired, "followed_up", r.FollowedUp)
		}
		if n, err := polls.CloseDue(ctx); err != nil && ctx.Err() == nil {
			logger.Error("close due surveys", "err", err)
		} else if n > 0 {
			logger.Info("surveys closed at their closing time", "surveys", n)
		}
		if n, err := labels.RemindExpiringLabels(ctx); err != nil && ctx.Err() == nil {
			logger.Error("label reminders", "err", err)
		} else if n > 0 {
			logger.Info("holders of expiring labels reminded", "labels", n)
		}
		if n, err := labels.RemindReviewers(ctx); err != nil && ctx.Err() == nil {
			logger.Error("review reminders", "err", err)
		} else if n > 0 {
			logger.Info("experts reminded of reviews due", "experts", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listenURL is the URL people open: the configured host (a wildcard or
// empty host shows as localhost) with the port actually bound.
func listenURL(configured string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(configured)
	if err != nil {
		host = ""
	}
	port := ""
	if tcp, ok := bound.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	} else if _, p, err := net.SplitHostPort(bound.String()); err == nil {
		port = p
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// newLogger builds the structured logger the configuration asks for, on
// stderr: stdout carries only what the operator must read (URL, logins).
func newLogger(c *cli, cfg config.Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(c.stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(c.stderr, opts)), nil
}
