package calls

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos
	_ "image/png"
	"io"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/calls/letters"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/validate"
)

// Settings are the cluster's letterhead and the support letter's
// templates, edited by staff.
type Settings struct {
	ClusterName    string
	Address        string // one line per address line
	SignatoryName  string
	SignatoryTitle string
	City           string
	LetterFR       string // support letter template ({{project}}…), French
	LetterEN       string // English
	Recipient      string // the letter's default addressee, one line per line
	// ReminderDays: how many days before a label expires its holder is
	// reminded to renew it.
	ReminderDays int
	// Logo is the cluster's logo on the letterhead (PNG or JPEG, at most
	// MaxLogoBytes), nil for none.
	Logo []byte
}

// MaxLogoBytes bounds the letterhead's logo.
const MaxLogoBytes = 512 << 10

// DefaultReminderDays is Settings.ReminderDays when staff set none.
const DefaultReminderDays = 90

var settingKeys = []string{"cluster_name", "address", "signatory_name", "signatory_title", "city", "letter_fr", "letter_en",
	"recipient", "reminder_days", "logo"}

// Settings returns the settings, with defaults for what staff never set.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	vals := map[string]string{}
	rows, err := s.db.Query(ctx, "SELECT key, value FROM call_settings")
	if err != nil {
		return Settings{}, fmt.Errorf("calls: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return Settings{}, fmt.Errorf("calls: settings: %w", err)
		}
		vals[k] = v
	}
	if err := rows.Err(); err != nil {
		return Settings{}, err
	}
	st := Settings{ClusterName: vals["cluster_name"], Address: vals["address"], SignatoryName: vals["signatory_name"],
		SignatoryTitle: vals["signatory_title"], City: vals["city"], LetterFR: vals["letter_fr"], LetterEN: vals["letter_en"],
		Recipient: vals["recipient"], ReminderDays: DefaultReminderDays}
	if st.ClusterName == "" {
		st.ClusterName = "Pôle santé"
	}
	if st.LetterFR == "" {
		st.LetterFR = letters.DefaultSupportLetter("fr")
	}
	if st.LetterEN == "" {
		st.LetterEN = letters.DefaultSupportLetter("en")
	}
	if n, err := fmt.Sscan(vals["reminder_days"], &st.ReminderDays); n == 0 || err != nil {
		st.ReminderDays = DefaultReminderDays
	}
	if vals["logo"] != "" {
		if st.Logo, err = base64.StdEncoding.DecodeString(vals["logo"]); err != nil {
			return Settings{}, fmt.Errorf("calls: settings: logo: %w", err)
		}
	}
	return st, nil
}

