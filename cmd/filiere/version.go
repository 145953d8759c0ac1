package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"filiere/internal/db"
)

// version is the release, set at build time:
//
//	go build -ldflags "-X main.version=v1.2.0" ./cmd/filiere
var version string

// buildVersion is version, else the module version Go recorded in the
// binary (go install filiere@v1.2.0), else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// runVersion prints the version and the schema version the binary expects.
func runVersion(_ context.Context, c *cli, args []string) error {
	fs := c.bareFlagSet("version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "filiere %s (schema %d)\n", buildVersion(), db.LatestVersion(db.SQLite))
	return nil
}
