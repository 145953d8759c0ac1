package events

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/notify"
	"filiere/internal/signed"
)

// Service is the events domain.
type Service struct {
	db      *db.DB
	dir     *directory.Store
	users   *auth.Service
	baseURL string
	// Now is the clock; tests move it.
	Now func() time.Time

	links *signed.Links
}

// New returns the events service over the directory dir, mailing links
// under baseURL (e.g. https://filiere.example).
func New(d *db.DB, dir *directory.Store, users *auth.Service, baseURL string) *Service {
	return &Service{db: d, dir: dir, users: users, baseURL: strings.TrimSuffix(baseURL, "/"), Now: time.Now,
		links: signed.New(d, "events_settings")}
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Local is t in Europe/Paris, how events are shown.
func Local(t time.Time) time.Time { return t.In(paris) }

// ParseLocal reads a date (2026-03-17) and a time of day (14:30) entered
// in Europe/Paris and returns the instant in UTC.
func ParseLocal(date, clock string) (time.Time, error) {
	if strings.TrimSpace(clock) == "" {
		clock = "00:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), paris)
	if err != nil {
		return time.Time{}, fmt.Errorf("events: parse local time: %w", err)
	}
	return t.UTC(), nil
}

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// The paths of the pages and files the mails link to; the web layer
// serves them.

// EventPath is the page of an event.
func EventPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) }

// ICSPath is the iCalendar file of one event.
func ICSPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) + "/calendar.ics" }

// FeedPath is the iCalendar feed of every public event.
const FeedPath = "/events/calendar.ics"

// ConfirmPath is the link that confirms a registration's e-mail address.
func ConfirmPath(token string) string { return "/events/confirm/" + token }

// ManagePath is the page where a registrant without an account sees and
// cancels their registration.
func ManagePath(token string) string { return "/events/registration/" + token }

// ready loads the key the mailed links are signed with. Every method that
// mails a link calls it before its transaction: on SQLite the key's first
// write needs the writer connection the transaction would hold.
func (s *Service) ready() error { return s.links.Ready() }

// token signs purpose and id, so that a registrant without an account
// acts on their own registration only.
func (s *Service) token(purpose string, id int64) string { return s.links.Token("event-"+purpose, id) }

// checkToken returns the id a token signs for purpose.
func (s *Service) checkToken(token, purpose string) (int64, bool) {
	return s.links.Check(token, "event-"+purpose)
}

// ConfirmToken is the signed token of the link that confirms a
// registration's e-mail address.
func (s *Service) ConfirmToken(r Registration) string { return s.token("confirm", r.ID) }

// ManageToken is the signed token of a registrant's own page.
func (s *Service) ManageToken(r Registration) string { return s.token("manage", r.ID) }

// manageURL is where a registrant follows their registration: the event's
// page with an account, the signed page otherwise.
func (s *Service) manageURL(r Registration) string {
	if r.UserID != 0 {
		return s.baseURL + EventPath(r.EventID)
	}
	return s.baseURL + ManagePath(s.ManageToken(r))
}

// uidHost is the host in the events' calendar UIDs.
func (s *Service) uidHost() string {
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "filiere"
}

// recipient is someone a mail goes to.
type recipient struct {
	UserID      int64 // 0 without an account
	Name, Email string
	Lang        string
}

func (r Registration) recipient() recipient {
	return recipient{UserID: r.UserID, Name: r.Name, Email: r.Email, Lang: r.Lang}
}

// send mails r (key.subject with subjectArgs, key.body with the
// recipient's name then bodyArgs) and, when notice is given and r has an
// account, notifies them in the app with key.notice.
func (s *Service) send(ctx context.Context, q db.Querier, r recipient, key string, subjectArgs, bodyArgs []any, link string, notice []string) error {
	if r.Email != "" {
		body := i18n.T(r.Lang, key+".body", append([]any{r.Name}, bodyArgs...)...)
		if _, err := mail.Enqueue(ctx, q, mail.Message{To: r.Email, ToName: r.Name,
			Subject: i18n.T(r.Lang, key+".subject", subjectArgs...), Text: body}); err != nil {
			return err
		}
	}
	if r.UserID != 0 && notice != nil {
		if err := notify.Add(ctx, q, r.UserID, key+".notice", notice, link, s.stamp()); err != nil {
			return err
		}
	}
	return nil
}

// viewer is who reads or registers, with what the rules need to know.
type viewer struct {
	user   *auth.User
	staff  bool
	member bool // their organisation is a member of the cluster
	orgID  int64
	org    string // their organisation's name
}

func (s *Service) viewerOf(ctx context.Context, u *auth.User) (viewer, error) {
	if u == nil || u.Disabled {
		return viewer{}, nil
	}
	v := viewer{user: u, staff: u.Role.IsStaff(), orgID: u.OrganisationID}
	if u.OrganisationID != 0 {
		o, err := s.dir.Organisation(ctx, u.OrganisationID)
		switch {
		case errors.Is(err, db.ErrNotFound):
			v.orgID = 0
		case err != nil:
			return viewer{}, fmt.Errorf("events: viewer: %w", err)
		default:
			v.member, v.org = o.Membership == directory.Member, o.Name
		}
	}
	return v, nil
}

// When is the event's date and time in Europe/Paris, written out in lang:
// "mardi 17 mars 2026, 14:00 – 17:00".
func (e Event) When(lang string) string { return When(lang, e.Start, e.End) }

// When writes out the span from start to end in Europe/Paris, in lang.
func When(lang string, start, end time.Time) string {
	lang = i18n.Lang(lang)
	a, b := start.In(paris), end.In(paris)
	date := func(t time.Time) string {
		return i18n.T(lang, "events.when.date", i18n.T(lang, "events.weekday."+strconv.Itoa(int(t.Weekday()))), t.Day(),
			i18n.T(lang, "events.month."+strconv.Itoa(int(t.Month()))), t.Year())
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	if ay == by && am == bm && ad == bd {
		return i18n.T(lang, "events.when.same_day", date(a), a.Format("15:04"), b.Format("15:04"))
	}
	return i18n.T(lang, "events.when.days", date(a), a.Format("15:04"), date(b), b.Format("15:04"))
}

// Price writes cents as euros in lang, cents only when there are some:
// "1 250 €" or "€1,250", "12,50 €" or "€12.50".
func Price(lang string, cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units, rest := strconv.FormatInt(cents/100, 10), cents%100
	sep := ","
	if lang == "en" {
		sep = "."
	}
	thousands := "\u202f" // narrow no-break space, the French thousands separator
	if lang == "en" {
		thousands = ","
	}
	var b strings.Builder
	for i, c := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	num := b.String()
	if rest != 0 {
		num += fmt.Sprintf("%s%02d", sep, rest)
	}
	if lang == "en" {
		num = "€" + num
	} else {
		num += "\u00a0€"
	}
	if neg {
		num = "-" + num
	}
	return num
}
