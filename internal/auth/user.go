package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// User is an account.
type User struct {
	ID             int64
	Email          string
	Name           string
	Lang           string // "fr" or "en"
	Role           Role
	OrganisationID int64 // 0 when none; required for RoleMember
	Disabled       bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastLoginAt    time.Time // zero when never
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Email          string
	Name           string
	Lang           string // "fr" (default when empty) or "en"
	Role           Role
	OrganisationID int64
	Password       string
}

// Limits on account fields.
const (
	MinPasswordLen = 12   // characters
	MaxPasswordLen = 1024 // characters: beyond, hashing is just work for an attacker
	MaxNameLen     = 200
	MaxEmailLen    = 254
)

// userColumns is the column list scanUser reads, in order.
const userColumns = `u.id, u.email, u.name, u.lang, u.role, u.organisation_id, u.disabled, u.created_at, u.updated_at, u.last_login_at`

type rowScanner interface{ Scan(dest ...any) error }

// scanUser reads userColumns, followed by any extra destinations.
func scanUser(r rowScanner, extra ...any) (User, error) {
	var u User
	var role string
	var org sql.NullInt64
	var last sql.NullTime
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Lang, &role, &org, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &last}, extra...)
	if err := r.Scan(dest...); err != nil {
		return User{}, err
	}
	u.Role = Role(role)
	u.OrganisationID = org.Int64
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	if last.Valid {
		u.LastLoginAt = last.Time.UTC()
	}
	return u, nil
}

// normEmail is the stored form of an e-mail address: trimmed, lower-cased.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkPassword adds the password's problems to errs.
func checkPassword(errs *validate.Errors, password, email string) {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		errs.Add("password", "auth.password_too_short", MinPasswordLen)
	case n > MaxPasswordLen:
		errs.Add("password", "auth.password_too_long", MaxPasswordLen)
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		errs.Add("password", "auth.password_is_email")
	}
}

// checkProfile adds the problems of the editable fields to errs, looking the
// organisation up in q.
func checkProfile(ctx context.Context, q db.Querier, errs *validate.Errors, name, lang string, role Role, orgID int64) error {
	switch {
	case name == "":
		errs.Add("name", "auth.name_required")
	case utf8.RuneCountInString(name) > MaxNameLen:
		errs.Add("name", "auth.name_too_long", MaxNameLen)
	}
	if lang != "fr" && lang != "en" {
		errs.Add("lang", "auth.lang_invalid")
	}
	if !role.Valid() {
		errs.Add("role", "auth.role_invalid")
	}
	switch {
	case orgID < 0:
		errs.Add("organisation", "auth.organisation_unknown")
	case orgID == 0:
		if role == RoleMember {
			errs.Add("organisation", "auth.organisation_required")
		}
	default:
		var one int
		err := q.QueryRow(ctx, "SELECT 1 FROM organisations WHERE id = ?", orgID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			errs.Add("organisation", "auth.organisation_unknown")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateUser validates nu and stores the account. Bad input comes back as
// validate.Errors on the fields email, name, lang, role, organisation and
// password. The creation is audited, without the password hash.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	email := normEmail(nu.Email)
	name := strings.TrimSpace(nu.Name)
	lang := nu.Lang
	if lang == "" {
		lang = "fr"
	}
	var errs validate.Errors
	switch {
	case email == "":
		errs.Add("email", "auth.email_required")
	case len(email) > MaxEmailLen || !validate.Email(email):
		errs.Add("email", "auth.email_invalid")
	}
	checkPassword(&errs, nu.Password, email)
	// Hash before the transaction: on SQLite it holds the only writer.
	var hash string
	if len(errs) == 0 {
		h, err := HashPassword(nu.Password, s.opts.Argon2)
		if err != nil {
			return User{}, fmt.Errorf("auth: create user: %w", err)
		}
		hash = h
	}
	var u User
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := checkProfile(ctx, tx, &errs, name, lang, nu.Role, nu.OrganisationID); err != nil {
			return err
		}
		if _, ok := errs.For("email"); !ok {
			var one int
			err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE email = ?", email).Scan(&one)
			if err == nil {
				errs.Add("email", "auth.email_taken")
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if len(errs) > 0 {
			return errs
		}
		now := s.now()
		u = User{Email: email, Name: name, Lang: lang, Role: nu.Role, OrganisationID: nu.OrganisationID, CreatedAt: now, UpdatedAt: now}
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, lang, role, organisation_id, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, ?) RETURNING id`,
			email, name, lang, string(nu.Role), nullID(nu.OrganisationID), hash, now, now).Scan(&u.ID)
		if db.IsUniqueViolation(err) {
			errs.Add("email", "auth.email_taken")
			return errs
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user", u.ID, "create", nil, u)
	})
	if err != nil {
		if e, ok := validate.As(err); ok {
			return User{}, e
		}
		return User{}, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

// UserByID returns the account with that id, or db.ErrNotFound.
func (s *Service) UserByID(ctx context.Context, id int64) (User, error) {
	return s.userWhere(ctx, s.db, "u.id = ?", id)
}

// UserByEmail returns the account with that e-mail (any case), or db.ErrNotFound.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.userWhere(ctx, s.db, "u.email = ?", normEmail(email))
}

func (s *Service) userWhere(ctx context.Context, q db.Querier, cond string, args ...any) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, db.ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: get user: %w", err)
	}
	return u, nil
}

// UserFilter selects users; zero fields match everything.
type UserFilter struct {
	Role           Role
	OrganisationID int64  // the users of one organisation; 0 for any
	Enabled        bool   // leave disabled accounts out
	Query          string // substring of the name or e-mail, case-insensitive
	Limit          int    // default 50, at most 500
	Offset         int
}

// likeEscaper protects LIKE's wildcards in user input (used with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListUsers returns the users matching f, by name, and how many match in all.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, int, error) {
	var where []string
	var args []any
	if f.Role != "" {
		where, args = append(where, "u.role = ?"), append(args, string(f.Role))
	}
	if f.OrganisationID != 0 {
		where, args = append(where, "u.organisation_id = ?"), append(args, f.OrganisationID)
	}
	if f.Enabled {
		where = append(where, "u.disabled = FALSE")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		pat := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		where = append(where, `(LOWER(u.name) LIKE ? ESCAPE '\' OR u.email LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users u"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: count users: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+" FROM users u"+cond+
		" ORDER BY LOWER(u.name), u.id LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("auth: list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("auth: list users: %w", err)
	}
	return out, total, nil
}

// lastAdmin reports whether u is the only enabled admin, whom the platform
// cannot lose: nobody could manage users any more.
func lastAdmin(ctx context.Context, q db.Querier, u User) (bool, error) {
	if u.Role != RoleAdmin || u.Disabled {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE role = ? AND disabled = FALSE AND id <> ?", string(RoleAdmin), u.ID).Scan(&n)
	return n == 0, err
}

// UpdateUser changes an account's name, language (kept when empty), role and
// organisation, with the same validation as CreateUser (and "auth.last_admin" on role when
// it would demote the last enabled admin). The change is audited with the
// values before and after.
func (s *Service) UpdateUser(ctx context.Context, id int64, name, lang string, role Role, orgID int64) (User, error) {
	name = strings.TrimSpace(name)
	var after User
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := s.userWhere(ctx, tx, "u.id = ?", id)
		if err != nil {
			return err
		}
		if lang == "" {
			lang = before.Lang
		}
		var errs validate.Errors
		if err := checkProfile(ctx, tx, &errs, name, lang, role, orgID); err != nil {
			return err
		}
		if role != RoleAdmin {
			last, err := lastAdmin(ctx, tx, before)
			if err != nil {
				return err
			}
			if last {
				errs.Add("role", "auth.last_admin")
			}
		}
		if len(errs) > 0 {
			return errs
		}
		after = before
		after.Name, after.Lang, after.Role, after.OrganisationID, after.UpdatedAt = name, lang, role, orgID, s.now()
		if _, err := tx.Exec(ctx, "UPDATE users SET name = ?, lang = ?, role = ?, organisation_id = ?, updated_at = ? WHERE id = ?",
			name, lang, string(role), nullID(orgID), after.UpdatedAt, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user", id, "update", before, after)
	})
	if err != nil {
		return User{}, wrapUserErr("update user", err)
	}
	return after, nil
}

// wrapUserErr passes user-facing errors and db.ErrNotFound through unwrapped
// in kind (errors.Is/As still work) and names the operation on the others.
func wrapUserErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if e, ok := validate.As(err); ok {
		return e
	}
	if m, ok := validate.AsMessage(err); ok {
		return m
	}
	if errors.Is(err, db.ErrNotFound) {
		return db.ErrNotFound
	}
	return fmt.Errorf("auth: %s: %w", op, err)
}

// sessionTokenKey carries the current request's session token, so that
// SetPassword can spare the session it is called from.
type sessionTokenKey struct{}

// WithSessionToken returns a context naming the caller's own session token.
// SetPassword keeps that session alive when it belongs to the user whose
// password changes, and ends all the others.
func WithSessionToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionTokenKey{}, token)
}

