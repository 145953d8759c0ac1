package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
)

// result is what one in-process run of the command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// filiere runs the command line args in-process with stdin as its standard
// input (nil: none).
func filiere(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errOut strings.Builder
	code := run(t.Context(), args, stdin, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// mustRun runs args and fails the test unless they exit 0.
func mustRun(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	r := filiere(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("filiere %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// tempDB returns the --db value of a fresh SQLite file.
func tempDB(t *testing.T) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "filiere.db")
}

// migratedDB returns the --db value of a fresh, migrated SQLite file.
func migratedDB(t *testing.T) string {
	t.Helper()
	url := tempDB(t)
	mustRun(t, nil, "migrate", "--db", url)
	return url
}

// openUsers opens the database behind url for checking what the CLI did.
func openUsers(t *testing.T, url string) (*db.DB, *auth.Service) {
	t.Helper()
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, auth.NewService(d, auth.Options{})
}

func TestMigrateAppliesEverythingOnceThenNothing(t *testing.T) {
	url := tempDB(t)
	first := mustRun(t, nil, "migrate", "--db", url)
	latest := db.LatestVersion(db.SQLite)
	if !strings.Contains(first.stdout, "applied 0001_foundation") || !strings.Contains(first.stdout, "schema version "+strconv.Itoa(latest)) {
		t.Errorf("first migrate printed:\n%s", first.stdout)
	}
	second := mustRun(t, nil, "migrate", "--db", url)
	if strings.Contains(second.stdout, "applied") || !strings.Contains(second.stdout, "already up to date: schema version "+strconv.Itoa(latest)) {
		t.Errorf("second migrate printed:\n%s", second.stdout)
	}
}

func TestMigrateRefusesANewerSchema(t *testing.T) {
	url := migratedDB(t)
	d, _ := openUsers(t, url)
	if _, err := d.Exec(context.Background(), "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', CURRENT_TIMESTAMP)", db.LatestVersion(db.SQLite)+1); err != nil {
		t.Fatal(err)
	}
	r := filiere(t, nil, "migrate", "--db", url)
	if r.code != 1 || !strings.Contains(r.stderr, "filiere: database schema is at version") || !strings.Contains(r.stderr, "upgrade filiere") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestUserAddListDisableEnableSetPasswordRoundTrip(t *testing.T) {
	ctx := context.Background()
	url := migratedDB(t)
	mustRun(t, strings.NewReader("a long admin password\n"), "user", "add", "--db", url,
		"--email", "Camille.Martin@cluster.example", "--name", "Camille Martin", "--role", "admin", "--lang", "en")
	mustRun(t, strings.NewReader("staff password 2026\nignored second line\n"), "user", "add", "--db", url,
		"--email", "lea.dubois@cluster.example", "--name", "Léa Dubois", "--role", "staff")

	d, users := openUsers(t, url)
	if _, _, err := users.Login(ctx, "camille.martin@cluster.example", "a long admin password", "127.0.0.1", "test"); err != nil {
		t.Fatalf("admin cannot log in with the password given on stdin: %v", err)
	}
	lea, err := users.UserByEmail(ctx, "lea.dubois@cluster.example")
	if err != nil || lea.Role != auth.RoleStaff || lea.Lang != "fr" || lea.Name != "Léa Dubois" {
		t.Fatalf("staff user = %+v, %v", lea, err)
	}

	list := mustRun(t, nil, "user", "list", "--db", url)
	for _, want := range []string{"EMAIL", "LAST LOGIN", "camille.martin@cluster.example", "Léa Dubois", "staff", "2 user(s)"} {
		if !strings.Contains(list.stdout, want) {
			t.Errorf("user list lacks %q:\n%s", want, list.stdout)
		}
	}
	staffOnly := mustRun(t, nil, "user", "list", "--db", url, "--role", "staff")
	if strings.Contains(staffOnly.stdout, "camille") || !strings.Contains(staffOnly.stdout, "lea.dubois") {
		t.Errorf("user list --role staff:\n%s", staffOnly.stdout)
	}

	mustRun(t, nil, "user", "disable", "--db", url, "--email", "lea.dubois@cluster.example")
	if u, _ := users.UserByEmail(ctx, "lea.dubois@cluster.example"); !u.Disabled {
		t.Error("user disable left the account enabled")
	}
	if list := mustRun(t, nil, "user", "list", "--db", url, "--role", "staff"); !strings.Contains(list.stdout, "yes") {
		t.Errorf("user list does not show the account disabled:\n%s", list.stdout)
	}
	mustRun(t, nil, "user", "enable", "--db", url, "--email", "lea.dubois@cluster.example")
	if u, _ := users.UserByEmail(ctx, "lea.dubois@cluster.example"); u.Disabled {
		t.Error("user enable left the account disabled")
	}

	mustRun(t, strings.NewReader("a brand new password\n"), "user", "set-password", "--db", url, "--email", "lea.dubois@cluster.example")
	if _, _, err := users.Login(ctx, "lea.dubois@cluster.example", "a brand new password", "127.0.0.1", "test"); err != nil {
		t.Fatalf("cannot log in with the new password: %v", err)
	}

	var cliRows int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND actor_label LIKE 'cli:%'").Scan(&cliRows); err != nil {
		t.Fatal(err)
	}
	if cliRows < 5 { // two creations, disable, enable, password
		t.Errorf("%d audit rows by the command line, want at least 5", cliRows)
	}
}

func TestUserAddOnATerminalGeneratesAndPrintsThePassword(t *testing.T) {
	url := migratedDB(t)
	tty, err := os.Open(os.DevNull) // a character device, like a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	r := mustRun(t, tty, "user", "add", "--db", url, "--email", "expert@lab.example", "--name", "Yann Le Goff", "--role", "expert")
	_, after, ok := strings.Cut(r.stdout, "password: ")
	if !ok {
		t.Fatalf("no generated password printed:\n%s", r.stdout)
	}
	password, _, _ := strings.Cut(after, "\n")
	if len(password) != 20 {
		t.Errorf("generated password %q has %d characters, want 20", password, len(password))
	}
	_, users := openUsers(t, url)
	if _, _, err := users.Login(context.Background(), "expert@lab.example", password, "127.0.0.1", "test"); err != nil {
		t.Errorf("cannot log in with the printed password: %v", err)
	}
}

func TestUserAddWithAnUnknownRoleFailsNamingTheRoles(t *testing.T) {
	url := migratedDB(t)
	r := filiere(t, strings.NewReader("a long enough password\n"), "user", "add", "--db", url,
		"--email", "x@example.org", "--name", "X", "--role", "wizard")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "filiere: ") || !strings.Contains(r.stderr, `unknown role "wizard"`) || !strings.Contains(r.stderr, "admin, staff, member") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestUserAddPrintsDomainValidationErrorsPerField(t *testing.T) {
	url := migratedDB(t)
	r := filiere(t, strings.NewReader("short\n"), "user", "add", "--db", url,
		"--email", "not-an-address", "--name", "Someone", "--role", "member")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	for _, field := range []string{"\n  email: ", "\n  password: ", "\n  organisation: "} {
		if !strings.Contains(r.stderr, field) {
			t.Errorf("stderr lacks the line for %q:\n%s", strings.TrimSpace(field), r.stderr)
		}
	}
	if strings.Contains(r.stderr, "auth.") {
		t.Errorf("stderr shows untranslated message keys:\n%s", r.stderr)
	}
}

func TestUserCommandsOnAnUnknownEmailFail(t *testing.T) {
	url := migratedDB(t)
	r := filiere(t, nil, "user", "disable", "--db", url, "--email", "nobody@example.org")
	if r.code != 1 || !strings.Contains(r.stderr, `no user with e-mail "nobody@example.org"`) {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestUnknownCommandPrintsUsageAndExits2(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"help"}, {}, {"user", "frobnicate"}, {"migrate", "--no-such-flag"}} {
		r := filiere(t, nil, args...)
		if r.code != 2 {
			t.Errorf("filiere %v: exit %d, want 2", args, r.code)
		}
	}
	r := filiere(t, nil, "frobnicate")
	for _, name := range []string{`unknown command "frobnicate"`, "serve", "migrate", "demo", "user", "backup", "version", "help"} {
		if !strings.Contains(r.stderr, name) {
			t.Errorf("usage lacks %q:\n%s", name, r.stderr)
		}
	}
}

func TestVersionPrintsTheSchemaVersion(t *testing.T) {
	r := mustRun(t, nil, "version")
	want := " (schema " + strconv.Itoa(db.LatestVersion(db.SQLite)) + ")\n"
	if !strings.HasPrefix(r.stdout, "filiere ") || !strings.HasSuffix(r.stdout, want) {
		t.Errorf("version printed %q, want filiere <version>%s", r.stdout, want)
	}
}

func TestBackupWritesAFileHoldingTheData(t *testing.T) {
	url := migratedDB(t)
	mustRun(t, strings.NewReader("a long admin password\n"), "user", "add", "--db", url,
		"--email", "admin@cluster.example", "--name", "Admin", "--role", "admin")
	to := filepath.Join(t.TempDir(), "copy.db")
	r := mustRun(t, nil, "backup", "--db", url, "--to", to)
	if !strings.Contains(r.stdout, to) {
		t.Errorf("backup printed:\n%s", r.stdout)
	}
	fi, err := os.Stat(to)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v, %v", fi, err)
	}
	_, users := openUsers(t, "sqlite://"+to)
	if _, err := users.UserByEmail(context.Background(), "admin@cluster.example"); err != nil {
		t.Errorf("the backup lacks the account: %v", err)
	}
}

func TestBackupWithoutDestinationIsAUsageError(t *testing.T) {
	if r := filiere(t, nil, "backup", "--db", tempDB(t)); r.code != 2 {
		t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
	}
}

func TestDemoFillsAnEmptyDatabaseOnceAndPrintsTheLogins(t *testing.T) {
	url := tempDB(t) // demo migrates first
	r := mustRun(t, nil, "demo", "--db", url, "--seed", "7")
	for _, want := range []string{"demo cluster created (seed 7): ", " organisations, ", "Demo logins (password after the colon):", "admin@demo.filiere.example"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	again := filiere(t, nil, "demo", "--db", url)
	if again.code != 1 || !strings.Contains(again.stderr, "already holds organisations") {
		t.Errorf("second demo: exit %d, stderr:\n%s", again.code, again.stderr)
	}
}

func TestMigratingToTheSearchSchemaIndexesExistingOrganisations(t *testing.T) {
	url := migratedDB(t)
	d, _ := openUsers(t, url)
	ctx := context.Background()
	// A database as it was before migration 0003: an organisation, no index,
	// no profile (what 0004 adds is undone too).
	// The tables of the migrations after 0004 go too: migrate applies
	// every version after the last one recorded.
	var undo []string
	for _, table := range []string{"session_recusals", "session_items", "session_members", "committee_sessions",
		"review_scores", "assignments", "expert_exclusions", "expert_conflicts", "expert_interests", "experts",
		"application_files", "application_answers", "application_partners", "applications", "call_criteria", "call_fields",
		"calls", "call_settings",
		"meeting_run_unscheduled", "meeting_appointments", "meeting_runs", "meeting_requests",
		"meeting_availability", "meeting_attendees", "meeting_slots", "meeting_setups", "meeting_settings",
		"need_outcomes", "need_candidates", "need_attachments", "need_events", "needs",
		"matchmaking_settings", "notifications", "saved_searches",
		"survey_answers", "survey_responses", "survey_invitations", "survey_choices", "survey_questions", "surveys", "survey_settings",
		"event_registrations", "event_recordings", "event_sponsors", "event_exhibitors", "event_speakers", "event_sessions",
		"event_sectors", "events", "events_settings"} {
		undo = append(undo, "DROP TABLE IF EXISTS "+table)
	}
	undo = append(undo, "DROP TABLE organisation_fts", "DROP TABLE organisation_search")
	undo = append(undo, "DROP TABLE taxonomy_terms")
	for _, table := range []string{"steps", "bricks", "services", "certifications", "capacities", "logos", "changes"} {
		undo = append(undo, "DROP TABLE organisation_"+table)
	}
	for _, index := range []string{"siret", "postcode", "updated", "group_name"} {
		undo = append(undo, "DROP INDEX organisations_"+index)
	}
	for _, column := range []string{"siret", "headcount", "revenue", "founded", "keywords", "equipment", "capacity_notes", "visibility", "group_name"} {
		undo = append(undo, "ALTER TABLE organisations DROP COLUMN "+column)
	}
	for _, stmt := range append(undo,
		"DELETE FROM schema_migrations WHERE version >= 3",
		"INSERT INTO organisations (name, kind, membership, description_fr, created_at, updated_at) VALUES ('Stérilix', 'sme', 'member', 'Stérilisation par oxyde d''éthylène', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')",
	) {
		if _, err := d.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	r := mustRun(t, nil, "migrate", "--db", url)
	if !strings.Contains(r.stdout, "0003_directory_search") || !strings.Contains(r.stdout, "0004_directory_profiles") {
		t.Fatalf("migrate printed:\n%s", r.stdout)
	}
	res, err := directory.NewStore(d).Search(ctx, directory.SearchQuery{Text: "sterilisations"})
	if err != nil || res.Total != 1 || res.Hits[0].Name != "Stérilix" {
		t.Fatalf("search after migrate: %+v, %v", res, err)
	}
}
