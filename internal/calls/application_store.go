package calls

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"filiere/internal/db"
)

const applicationColumns = `a.id, a.call_id, a.reference, a.title, a.acronym, a.summary, a.lead_id, o.name, o.group_name,
	a.lang, a.status, a.collaborative, a.eligibility, a.ineligible_reason, a.decision, a.decision_note, a.decided_at,
	a.decision_session_id, a.label_number, a.label_until, a.renewal_of, a.funding, a.funding_cents, a.funding_on,
	a.funding_note, a.imported, a.created_by, a.created_at, a.updated_at, a.submitted_at, a.withdrawn_at`

func scanApplication(r interface{ Scan(...any) error }, a *Application) error {
	var collab, imported int
	var decided, until, fundingOn, submitted, withdrawn sql.NullTime
	var session, renewal, by sql.NullInt64
	if err := r.Scan(&a.ID, &a.CallID, &a.Reference, &a.Title, &a.Acronym, &a.Summary, &a.Lead.ID, &a.Lead.Name,
		&a.Lead.Group, &a.Lang, &a.Status, &collab, &a.Eligibility, &a.IneligibleReason, &a.Decision, &a.DecisionNote,
		&decided, &session, &a.LabelNumber, &until, &renewal, &a.Funding, &a.FundingCents, &fundingOn, &a.FundingNote,
		&imported, &by, &a.CreatedAt, &a.UpdatedAt, &submitted, &withdrawn); err != nil {
		return err
	}
	a.Collaborative, a.Imported = collab != 0, imported != 0
	a.DecidedAt, a.LabelUntil, a.FundingOn = timeOf(decided), timeOf(until), timeOf(fundingOn)
	a.SubmittedAt, a.WithdrawnAt = timeOf(submitted), timeOf(withdrawn)
	a.DecisionSession, a.RenewalOf, a.CreatedBy = session.Int64, renewal.Int64, by.Int64
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return nil
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// getApplication loads an application with its consortium, answers and
// files' descriptions, whoever asks.
func getApplication(ctx context.Context, q db.Querier, id int64) (Application, error) {
	var a Application
	err := scanApplication(q.QueryRow(ctx, "SELECT "+applicationColumns+` FROM applications a
		JOIN organisations o ON o.id = a.lead_id WHERE a.id = ?`, id), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, ErrNotFound
	}
	if err != nil {
		return Application{}, err
	}
	if a.Partners, err = partnersOf(ctx, q, id); err != nil {
		return Application{}, err
	}
	a.Answers = map[string]string{}
	rows, err := q.Query(ctx, `SELECT f.code, v.value FROM application_answers v JOIN call_fields f ON f.id = v.field_id
		WHERE v.application_id = ?`, id)
	if err != nil {
		return Application{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var code, value string
		if err := rows.Scan(&code, &value); err != nil {
			return Application{}, err
		}
		a.Answers[code] = value
	}
	if err := rows.Err(); err != nil {
		return Application{}, err
	}
	rows.Close()
	frows, err := q.Query(ctx, `SELECT x.id, f.code, x.filename, x.content_type, x.size FROM application_files x
		JOIN call_fields f ON f.id = x.field_id WHERE x.application_id = ? ORDER BY f.position`, id)
	if err != nil {
		return Application{}, err
	}
	defer frows.Close()
	for frows.Next() {
		var f File
		if err := frows.Scan(&f.ID, &f.FieldCode, &f.Filename, &f.ContentType, &f.Size); err != nil {
			return Application{}, err
		}
		a.Files = append(a.Files, f)
	}
	return a, frows.Err()
}

func partnersOf(ctx context.Context, q db.Querier, id int64) ([]Organisation, error) {
	rows, err := q.Query(ctx, `SELECT o.id, o.name, o.group_name FROM application_partners p
		JOIN organisations o ON o.id = p.organisation_id WHERE p.application_id = ? ORDER BY p.position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.ID, &o.Name, &o.Group); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
