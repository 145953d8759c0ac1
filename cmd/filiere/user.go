package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
)

// userCommands are the actions of filiere user.
var userCommands = []struct {
	name, args, summary string
	run                 func(ctx context.Context, c *cli, args []string) error
}{
	{"add", "--email E --name N --role R [--org ID] [--lang fr|en]", "create an account; the password is read from standard input, or generated and printed", userAdd},
	{"set-password", "--email E", "set a password, read from the first line of standard input", userSetPassword},
	{"list", "[--role R]", "list accounts", userList},
	{"disable", "--email E", "disable an account and end its sessions", userDisable},
	{"enable", "--email E", "re-enable a disabled account", userEnable},
}

func printUserUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: filiere user <action> [flags] [config flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Actions:")
	for _, a := range userCommands {
		fmt.Fprintf(w, "  %-66s %s\n", a.name+" "+a.args, a.summary)
	}
	fmt.Fprintf(w, "\nRoles: %s\n", roleList())
}

// runUser dispatches filiere user <action>.
func runUser(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUserUsage(c.stderr)
		return usagef("an action is required")
	}
	for _, a := range userCommands {
		if a.name != args[0] {
			continue
		}
		return a.run(ctx, c, args[1:])
	}
	printUserUsage(c.stderr)
	return usagef("unknown action %q", args[0])
}

// userService opens the configured database, checks its schema and returns
// the account service on it; close releases the database.
func userService(ctx context.Context, c *cli, flags map[string]*string) (users *auth.Service, release func(), err error) {
	cfg, err := c.config(flags)
	if err != nil {
		return nil, nil, err
	}
	d, err := openCurrent(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	users = auth.NewService(d, auth.Options{BaseURL: cfg.BaseURL, IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionMax})
	return users, func() { d.Close() }, nil
}

func userAdd(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("user add")
	email := fs.String("email", "", "e-mail address, the login (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "", "role: "+roleList()+" (required)")
	org := fs.Int64("org", 0, "organisation id (required for the member role)")
	lang := fs.String("lang", "fr", "language of the interface and e-mails: fr or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" || *role == "" {
		return usagef("--email, --name and --role are required")
	}
	if !auth.Role(*role).Valid() {
		return fmt.Errorf("unknown role %q: choose one of %s", *role, roleList())
	}
	password, generated := "", false
	if isTerminal(c.stdin) {
		p, err := generatePassword(20)
		if err != nil {
			return err
		}
		password, generated = p, true
	} else {
		p, err := readPassword(c.stdin)
		if err != nil {
			return err
		}
		password = p
	}
	users, closeDB, err := userService(ctx, c, flags)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := users.CreateUser(ctx, auth.NewUser{
		Email: *email, Name: *name, Lang: *lang, Role: auth.Role(*role), OrganisationID: *org, Password: password,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "created user %d: %s (%s)\n", u.ID, u.Email, u.Role)
	if generated {
		fmt.Fprintf(c.stdout, "password: %s\n(shown once: give it to %s, who can change it after logging in)\n", password, u.Name)
	}
	return nil
}

func userSetPassword(ctx context.Context, c *cli, args []string) error {
	users, u, closeDB, err := targetAccount(ctx, c, "user set-password", args)
	if err != nil {
		return err
	}
	defer closeDB()
	if isTerminal(c.stdin) {
		fmt.Fprintf(c.stderr, "New password for %s (the line is echoed): ", u.Email)
	}
	password, err := readPassword(c.stdin)
	if err != nil {
		return err
	}
	if err := users.SetPassword(ctx, u.ID, password); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "password set for %s; their sessions were ended\n", u.Email)
	return nil
}

func userList(ctx context.Context, c *cli, args []string) error {
	fs, flags := c.flagSet("user list")
	role := fs.String("role", "", "only this role: "+roleList())
	if err := parse(fs, args); err != nil {
		return err
	}
	if *role != "" && !auth.Role(*role).Valid() {
		return fmt.Errorf("unknown role %q: choose one of %s", *role, roleList())
	}
	users, closeDB, err := userService(ctx, c, flags)
	if err != nil {
		return err
	}
	defer closeDB()
	var all []auth.User
	const page = 500
	for {
		batch, total, err := users.ListUsers(ctx, auth.UserFilter{Role: auth.Role(*role), Limit: page, Offset: len(all)})
		if err != nil {
			return err
		}
		all = append(all, batch...)
		if len(batch) == 0 || len(all) >= total {
			break
		}
	}
	paris := parisTime()
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tORG\tLANG\tDISABLED\tLAST LOGIN")
	for _, u := range all {
		org, last, disabled := "-", "never", "no"
		if u.OrganisationID != 0 {
			org = strconv.FormatInt(u.OrganisationID, 10)
		}
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.In(paris).Format("2006-01-02 15:04")
		}
		if u.Disabled {
			disabled = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role, org, u.Lang, disabled, last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d user(s)\n", len(all))
	return nil
}

func userDisable(ctx context.Context, c *cli, args []string) error {
	return setDisabled(ctx, c, "disable", args, true)
}

func userEnable(ctx context.Context, c *cli, args []string) error {
	return setDisabled(ctx, c, "enable", args, false)
}

func setDisabled(ctx context.Context, c *cli, action string, args []string, disabled bool) error {
	users, u, closeDB, err := targetAccount(ctx, c, "user "+action, args)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := users.SetDisabled(ctx, u.ID, disabled); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%sd %s\n", action, u.Email)
	return nil
}

// targetAccount parses the --email flag of a subcommand acting on one
// account, opens the database and finds that account.
func targetAccount(ctx context.Context, c *cli, name string, args []string) (*auth.Service, auth.User, func(), error) {
	fs, flags := c.flagSet(name)
	email := fs.String("email", "", "the account's e-mail address (required)")
	if err := parse(fs, args); err != nil {
		return nil, auth.User{}, nil, err
	}
	if *email == "" {
		return nil, auth.User{}, nil, usagef("--email is required")
	}
	users, closeDB, err := userService(ctx, c, flags)
	if err != nil {
		return nil, auth.User{}, nil, err
	}
	u, err := userByEmail(ctx, users, *email)
	if err != nil {
		closeDB()
		return nil, auth.User{}, nil, err
	}
	return users, u, closeDB, nil
}

// userByEmail finds an account, naming the address when there is none.
func userByEmail(ctx context.Context, users *auth.Service, email string) (auth.User, error) {
	u, err := users.UserByEmail(ctx, email)
	if errors.Is(err, db.ErrNotFound) {
		return auth.User{}, fmt.Errorf("no user with e-mail %q", email)
	}
	return u, err
}

func roleList() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// isTerminal reports whether r is an interactive terminal. Readers that are
// not files (tests, pipes set up in-process) are not.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("no password on standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (its first line is empty)")
	}
	return line, nil
}

// passwordAlphabet leaves out characters easily misread: 0 O o 1 l I.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// generatePassword returns n random characters of passwordAlphabet.
func generatePassword(n int) (string, error) {
	b := make([]byte, n)
	limit := big.NewInt(int64(len(passwordAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i] = passwordAlphabet[k.Int64()]
	}
	return string(b), nil
}

// parisTime is where the cluster lives: times are shown there.
func parisTime() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}
