package matchmaking

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/notify"
	"filiere/internal/signed"
	"filiere/internal/validate"
)

// Service is the matchmaking desk.
type Service struct {
	db      *db.DB
	dir     *directory.Store
	users   *auth.Service
	baseURL string
	// Now is the clock; tests move it.
	Now func() time.Time

	links *signed.Links
}

// New returns the desk over the directory dir, mailing links under
// baseURL (e.g. https://filiere.example).
func New(d *db.DB, dir *directory.Store, users *auth.Service, baseURL string) *Service {
	return &Service{db: d, dir: dir, users: users, baseURL: strings.TrimSuffix(baseURL, "/"), Now: time.Now,
		links: signed.New(d, "matchmaking_settings")}
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// today is the current date in Paris, at midnight UTC (how dates are kept).
func (s *Service) today() time.Time {
	y, m, d := s.Now().In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Settings are the desk's rules, set by staff.
type Settings struct {
	// AllowNonMembers lets non-member organisations be proposed and
	// shortlisted (listing is free for members; others appear only when
	// staff allow it).
	AllowNonMembers bool
	MemberBoost     float64 // added to a member's score
	IntroBoost      float64 // added per past introduction that won an order or a quote (at most 3 count)
	BrickBoost      float64 // added per wanted technology brick the provider has
	ShortlistSize   int     // candidates proposed from the ranking
	ResponseDays    int     // days a provider has to answer
	ReminderDays    int     // days before the deadline the reminder goes
	FollowupDays    int     // days after an introduction both sides are asked the outcome
}

// DefaultSettings are the settings until staff change them. The boosts are on the scale of the text relevance (directory.
// DefaultMatchBoosts): the best text matches of a need score 15 to 25, a
// wanted brick weighs as one rather specific word.
var DefaultSettings = Settings{MemberBoost: directory.DefaultMatchBoosts.Member, IntroBoost: 2,
	BrickBoost: directory.DefaultMatchBoosts.Brick, ShortlistSize: 10,
	ResponseDays: 10, ReminderDays: 3, FollowupDays: 45}

// Settings returns the desk's settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	set := DefaultSettings
	rows, err := s.db.Query(ctx, "SELECT key, value FROM matchmaking_settings")
	if err != nil {
		return Settings{}, fmt.Errorf("matchmaking: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return Settings{}, fmt.Errorf("matchmaking: settings: %w", err)
		}
		f, _ := strconv.ParseFloat(v, 64)
		switch k {
		case "allow_non_members":
			set.AllowNonMembers = v == "1"
		case "member_boost":
			set.MemberBoost = f
		case "intro_boost":
			set.IntroBoost = f
		case "brick_boost":
			set.BrickBoost = f
		case "shortlist_size":
			set.ShortlistSize = int(f)
		case "response_days":
			set.ResponseDays = int(f)
		case "reminder_days":
			set.ReminderDays = int(f)
		case "followup_days":
			set.FollowupDays = int(f)
		}
	}
	return set, rows.Err()
}

// SaveSettings checks and stores the settings (audited).
func (s *Service) SaveSettings(ctx context.Context, set Settings) error {
	var errs validate.Errors
	for _, c := range []struct {
		field string
		v     float64
		hi    float64
	}{{"member_boost", set.MemberBoost, 10}, {"intro_boost", set.IntroBoost, 10}, {"brick_boost", set.BrickBoost, 10},
		{"shortlist_size", float64(set.ShortlistSize), 50}, {"response_days", float64(set.ResponseDays), 60},
		{"reminder_days", float64(set.ReminderDays), 30}, {"followup_days", float64(set.FollowupDays), 365}} {
		if c.v < 0 || c.v > c.hi {
			errs.Add(c.field, "matchmaking.setting_range", strconv.FormatFloat(c.hi, 'f', -1, 64))
		}
	}
	if set.ShortlistSize < 1 {
		errs.Add("shortlist_size", "matchmaking.setting_range", "50")
	}
	if set.ResponseDays < 1 {
		errs.Add("response_days", "matchmaking.setting_range", "60")
	}
	if set.FollowupDays < 1 {
		errs.Add("followup_days", "matchmaking.setting_range", "365")
	}
	if set.ReminderDays >= set.ResponseDays && set.ResponseDays > 0 {
		errs.Add("reminder_days", "matchmaking.reminder_before")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	before, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	values := map[string]string{"allow_non_members": strconv.Itoa(boolInt(set.AllowNonMembers)),
		"member_boost": f(set.MemberBoost), "intro_boost": f(set.IntroBoost), "brick_boost": f(set.BrickBoost),
		"shortlist_size": strconv.Itoa(set.ShortlistSize), "response_days": strconv.Itoa(set.ResponseDays),
		"reminder_days": strconv.Itoa(set.ReminderDays), "followup_days": strconv.Itoa(set.FollowupDays)}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		for k, v := range values {
			if _, err := tx.Exec(ctx, "INSERT INTO matchmaking_settings (key, value) VALUES (?, ?)"+
				" ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, v); err != nil {
				return fmt.Errorf("matchmaking: save settings: %w", err)
			}
		}
		return audit.Record(ctx, tx, "matchmaking_settings", "desk", "update", before, set)
	})
}

