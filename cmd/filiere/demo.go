package main

import (
	"context"
	"fmt"
	"io"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/demo"
)

// runDemo fills the configured database, migrated first, with the demo
// cluster generated from --seed, and prints what it made and the logins.
func runDemo(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("demo")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed gives the same cluster")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.config(flags)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := migrate(ctx, d); err != nil {
		return err
	}
	users := auth.NewService(d, auth.Options{BaseURL: cfg.BaseURL, IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionMax})
	res, err := demo.Generate(ctx, d, users, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "demo cluster created (seed %d): %d organisations, %d people, %d users\n", *seed, res.Organisations, res.People, res.Users)
	printLogins(c.stdout, res.Logins)
	return nil
}

// printLogins lists one demo login per line, aligned.
func printLogins(w io.Writer, logins []demo.Login) {
	if len(logins) == 0 {
		return
	}
	roleWidth, emailWidth := 0, 0
	for _, l := range logins {
		roleWidth, emailWidth = max(roleWidth, len(l.Role)), max(emailWidth, len(l.Email))
	}
	fmt.Fprintln(w, "Demo logins (password after the colon):")
	for _, l := range logins {
		fmt.Fprintf(w, "  %-*s  %-*s : %s\n", roleWidth, l.Role, emailWidth, l.Email, l.Password)
	}
}
