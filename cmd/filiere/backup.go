package main

import (
	"context"
	"fmt"
	"os"

	"filiere/internal/db"
)

// runBackup writes a consistent copy of the live database to --to.
func runBackup(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("backup")
	to := fs.String("to", "", "file to write the backup to (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return usagef("--to FILE is required")
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
	if err := d.Backup(ctx, *to); err != nil {
		return err
	}
	fi, err := os.Stat(*to)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(c.stdout, "backup written to %s (%s)\n", *to, byteSize(fi.Size()))
	return nil
}

// byteSize renders n bytes for a person: "512 B", "3.4 MiB".
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