// ready loads the key the mailed links are signed with. Every method that
// mails a link calls it before its transaction: on SQLite the key's first
// write needs the writer connection the transaction would hold.
func (s *Service) ready() error { return s.links.Ready() }

// token signs purpose and id: the mailed links carry it, so that a buyer
// or a provider without an account acts on their own need or answer only.
func (s *Service) token(purpose string, id int64) string { return s.links.Token(purpose, id) }

// checkToken returns the id a token signs for purpose.
func (s *Service) checkToken(token, purpose string) (int64, bool) {
	return s.links.Check(token, purpose)
}

// The mailed links.
func (s *Service) verifyURL(n Need) string {
	return s.baseURL + "/needs/verify/" + s.token("verify", n.ID)
}

// BuyerURL is where the buyer follows the need: their page when they have
// an account, else the signed link.
func (s *Service) BuyerURL(n Need) string {
	if n.BuyerUserID != 0 {
		return s.baseURL + "/needs/" + strconv.FormatInt(n.ID, 10)
	}
	return s.baseURL + "/needs/track/" + s.token("buyer", n.ID)
}

// VerifyToken is the signed token of the link that confirms a public
// need's e-mail address (the demo and the tests confirm with it).
func (s *Service) VerifyToken(n Need) string { return s.token("verify", n.ID) }

// BuyerToken is the signed token of the buyer's link.
func (s *Service) BuyerToken(n Need) string { return s.token("buyer", n.ID) }

// ProviderToken is the signed token of a provider's answer link.
func (s *Service) ProviderToken(c Candidate) string { return s.token("provider", c.ID) }

func (s *Service) providerURL(c Candidate) string {
	return s.baseURL + "/needs/respond/" + s.ProviderToken(c)
}

// NeedByBuyerToken returns the need a buyer's link names.
func (s *Service) NeedByBuyerToken(ctx context.Context, token string) (Need, error) {
	id, ok := s.checkToken(token, "buyer")
	if !ok {
		return Need{}, db.ErrNotFound
	}
	return getNeed(ctx, s.db, id)
}

// CandidateByToken returns the shortlisted provider a provider's link
// names (only once notified: a proposed candidate has no link).
func (s *Service) CandidateByToken(ctx context.Context, token string) (Candidate, error) {
	id, ok := s.checkToken(token, "provider")
	if !ok {
		return Candidate{}, db.ErrNotFound
	}
	c, err := getCandidate(ctx, s.db, id)
	if err != nil {
		return Candidate{}, err
	}
	if c.State == StateProposed || c.State == StateRemoved {
		return Candidate{}, db.ErrNotFound
	}
	return c, nil
}

// event adds a step to the need's timeline.
func (s *Service) event(ctx context.Context, q db.Querier, needID int64, kind string, orgID int64, detail string) error {
	a := audit.ActorFrom(ctx)
	_, err := q.Exec(ctx, "INSERT INTO need_events (need_id, at, kind, organisation_id, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
		needID, s.stamp(), kind, nullInt(orgID), a.Label, detail)
	return err
}

func (s *Service) audit(ctx context.Context, q db.Querier, needID int64, action string, before, after any) error {
	return audit.Record(ctx, q, "need", needID, action, before, after)
}

// Event is one step of a need's timeline.
type Event struct {
	At             time.Time
	Kind           string
	OrganisationID int64
	Actor          string
	Detail         string
}

