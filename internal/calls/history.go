package calls

// The history import: clusters join the platform with years of
// spreadsheets of past applications. Each (scheme group, scheme, year)
// becomes one imported call and each row one imported application, so
// that the statistics cover the years before the platform.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// HistoryOptions are the user's choices for a history import.
type HistoryOptions struct {
	// DryRun plans without writing.
	DryRun bool
	// AllOrNothing writes nothing when any row is rejected.
	AllOrNothing bool
	// OrganisationKind is the taxonomy kind of the organisations the
	// import creates for names the directory does not know ("" is "sme").
	OrganisationKind string
}

// HistoryAction is what an import does with a row.
type HistoryAction string

// The actions.
const (
	HistoryCreate    HistoryAction = "create"
	HistoryUnchanged HistoryAction = "unchanged" // imported before: skipped
	HistoryReject    HistoryAction = "reject"
)

// HistoryLine is the report on one row.
type HistoryLine struct {
	Line   int
	Action HistoryAction
	Title  string // as the row gives them
	Lead   string
	// ApplicationID and Reference are the created application's, once
	// written.
	ApplicationID int64
	Reference     string
	// Reasons say why a row is rejected; Field is a column name
	// ("amount_eur"), "" for the row as a whole.
	Reasons validate.Errors
}

// HistoryCall is an imported call (one per scheme group, scheme and year).
type HistoryCall struct {
	ID          int64 // 0 in a dry run
	SchemeGroup string
	Scheme      string
	Year        int
}

// HistoryReport is the outcome of a history import, row by row in file
// order.
type HistoryReport struct {
	Lines                        []HistoryLine
	Created, Unchanged, Rejected int
	// NewCalls and NewOrganisations are what the import created (or, in a
	// dry run or when blocked, would create), in file order.
	NewCalls         []HistoryCall
	NewOrganisations []string
	DryRun           bool
	AllOrNothing     bool
	// Written reports that the applications were written.
	Written bool
}

// Blocked reports whether all-or-nothing keeps the import from writing.
func (r HistoryReport) Blocked() bool { return r.AllOrNothing && r.Rejected > 0 }

// historyCallKey names an imported call: folded scheme group and scheme,
// and the year.
type historyCallKey struct {
	group, scheme string
	year          int
}

func (e historyEntry) callKey() historyCallKey {
	return historyCallKey{textsearch.Fold(e.group), textsearch.Fold(e.scheme), e.year}
}

// historyAppKey names an imported application: its call, folded title
// and lead.
type historyAppKey struct {
	call  int64
	title string
	lead  int64
}

// historyRowKey tells a row repeated in a file: its call, folded title
// and folded lead.
type historyRowKey struct {
	call        historyCallKey
	title, lead string
}

// historyCreate is a row the import creates.
type historyCreate struct {
	line  int // index in the report
	entry historyEntry
}

