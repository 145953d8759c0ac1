package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filiere/internal/audit"
)

// importCmd runs filiere import in-process and returns what it printed and
// the exit code run gives its error.
func importCmd(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut strings.Builder
	c := &cli{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "cli:camille"})
	err := runImport(ctx, c, args)
	code := exitOK
	var uerr usageError
	switch {
	case err == nil:
	case errors.As(err, &uerr):
		code = exitUsage
		errOut.WriteString(uerr.msg)
	case errors.Is(err, flag.ErrHelp):
	default:
		code = exitFailure
		errOut.WriteString(describe(err))
	}
	return result{code, out.String(), errOut.String()}
}

// writeFile writes a file in a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const cliImportFile = "Nom;SIRET;Type;Code postal;Ville\r\n" +
	"Stérilix;81234567600017;PME;25000;Besançon\r\n" +
	"Mauvais;81234567600018;PME;25000;Besançon\r\n" +
	"Lab Écho;;Laboratoire;21000;Dijon\r\n"

func TestImportPrintsEachRowAndFailsWhenRowsAreRejected(t *testing.T) {
	url := migratedDB(t)
	file := writeFile(t, "annuaire.csv", cliImportFile)

	dry := importCmd(t, "organisations", file, "--dry-run", "--db", url)
	if dry.code != exitFailure {
		t.Errorf("dry run with a rejected row: exit %d, want %d", dry.code, exitFailure)
	}
	for _, want := range []string{"line 2: create Stérilix\n", "line 3: rejected Mauvais: SIRET: ", "line 4: create Lab Écho\n",
		"Create: 2, update: 0, unchanged: 0, rejected: 1. Dry run: nothing was written."} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, dry.stdout)
		}
	}
	if !strings.Contains(dry.stderr, "1 row(s) rejected") {
		t.Errorf("stderr = %q", dry.stderr)
	}
	d, _ := openUsers(t, url)
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil || n != 0 {
		t.Fatalf("dry run wrote %d organisations (%v)", n, err)
	}

	if r := importCmd(t, "organisations", "--all-or-nothing", file, "--db", url); r.code != exitFailure ||
		!strings.Contains(r.stdout, "All or nothing: rows were rejected, so nothing was written.") {
		t.Errorf("all or nothing: exit %d\n%s", r.code, r.stdout)
	}

	real := importCmd(t, "organisations", file, "--db", url, "--lang", "fr")
	if real.code != exitFailure || !strings.Contains(real.stdout, "ligne 2 : création de Stérilix") || !strings.Contains(real.stdout, "Import terminé.") {
		t.Errorf("real run: exit %d\n%s", real.code, real.stdout)
	}
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil || n != 2 {
		t.Fatalf("real run: %d organisations (%v)", n, err)
	}
	var actor string
	if err := d.QueryRow(context.Background(), "SELECT actor_label FROM audit_log WHERE entity = 'organisation' LIMIT 1").Scan(&actor); err != nil || actor != "cli import:camille" {
		t.Errorf("audit actor %q (%v)", actor, err)
	}

	good := writeFile(t, "good.csv", "Nom;SIRET;Type;Code postal;Ville\r\nStérilix;81234567600017;PME;25000;Besançon\r\n")
	again := importCmd(t, "organisations", good, "--db", url)
	if again.code != exitOK || !strings.Contains(again.stdout, "line 2: unchanged Stérilix") || !strings.Contains(again.stdout, "Nothing to write.") {
		t.Errorf("re-import: exit %d\n%s\n%s", again.code, again.stdout, again.stderr)
	}
}

func TestImportCommandLineMistakesAreUsageErrors(t *testing.T) {
	url := migratedDB(t)
	file := writeFile(t, "a.csv", "name;kind\nA;sme\n")
	for _, args := range [][]string{
		{},
		{"people", file},
		{"organisations"},
		{"organisations", file, file},
		{"organisations", file, "--lang", "de"},
		{"organisations", file, "--no-such-flag"},
	} {
		if r := importCmd(t, append(args, "--db", url)...); r.code != exitUsage {
			t.Errorf("filiere import %q: exit %d, want %d (%s)", args, r.code, exitUsage, r.stderr)
		}
	}
	if r := importCmd(t, "organisations", filepath.Join(t.TempDir(), "missing.csv"), "--db", url); r.code != exitFailure {
		t.Errorf("missing file: exit %d", r.code)
	}
	empty := writeFile(t, "empty.csv", "")
	if r := importCmd(t, "organisations", empty, "--db", url); r.code != exitFailure || !strings.Contains(r.stderr, "The file is empty") {
		t.Errorf("empty file: exit %d, %q", r.code, r.stderr)
	}
}