// Timeline returns the need's steps, oldest first (staff only: it names
// every provider).
func (s *Service) Timeline(ctx context.Context, needID int64) ([]Event, error) {
	rows, err := s.db.Query(ctx, "SELECT at, kind, organisation_id, actor, detail FROM need_events WHERE need_id = ? ORDER BY at, id", needID)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: timeline: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var org sql.NullInt64
		if err := rows.Scan(&e.At, &e.Kind, &org, &e.Actor, &e.Detail); err != nil {
			return nil, fmt.Errorf("matchmaking: timeline: %w", err)
		}
		e.OrganisationID, e.At = org.Int64, e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// recipient is someone a mail or notification goes to.
type recipient struct {
	UserID      int64 // 0 for a contact without an account
	Name, Email string
	Lang        string
}

// providerRecipients are the people who answer for an organisation: its
// enabled member accounts, else its contacts with an e-mail address.
func (s *Service) providerRecipients(ctx context.Context, orgID int64) ([]recipient, error) {
	users, _, err := s.users.ListUsers(ctx, auth.UserFilter{OrganisationID: orgID, Enabled: true, Role: auth.RoleMember, Limit: 20})
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, u := range users {
		out = append(out, recipient{UserID: u.ID, Name: u.Name, Email: u.Email, Lang: u.Lang})
	}
	if len(out) > 0 {
		return out, nil
	}
	people, err := s.dir.People(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		if p.Email != "" {
			out = append(out, recipient{Name: strings.TrimSpace(p.FirstName + " " + p.LastName), Email: p.Email, Lang: "fr"})
		}
	}
	return out, nil
}

// staffRecipients are the enabled staff and admins.
func (s *Service) staffRecipients(ctx context.Context) ([]recipient, error) {
	var out []recipient
	for _, role := range []auth.Role{auth.RoleStaff, auth.RoleAdmin} {
		users, _, err := s.users.ListUsers(ctx, auth.UserFilter{Role: role, Enabled: true, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out = append(out, recipient{UserID: u.ID, Name: u.Name, Email: u.Email, Lang: u.Lang})
		}
	}
	return out, nil
}

// send mails r (key.subject and key.body, with args after the
// recipient's name for the body) and, when r has an account, notifies
// them in the app with key.notice.
func (s *Service) send(ctx context.Context, q db.Querier, r recipient, key string, subjectArgs, bodyArgs []any, link string, notice []string) error {
	if r.Email != "" {
		body := i18n.T(r.Lang, key+".body", append([]any{r.Name}, bodyArgs...)...)
		if _, err := mail.Enqueue(ctx, q, mail.Message{To: r.Email, ToName: r.Name,
			Subject: i18n.T(r.Lang, key+".subject", subjectArgs...), Text: body}); err != nil {
			return err
		}
	}
	if r.UserID != 0 && notice != nil {
		path := strings.TrimPrefix(link, s.baseURL)
		if err := notify.Add(ctx, q, r.UserID, key+".notice", notice, path, s.stamp()); err != nil {
			return err
		}
	}
	return nil
}

// buyer is the need's buyer as a recipient.
func buyer(n Need) recipient {
	return recipient{UserID: n.BuyerUserID, Name: n.BuyerName, Email: n.BuyerEmail, Lang: n.BuyerLang}
}

// mailVerification asks a public buyer to confirm their address.
func (s *Service) mailVerification(ctx context.Context, q db.Querier, n Need) error {
	return s.send(ctx, q, buyer(n), "matchmaking.mail.verify", []any{n.Reference}, []any{n.Title, s.verifyURL(n)}, "", nil)
}

// received confirms a need to its buyer and tells staff it is in the queue.
func (s *Service) received(ctx context.Context, q db.Querier, n Need) error {
	if err := s.send(ctx, q, buyer(n), "matchmaking.mail.received", []any{n.Reference}, []any{n.Title, s.BuyerURL(n)}, "", nil); err != nil {
		return err
	}
	staff, err := s.staffRecipients(ctx)
	if err != nil {
		return err
	}
	for _, r := range staff {
		if err := notify.Add(ctx, q, r.UserID, "matchmaking.notice.new_need", []string{n.Reference, n.Title},
			"/admin/needs/"+strconv.FormatInt(n.ID, 10), s.stamp()); err != nil {
			return err
		}
	}
	return nil
}
