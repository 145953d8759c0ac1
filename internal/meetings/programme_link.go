package meetings

import (
	"context"
	"net/url"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/notify"
)

// ready loads the key the links are signed with. Every method that mails
// a link calls it before its transaction: on SQLite the key's first write
// needs the writer connection the transaction would hold.
func (p *Programme) ready() error { return p.links.Ready() }

// linkPurpose is what the links sign, with the registration's id.
const linkPurpose = "meetings"

// Token is the signed token of a participant's link: whoever holds it acts
// as that registration's participant, and as no other.
func (p *Programme) Token(registrationID int64) string {
	return p.links.Token(linkPurpose, registrationID)
}

// checkToken returns the registration id a token signs.
func (p *Programme) checkToken(token string) (int64, bool) { return p.links.Check(token, linkPurpose) }

// Caller is a registrant acting in an event's programme, proven by their
// account or by a signed link. Only CallerByUser and CallerByToken make
// one.
type Caller struct {
	reg events.Registration
}

// Registration is the caller's registration, as it was when they were
// identified.
func (c Caller) Registration() events.Registration { return c.reg }

// EventID is the event the caller is registered to.
func (c Caller) EventID() int64 { return c.reg.EventID }

// CallerByUser identifies a signed-in user by their registration to the
// event; db.ErrNotFound when they have none.
func (p *Programme) CallerByUser(ctx context.Context, u *auth.User, eventID int64) (Caller, error) {
	if u == nil || u.Disabled {
		return Caller{}, db.ErrNotFound
	}
	r, err := p.ev.RegistrationOf(ctx, u, eventID)
	if err != nil {
		return Caller{}, err
	}
	return Caller{reg: r}, nil
}

// CallerByToken identifies a registrant by a signed link: the meetings
// link (Token) or the registration's own page link (events'
// ManageToken). db.ErrNotFound when the token is not genuine.
func (p *Programme) CallerByToken(ctx context.Context, token string) (Caller, error) {
	if id, ok := p.checkToken(token); ok {
		r, err := p.ev.Registration(ctx, id)
		if err != nil {
			return Caller{}, err
		}
		return Caller{reg: r}, nil
	}
	r, err := p.ev.RegistrationByToken(ctx, token)
	if err != nil {
		return Caller{}, err
	}
	return Caller{reg: r}, nil
}

// pageURL is where a person answers requests: the event's meetings page
// with an account, the signed page otherwise.
func (p *Programme) pageURL(eventID int64, who Person) string {
	if who.UserID != 0 {
		return p.baseURL + PagePath(eventID)
	}
	return p.baseURL + TokenPagePath(p.Token(who.RegistrationID))
}

// agendaURL is where a person reads their agenda.
func (p *Programme) agendaURL(eventID int64, who Person) string {
	if who.UserID != 0 {
		return p.baseURL + AgendaPath(eventID)
	}
	return p.baseURL + TokenAgendaPath(p.Token(who.RegistrationID))
}

// ICSURL is the signed link of a person's agenda as an iCalendar file:
// calendar clients subscribe to it without signing in.
func (p *Programme) ICSURL(who Person) string {
	return p.baseURL + TokenICSPath(p.Token(who.RegistrationID))
}

// uidHost is the host in the meetings' calendar UIDs.
func (p *Programme) uidHost() string {
	if u, err := url.Parse(p.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "filiere"
}

// send mails who (key.subject with subjectArgs, key.body with their name
// then bodyArgs) and, when they have an account, notifies them in the app
// with key.notice and notice, linking to link.
func (p *Programme) send(ctx context.Context, q db.Querier, who Person, key string, subjectArgs, bodyArgs []any, link string, notice []string) error {
	lang := i18n.Lang(who.Lang)
	if who.Email != "" {
		body := i18n.T(lang, key+".body", append([]any{who.Name}, bodyArgs...)...)
		if _, err := mail.Enqueue(ctx, q, mail.Message{To: who.Email, ToName: who.Name,
			Subject: i18n.T(lang, key+".subject", subjectArgs...), Text: body}); err != nil {
			return err
		}
	}
	if who.UserID != 0 && notice != nil {
		if err := notify.Add(ctx, q, who.UserID, key+".notice", notice, link, p.stamp()); err != nil {
			return err
		}
	}
	return nil
}