// ImportHistory imports past applications: each (scheme group, scheme,
// year) becomes one imported, published call of type project_label with
// only a committee stage (found again if an earlier import made it), each
// row one imported application: submitted (withdrawn for "withdrawn"),
// eligible (ineligible for "ineligible"), with the row's decision, funding
// and amount; collaborative as the kind says, or, without a kind, when
// partners are given; submitted at noon (Paris) on the day received, or
// on 1 January. Organisations are found in the directory by name (case
// and accents aside) or created. A row already imported (same call, title
// and lead) is left unchanged, so importing a file twice adds nothing. Nothing is written in a dry run, or with all-or-nothing
// when a row is rejected; otherwise the new organisations are created
// first (each in the directory's own transaction), then the calls and
// applications in one transaction, each audited.
func (s *Service) ImportHistory(ctx context.Context, rows []HistoryRow, opts HistoryOptions) (HistoryReport, error) {
	kind := cmp.Or(opts.OrganisationKind, "sme")
	if _, err := s.dir.Prepare(directory.Organisation{Name: "-", Kind: kind}); err != nil {
		var errs validate.Errors
		errs.Add("organisation_kind", "validate.choice")
		return HistoryReport{}, errs
	}
	orgs, err := organisationsByName(ctx, s.db)
	if err != nil {
		return HistoryReport{}, fmt.Errorf("calls: import history: %w", err)
	}
	callIDs, err := importedCalls(ctx, s.db)
	if err != nil {
		return HistoryReport{}, fmt.Errorf("calls: import history: %w", err)
	}
	existing, err := importedApplications(ctx, s.db)
	if err != nil {
		return HistoryReport{}, fmt.Errorf("calls: import history: %w", err)
	}

	rep := HistoryReport{DryRun: opts.DryRun, AllOrNothing: opts.AllOrNothing}
	var creates []historyCreate
	firstLine := map[historyRowKey]int{}
	newCalls := map[historyCallKey]bool{}
	newOrgs := map[string]bool{}
	for _, r := range rows {
		line := HistoryLine{Line: r.Line, Title: strings.TrimSpace(r.Title), Lead: strings.TrimSpace(r.Lead)}
		reject := func(errs validate.Errors) {
			line.Action, line.Reasons = HistoryReject, errs
			rep.Lines = append(rep.Lines, line)
			rep.Rejected++
		}
		if r.Unreadable != "" {
			reject(validate.Errors{{Key: r.Unreadable}})
			continue
		}
		e, errs := parseHistoryRow(r)
		var leadID int64
		for i, name := range append([]string{e.lead}, e.partners...) {
			column := "partners"
			if i == 0 {
				column = "lead"
			}
			if name == "" {
				continue
			}
			switch ids := orgs[textsearch.Fold(name)]; len(ids) {
			case 0:
			case 1:
				if i == 0 {
					leadID = ids[0]
				}
			default:
				errs.Add(column, "calls.import.ambiguous_organisation", name, len(ids))
			}
		}
		if len(errs) > 0 {
			reject(errs)
			continue
		}
		key := historyRowKey{e.callKey(), textsearch.Fold(e.title), textsearch.Fold(e.lead)}
		if first, dup := firstLine[key]; dup {
			reject(validate.Errors{{Key: "calls.import.duplicate", Args: []any{first}}})
			continue
		}
		firstLine[key] = r.Line
		if id := callIDs[e.callKey()]; id != 0 && leadID != 0 && existing[historyAppKey{id, textsearch.Fold(e.title), leadID}] {
			line.Action = HistoryUnchanged
			rep.Lines = append(rep.Lines, line)
			rep.Unchanged++
			continue
		}
		line.Action = HistoryCreate
		rep.Lines = append(rep.Lines, line)
		rep.Created++
		creates = append(creates, historyCreate{line: len(rep.Lines) - 1, entry: e})
		if k := e.callKey(); callIDs[k] == 0 && !newCalls[k] {
			newCalls[k] = true
			rep.NewCalls = append(rep.NewCalls, HistoryCall{SchemeGroup: e.group, Scheme: e.scheme, Year: e.year})
		}
		for _, name := range append([]string{e.lead}, e.partners...) {
			if k := textsearch.Fold(name); len(orgs[k]) == 0 && !newOrgs[k] {
				newOrgs[k] = true
				rep.NewOrganisations = append(rep.NewOrganisations, name)
			}
		}
	}
	if opts.DryRun || rep.Blocked() || len(creates) == 0 {
		return rep, nil
	}

	// CreateOrganisation runs its own transaction (and keeps the search
	// index in step): SQLite has one writer, so these come before ours.
	for _, name := range rep.NewOrganisations {
		o, err := s.dir.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: kind, Membership: directory.NonMember})
		if err != nil {
			return HistoryReport{}, fmt.Errorf("calls: import history: organisation %q: %w", name, err)
		}
		orgs[textsearch.Fold(name)] = []int64{o.ID}
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		return s.writeHistory(ctx, tx, &rep, creates, orgs)
	})
	if err != nil {
		return HistoryReport{}, fmt.Errorf("calls: import history: %w", err)
	}
	rep.Written = true
	return rep, nil
}