// SetPassword validates and sets a user's password, then ends the user's
// other sessions (all of them unless the context names one with
// WithSessionToken). Audited as "password", without the hash.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	var errs validate.Errors
	checkPassword(&errs, password, u.Email)
	if len(errs) > 0 {
		return errs
	}
	hash, err := HashPassword(password, s.opts.Argon2)
	if err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	keep, _ := ctx.Value(sessionTokenKey{}).(string)
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", userID, tokenHash(keep)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user", userID, "password", nil, nil)
	})
	return wrapUserErr("set password", err)
}

// SetDisabled disables or re-enables an account. Disabling deletes all its
// sessions; its API tokens stay but stop working while it is disabled. The
// last enabled admin cannot be disabled ("auth.last_admin"). Audited as
// "disable" or "enable".
func (s *Service) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := s.userWhere(ctx, tx, "u.id = ?", userID)
		if err != nil {
			return err
		}
		if before.Disabled == disabled {
			return nil
		}
		if disabled {
			last, err := lastAdmin(ctx, tx, before)
			if err != nil {
				return err
			}
			if last {
				return validate.NewMessage("auth.last_admin")
			}
		}
		after := before
		after.Disabled, after.UpdatedAt = disabled, s.now()
		if _, err := tx.Exec(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, after.UpdatedAt, userID); err != nil {
			return err
		}
		action := "enable"
		if disabled {
			action = "disable"
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "user", userID, action, before, after)
	})
	return wrapUserErr("set disabled", err)
}

// SetLang changes a user's language ("fr" or "en"; validate.Errors on lang
// otherwise). Audited as "update".
func (s *Service) SetLang(ctx context.Context, userID int64, lang string) error {
	if lang != "fr" && lang != "en" {
		var errs validate.Errors
		errs.Add("lang", "auth.lang_invalid")
		return errs
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := s.userWhere(ctx, tx, "u.id = ?", userID)
		if err != nil {
			return err
		}
		if before.Lang == lang {
			return nil
		}
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?", lang, now, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user", userID, "update", map[string]string{"lang": before.Lang}, map[string]string{"lang": lang})
	})
	return wrapUserErr("set lang", err)
}
