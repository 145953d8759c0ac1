package main

import (
	"context"
	"errors"
	"fmt"

	"filiere/internal/config"
	"filiere/internal/db"
	"filiere/internal/directory"
)

// runMigrate applies the pending migrations, printing each one applied and
// the schema version reached.
func runMigrate(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("migrate")
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
	applied, err := migrate(ctx, d)
	for _, name := range applied {
		fmt.Fprintln(c.stdout, "applied", name)
	}
	if err != nil {
		return err
	}
	v, err := d.Version(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(c.stdout, "already up to date: schema version %d\n", v)
	} else {
		fmt.Fprintf(c.stdout, "schema version %d\n", v)
	}
	return nil
}

// migrate applies the pending migrations. A schema newer than the binary is
// refused with ErrSchemaTooNew's own message, which says what to do.
func migrate(ctx context.Context, d *db.DB) ([]string, error) {
	applied, err := d.Migrate(ctx)
	var tooNew db.ErrSchemaTooNew
	if errors.As(err, &tooNew) {
		return applied, tooNew
	}
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}
	// The search index is built in Go (stemming), so a migration that
	// creates or changes it is followed by a rebuild.
	for _, name := range applied {
		if name == "0003_directory_search" || name == "0004_directory_profiles" {
			if _, err := directory.NewStore(d).Reindex(ctx); err != nil {
				return applied, fmt.Errorf("migrate: rebuild the search index: %w", err)
			}
			break
		}
	}
	return applied, nil
}

// openCurrent opens the configured database and checks that its schema is
// the one this binary knows (older: run filiere migrate; newer: upgrade).
func openCurrent(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := d.CheckVersion(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