// writeHistory creates the calls and applications of creates. It reads
// the imported calls and applications again, in the transaction, so that
// an import running meanwhile adds no duplicate.
func (s *Service) writeHistory(ctx context.Context, tx *db.Tx, rep *HistoryReport, creates []historyCreate, orgs map[string][]int64) error {
	callIDs, err := importedCalls(ctx, tx)
	if err != nil {
		return err
	}
	existing, err := importedApplications(ctx, tx)
	if err != nil {
		return err
	}
	now := s.stamp()
	by := audit.ActorFrom(ctx).UserID
	lastRef := map[int]int{} // year → last reference number used
	for i := range rep.NewCalls {
		nc := &rep.NewCalls[i]
		k := historyCallKey{textsearch.Fold(nc.SchemeGroup), textsearch.Fold(nc.Scheme), nc.Year}
		if nc.ID = callIDs[k]; nc.ID != 0 {
			continue
		}
		c := normaliseCall(Call{Type: TypeProjectLabel, TitleFR: fmt.Sprintf("%s %d", nc.Scheme, nc.Year),
			SchemeGroup: nc.SchemeGroup, Scheme: nc.Scheme, Year: nc.Year,
			OpensAt:  time.Date(nc.Year, time.January, 1, 0, 0, 0, 0, Paris).UTC(),
			ClosesAt: time.Date(nc.Year, time.December, 31, 23, 59, 59, 0, Paris).UTC(),
			Audience: AudienceAll, Consortium: ConsortiumOptional, Committee: true, Renewal: RenewalNone,
			Published: true, Imported: true, CreatedAt: now, UpdatedAt: now})
		if err := validateCall(c); err != nil {
			return err
		}
		if c, err = insertCall(ctx, tx, c, by); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "call", c.ID, "import", nil, c); err != nil {
			return err
		}
		nc.ID, callIDs[k] = c.ID, c.ID
	}
	for _, cr := range creates {
		e, line := cr.entry, &rep.Lines[cr.line]
		callID, lead := callIDs[e.callKey()], orgs[textsearch.Fold(e.lead)][0]
		key := historyAppKey{callID, textsearch.Fold(e.title), lead}
		if existing[key] {
			line.Action = HistoryUnchanged
			rep.Created--
			rep.Unchanged++
			continue
		}
		existing[key] = true
		n, ok := lastRef[e.year]
		if !ok {
			ref, err := nextReference(ctx, tx, e.year)
			if err != nil {
				return err
			}
			n, _ = strconv.Atoi(strings.TrimPrefix(ref, fmt.Sprintf("A-%d-", e.year)))
			n--
		}
		n++
		lastRef[e.year] = n
		a := Application{CallID: callID, Reference: fmt.Sprintf("A-%d-%04d", e.year, n), Title: e.title,
			Lead: Organisation{ID: lead, Name: e.lead}, Lang: "fr", Status: e.status, Collaborative: e.collaborative,
			Eligibility: e.eligibility, IneligibleReason: e.reason, Decision: e.decision, Funding: e.funding,
			FundingCents: e.cents, Imported: true, CreatedBy: by, CreatedAt: now, UpdatedAt: now, SubmittedAt: e.submitted}
		if a.Status == StatusWithdrawn {
			a.WithdrawnAt = e.submitted
		}
		if err := tx.QueryRow(ctx, `INSERT INTO applications (call_id, reference, title, lead_id, lang, status, collaborative,
			eligibility, ineligible_reason, decision, funding, funding_cents, imported, created_by, created_at, updated_at,
			submitted_at, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id`,
			a.CallID, a.Reference, a.Title, lead, a.Lang, a.Status, boolInt(a.Collaborative), a.Eligibility,
			a.IneligibleReason, a.Decision, a.Funding, a.FundingCents, nullInt(by), now, now, nullTime(a.SubmittedAt),
			nullTime(a.WithdrawnAt)).Scan(&a.ID); err != nil {
			return err
		}
		for i, name := range e.partners {
			id := orgs[textsearch.Fold(name)][0]
			if id == lead || slices.ContainsFunc(a.Partners, func(o Organisation) bool { return o.ID == id }) {
				continue
			}
			if _, err := tx.Exec(ctx, "INSERT INTO application_partners (application_id, organisation_id, position) VALUES (?, ?, ?)",
				a.ID, id, i); err != nil {
				return err
			}
			a.Partners = append(a.Partners, Organisation{ID: id, Name: name})
		}
		if err := audit.Record(ctx, tx, "application", a.ID, "import", nil, a); err != nil {
			return err
		}
		line.ApplicationID, line.Reference = a.ID, a.Reference
	}
	return nil
}