// SaveSettings stores the settings (staff); the templates must use only
// the known placeholders.
func (s *Service) SaveSettings(ctx context.Context, v Viewer, st Settings) error {
	if !v.Staff() {
		return ErrForbidden
	}
	var errs validate.Errors
	for _, t := range []struct{ field, text string }{{"letter_fr", st.LetterFR}, {"letter_en", st.LetterEN}} {
		if err := letters.Check(t.text); err != nil {
			var fe *letters.FillError
			if errors.As(err, &fe) {
				errs = append(errs, fe.Errors(t.field)...)
			} else {
				errs.Add(t.field, "calls.template_invalid")
			}
		}
	}
	if strings.TrimSpace(st.ClusterName) == "" {
		errs.Add("cluster_name", "validate.required")
	}
	if st.ReminderDays < 1 || st.ReminderDays > 365 {
		errs.Add("reminder_days", "calls.range", 1, 365)
	}
	if len(st.Logo) > 0 {
		ctype, _ := sniff(st.Logo)
		_, _, err := image.DecodeConfig(bytes.NewReader(st.Logo))
		switch {
		case len(st.Logo) > MaxLogoBytes:
			errs.Add("logo", "calls.logo_size", MaxLogoBytes>>10)
		case (ctype != "image/png" && ctype != "image/jpeg") || err != nil:
			errs.Add("logo", "calls.logo_type")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	before, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	vals := []string{strings.TrimSpace(st.ClusterName), strings.TrimSpace(st.Address), strings.TrimSpace(st.SignatoryName),
		strings.TrimSpace(st.SignatoryTitle), strings.TrimSpace(st.City), strings.TrimSpace(st.LetterFR),
		strings.TrimSpace(st.LetterEN), strings.TrimSpace(st.Recipient), fmt.Sprint(st.ReminderDays),
		base64.StdEncoding.EncodeToString(st.Logo)}
	return wrap("save settings", s.db.Tx(ctx, func(tx *db.Tx) error {
		for i, k := range settingKeys {
			if _, err := tx.Exec(ctx, `INSERT INTO call_settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, vals[i]); err != nil {
				return err
			}
		}
		// The audit keeps the logo's size, not its bytes.
		before.Logo, st.Logo = logoNote(before.Logo), logoNote(st.Logo)
		return audit.Record(ctx, tx, "call_settings", "calls", "update", before, st)
	}))
}

func logoNote(logo []byte) []byte {
	if len(logo) == 0 {
		return nil
	}
	return []byte(fmt.Sprintf("%d bytes", len(logo)))
}

func (st Settings) letterhead() letters.Letterhead {
	var lines []string
	for _, l := range strings.Split(st.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return letters.Letterhead{Name: st.ClusterName, AddressLines: lines, SignatoryName: st.SignatoryName,
		SignatoryTitle: st.SignatoryTitle, City: st.City, Logo: st.Logo}
}

// labelled loads a labelled application, its call and the session that
// decided, for staff and the applicant organisations' people (the
// letters and certificates are theirs, not the experts').
func (s *Service) labelled(ctx context.Context, v Viewer, appID int64) (Application, Call, Session, error) {
	if !v.Staff() && v.OrganisationID == 0 {
		return Application{}, Call{}, Session{}, ErrNotFound
	}
	a, err := s.Application(ctx, v, appID)
	if err != nil {
		return Application{}, Call{}, Session{}, err
	}
	if a.Decision != DecisionLabelled {
		return Application{}, Call{}, Session{}, ErrNotFound
	}
	c, err := getCall(ctx, s.db, a.CallID)
	if err != nil {
		return Application{}, Call{}, Session{}, wrap("letter", err)
	}
	var ss Session
	if a.DecisionSession != 0 {
		if ss, err = getSession(ctx, s.db, a.DecisionSession); err != nil && !errors.Is(err, ErrNotFound) {
			return Application{}, Call{}, Session{}, fmt.Errorf("calls: letter: %w", err)
		}
	}
	return a, c, ss, nil
}

// SupportLetter writes the support letter of a labelled application as
// a PDF in lang ("" : the application's language), from the staff's
// template. The applicant (lead or partner) and staff may download it.
func (s *Service) SupportLetter(ctx context.Context, v Viewer, w io.Writer, appID int64, lang string) error {
	a, c, ss, err := s.labelled(ctx, v, appID)
	if err != nil {
		return err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	lang = langOr(lang, a.Lang)
	tmpl := st.LetterFR
	if lang == "en" {
		tmpl = st.LetterEN
	}
	var partners []string
	for _, p := range a.Partners {
		partners = append(partners, p.Name)
	}
	decided := a.DecidedAt
	if !ss.HeldAt.IsZero() {
		decided = ss.HeldAt
	}
	scheme := c.Scheme
	if scheme == "" {
		scheme = c.SchemeGroup
	}
	noPartner := i18n.T(lang, "calls.letter.no_partner")
	if len(partners) > 0 {
		noPartner = strings.Join(partners, ", ")
	}
	body, err := letters.Fill(tmpl, map[string]string{"project": a.Title, "acronym": orDash(a.Acronym), "lead": a.Lead.Name,
		"partners": noPartner, "call": c.Title(lang), "scheme": orDash(scheme), "session_date": letters.Date(lang, decided),
		"date": letters.Date(lang, s.Now())})
	if err != nil {
		return fmt.Errorf("calls: letter template: %w", err)
	}
	var recipient []string
	for _, l := range strings.Split(st.Recipient, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			recipient = append(recipient, l)
		}
	}
	subject := i18n.T(lang, "calls.letter.subject", a.Title)
	return letters.WriteSupportLetter(w, st.letterhead(), letters.SupportLetter{Lang: lang, Date: s.Now(), Recipient: recipient,
		Subject: subject, Body: body, Reference: a.Reference})
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Certificate writes the label certificate of a labelled application of
// a call with a label.
func (s *Service) Certificate(ctx context.Context, v Viewer, w io.Writer, appID int64, lang string) error {
	a, c, _, err := s.labelled(ctx, v, appID)
	if err != nil {
		return err
	}
	if !c.Labels() || a.LabelNumber == "" {
		return ErrNotFound
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	lang = langOr(lang, a.Lang)
	return letters.WriteCertificate(w, st.letterhead(), letters.Certificate{Lang: lang, Holder: a.Lead.Name, Title: a.Title,
		Label: c.LabelName, Number: a.LabelNumber, ValidFrom: a.DecidedAt, ValidUntil: a.LabelUntil})
}

// Label is a current label in the public catalogue.
type Label struct {
	ApplicationID int64
	Number        string
	LabelName     string
	Title         string
	Holder        string
	HolderID      int64
	City          string
	Website       string
	Summary       string
	Since         time.Time
	Until         time.Time // zero: no expiry
	CallType      string
}

// Catalogue lists the labels valid at now (optionally of one call
// type), by label then title: public information, for anyone.
func (s *Service) Catalogue(ctx context.Context, callType string) ([]Label, error) {
	where, args := "", []any{s.stamp()}
	if callType != "" {
		where, args = " AND c.type = ?", append(args, callType)
	}
	rows, err := s.db.Query(ctx, `SELECT a.id, a.label_number, c.label_name, a.title, o.name, o.id, o.city, o.website, a.summary,
		a.decided_at, a.label_until, c.type FROM applications a JOIN calls c ON c.id = a.call_id
		JOIN organisations o ON o.id = a.lead_id WHERE a.decision = 'labelled' AND a.label_number <> ''
		AND (a.label_until IS NULL OR a.label_until > ?)`+where+` ORDER BY c.label_name, a.title, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("calls: catalogue: %w", err)
	}
	defer rows.Close()
	var out []Label
	for rows.Next() {
		var l Label
		var since, until sql.NullTime
		if err := rows.Scan(&l.ApplicationID, &l.Number, &l.LabelName, &l.Title, &l.Holder, &l.HolderID, &l.City, &l.Website,
			&l.Summary, &since, &until, &l.CallType); err != nil {
			return nil, fmt.Errorf("calls: catalogue: %w", err)
		}
		l.Since, l.Until = timeOf(since), timeOf(until)
		out = append(out, l)
	}
	return out, rows.Err()
}

// CataloguePDF writes the catalogue of current labels as a PDF.
func (s *Service) CataloguePDF(ctx context.Context, w io.Writer, callType, lang string) error {
	labels, err := s.Catalogue(ctx, callType)
	if err != nil {
		return err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	cat := letters.Catalogue{Lang: lang, Title: i18n.T(lang, "calls.catalogue.title"), Intro: i18n.T(lang, "calls.catalogue.intro", st.ClusterName)}
	for _, l := range labels {
		cat.Entries = append(cat.Entries, letters.CatalogueEntry{Title: l.Title, Holder: l.Holder, Place: l.City,
			Description: l.Summary, Website: l.Website, ValidUntil: l.Until})
	}
	return letters.WriteCatalogue(w, st.letterhead(), cat)
}

// Minutes writes the minutes of a session as a PDF (staff).
func (s *Service) Minutes(ctx context.Context, v Viewer, w io.Writer, id int64, lang string) error {
	if !v.Staff() {
		return ErrForbidden
	}
	ss, err := getSession(ctx, s.db, id)
	if err != nil {
		return wrap("minutes", err)
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	m := letters.Minutes{Lang: lang, Title: ss.Title, Date: ss.HeldAt, Place: ss.Place, Quorum: ss.Quorum,
		QuorumMet: ss.QuorumMet(), Notes: ss.Notes}
	for _, mem := range ss.Members {
		name := mem.Name
		if mem.Affiliation != "" {
			name += " (" + mem.Affiliation + ")"
		}
		if mem.Present {
			m.Present = append(m.Present, name)
		} else {
			m.Absent = append(m.Absent, name)
		}
	}
	calls := map[int64]Call{}
	for _, it := range ss.Items {
		c, ok := calls[it.Application.CallID]
		if !ok {
			if c, err = getCall(ctx, s.db, it.Application.CallID); err != nil {
				return fmt.Errorf("calls: minutes: %w", err)
			}
			calls[c.ID] = c
		}
		reviews, err := reviewsOf(ctx, s.db, c, "x.application_id = ?", it.Application.ID)
		if err != nil {
			return fmt.Errorf("calls: minutes: %w", err)
		}
		ev := evaluate(c, it.Application, reviews)
		item := letters.MinutesItem{Reference: it.Application.Reference, Title: it.Application.Title,
			Lead: it.Application.Lead.Name, Decision: DecisionLabel(lang, c, it.Decision), Comment: it.Comment}
		if ev.Submitted > 0 {
			item.Score = fmt.Sprintf("%.1f / 100", ev.Score)
		}
		for _, r := range it.Recused {
			item.Recused = append(item.Recused, r.Name+" — "+i18n.T(lang, "calls.reason."+r.Reason))
		}
		m.Items = append(m.Items, item)
	}
	rankings, err := s.rankings(ctx, s.db, ss)
	if err != nil {
		return fmt.Errorf("calls: minutes: %w", err)
	}
	if len(rankings) > 0 {
		r := rankings[0]
		m.Ranking = &letters.Ranking{Available: r.Available, TieRule: i18n.T(lang, "calls.tie_rule."+r.TieRule)}
		for _, row := range r.Rows {
			a := row.Evaluation.Application
			m.Ranking.Rows = append(m.Ranking.Rows, letters.RankRow{Rank: row.Rank, Reference: a.Reference, Title: a.Title,
				Lead: a.Lead.Name, Score: fmt.Sprintf("%.1f", row.Evaluation.Score), Selected: row.Selected})
		}
	}
	return letters.WriteMinutes(w, st.letterhead(), m)
}

// DecisionLabel is a decision's name in lang, in the words of the
// call's type (a voucher is "awarded").
func DecisionLabel(lang string, c Call, decision string) string {
	if c.Type == TypeVoucher && (decision == DecisionLabelled || decision == DecisionNotLabelled) {
		return i18n.T(lang, "calls.decision.voucher."+decision)
	}
	return i18n.T(lang, "calls.decision."+decision)
}

// RemindExpiringLabels mails the author of each label expiring within
// the settings' reminder days (once per label), inviting them to apply
// for its renewal. It returns how many were reminded.
func (s *Service) RemindExpiringLabels(ctx context.Context) (int, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	now := s.stamp()
	horizon := now.AddDate(0, 0, st.ReminderDays)
	rows, err := s.db.Query(ctx, `SELECT a.id FROM applications a WHERE a.decision = 'labelled' AND a.label_until IS NOT NULL
		AND a.label_until > ? AND a.label_until <= ? AND a.label_reminded_at IS NULL ORDER BY a.id`, now, horizon)
	if err != nil {
		return 0, fmt.Errorf("calls: label reminders: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			a, err := getApplication(ctx, tx, id)
			if err != nil {
				return err
			}
			c, err := getCall(ctx, tx, a.CallID)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE applications SET label_reminded_at = ? WHERE id = ?", now, id); err != nil {
				return err
			}
			if err := s.mailRenewal(ctx, tx, a, c); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "application", id, "label_reminder", nil, map[string]any{"until": a.LabelUntil})
		})
		if err != nil {
			return n, fmt.Errorf("calls: label reminder %d: %w", id, err)
		}
		n++
	}
	return n, nil
}

func (s *Service) mailRenewal(ctx context.Context, tx *db.Tx, a Application, c Call) error {
	if a.CreatedBy == 0 {
		return nil
	}
	var email, name string
	var disabled bool
	err := tx.QueryRow(ctx, "SELECT email, name, disabled FROM users WHERE id = ?", a.CreatedBy).Scan(&email, &name, &disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return nil
	}
	if err != nil {
		return err
	}
	lang := a.Lang
	key := "calls.mail.expiring.body"
	if c.Renewal == RenewalNone {
		key = "calls.mail.expiring.no_renewal"
	}
	body := i18n.T(lang, "calls.mail.hello", name) + "\n\n" +
		i18n.T(lang, key, c.LabelName, a.Title, FormatDate(a.LabelUntil)) + "\n\n" +
		i18n.T(lang, "calls.mail.link", fmt.Sprintf("%s/applications/%d", s.baseURL, a.ID))
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: email, ToName: name,
		Subject: i18n.T(lang, "calls.mail.expiring.subject", c.LabelName, FormatDate(a.LabelUntil)), Text: body})
	return err
}

// RenewalCalls lists the calls the holder of a labelled application may
// renew its label through now: published, open, with the same label and
// a renewal mode. Only the lead's people and staff get any.
func (s *Service) RenewalCalls(ctx context.Context, v Viewer, appID int64) ([]Call, error) {
	a, err := s.Application(ctx, v, appID)
	if err != nil {
		return nil, err
	}
	if a.Decision != DecisionLabelled || a.LabelNumber == "" || (!v.Staff() && v.OrganisationID != a.Lead.ID) {
		return nil, nil
	}
	old, err := getCall(ctx, s.db, a.CallID)
	if err != nil {
		return nil, wrap("renewal calls", err)
	}
	list, err := s.Calls(ctx, v, CallFilter{OpenAt: s.stamp()})
	if err != nil {
		return nil, err
	}
	var out []Call
	for _, c := range list {
		if c.ID != old.ID && c.Published && c.LabelName == old.LabelName && c.Renewal != RenewalNone {
			out = append(out, c.Call)
		}
	}
	return out, nil
}

// Renew starts the renewal of a label: a draft application to callID (a
// published, open call with the same label) prefilled from the labelled
// one, linked to it (RenewalOf), so that staff judge it as a renewal
// (on the written file alone when the call's renewal mode says so).
func (s *Service) Renew(ctx context.Context, v Viewer, labelledID, callID int64) (Application, error) {
	old, err := s.Application(ctx, v, labelledID)
	if err != nil {
		return Application{}, err
	}
	if old.Decision != DecisionLabelled || old.LabelNumber == "" || (!v.Staff() && v.OrganisationID != old.Lead.ID) {
		return Application{}, ErrState
	}
	oldCall, err := getCall(ctx, s.db, old.CallID)
	if err != nil {
		return Application{}, wrap("renew", err)
	}
	c, err := s.Call(ctx, v, callID)
	if err != nil {
		return Application{}, err
	}
	if c.LabelName == "" || c.LabelName != oldCall.LabelName || c.Renewal == RenewalNone {
		return Application{}, ErrState
	}
	var partners []int64
	for _, p := range old.Partners {
		partners = append(partners, p.ID)
	}
	answers := map[string]string{}
	for _, f := range c.Fields {
		if v, ok := old.Answers[f.Code]; ok && f.Kind != FieldFile {
			answers[f.Code] = v
			if f.Kind == FieldMoney {
				answers[f.Code] = fmt.Sprintf("%d,%02d", mustAtoi(v)/100, mustAtoi(v)%100)
			}
		}
	}
	in := ApplicationInput{Title: old.Title, Acronym: old.Acronym, Summary: old.Summary, Lang: old.Lang, LeadID: old.Lead.ID,
		PartnerIDs: partners, Answers: answers}
	a, err := s.CreateDraft(ctx, v, callID, in)
	if err != nil {
		return Application{}, err
	}
	if _, err := s.db.Exec(ctx, "UPDATE applications SET renewal_of = ? WHERE id = ?", old.ID, a.ID); err != nil {
		return Application{}, fmt.Errorf("calls: renew: %w", err)
	}
	a.RenewalOf = old.ID
	return a, nil
}

func mustAtoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