// organisationsByName maps the directory's folded organisation names to
// their ids (several when names collide).
func organisationsByName(ctx context.Context, q db.Querier) (map[string][]int64, error) {
	rows, err := q.Query(ctx, "SELECT id, name FROM organisations ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		k := textsearch.Fold(name)
		out[k] = append(out[k], id)
	}
	return out, rows.Err()
}

// importedCalls maps the imported calls' keys to their ids (the oldest
// when two share a key).
func importedCalls(ctx context.Context, q db.Querier) (map[historyCallKey]int64, error) {
	rows, err := q.Query(ctx, `SELECT id, scheme_group, scheme, year FROM calls WHERE imported = 1 AND type = ?
		ORDER BY id`, TypeProjectLabel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[historyCallKey]int64{}
	for rows.Next() {
		var id int64
		var group, scheme string
		var year int
		if err := rows.Scan(&id, &group, &scheme, &year); err != nil {
			return nil, err
		}
		k := historyCallKey{textsearch.Fold(group), textsearch.Fold(scheme), year}
		if out[k] == 0 {
			out[k] = id
		}
	}
	return out, rows.Err()
}

// importedApplications lists the applications of imported calls.
func importedApplications(ctx context.Context, q db.Querier) (map[historyAppKey]bool, error) {
	rows, err := q.Query(ctx, `SELECT a.call_id, a.title, a.lead_id FROM applications a JOIN calls c ON c.id = a.call_id
		WHERE c.imported = 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[historyAppKey]bool{}
	for rows.Next() {
		var k historyAppKey
		if err := rows.Scan(&k.call, &k.title, &k.lead); err != nil {
			return nil, err
		}
		k.title = textsearch.Fold(k.title)
		out[k] = true
	}
	return out, rows.Err()
}

// Messages are the line's reasons in lang, each "Column: message" (or
// the message alone when it concerns the whole row).
func (l HistoryLine) Messages(lang string) []string {
	out := make([]string, 0, len(l.Reasons))
	for _, e := range l.Reasons {
		msg := i18n.T(lang, e.Key, e.Args...)
		if e.Field != "" {
			msg = i18n.T(lang, "calls.import.reason", i18n.T(lang, "calls.import.field."+e.Field), msg)
		}
		out = append(out, msg)
	}
	return out
}

// Text is the line as one line of a plain-text report, in lang:
// "line 3: create “Titan” (Stérilix)".
func (l HistoryLine) Text(lang string) string {
	title := l.Title
	if title == "" {
		title = i18n.T(lang, "calls.import.no_title")
	}
	if l.Action == HistoryReject {
		return i18n.T(lang, "calls.import.line.reject", l.Line, title, strings.Join(l.Messages(lang), " ; "))
	}
	return i18n.T(lang, "calls.import.line."+string(l.Action), l.Line, title, l.Lead)
}

// Summary is the report's outcome in one sentence, in lang.
func (r HistoryReport) Summary(lang string) string {
	counts := i18n.T(lang, "calls.import.summary.counts", r.Created, r.Unchanged, r.Rejected, len(r.NewCalls),
		len(r.NewOrganisations))
	var outcome string
	switch {
	case r.DryRun:
		outcome = i18n.T(lang, "calls.import.summary.dry_run")
	case r.Blocked():
		outcome = i18n.T(lang, "calls.import.summary.blocked")
	case r.Written:
		outcome = i18n.T(lang, "calls.import.summary.written")
	default:
		outcome = i18n.T(lang, "calls.import.summary.nothing")
	}
	return counts + " " + outcome
}
