package matchmaking

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// The states of a candidate provider.
const (
	StateProposed  = "proposed"  // on the staff's working list
	StateRemoved   = "removed"   // taken off it by staff
	StateNotified  = "notified"  // shortlisted: asked, not answered yet
	StateAccepted  = "accepted"  // the provider is interested
	StateDeclined  = "declined"  // the provider is not
	StateExpired   = "expired"   // no answer before the deadline
	StateWithdrawn = "withdrawn" // taken off the shortlist, or the need closed, before an answer
)

// The buyer's decisions on a provider who accepted.
const (
	DecisionAccepted = "accepted"
	DecisionDeclined = "declined"
)

// Candidate is an organisation considered for a need.
type Candidate struct {
	ID             int64
	NeedID         int64
	OrganisationID int64
	Organisation   string // its name
	Source         string // "ranking" or "staff"
	Position       int    // rank in the proposal
	Score          float64
	Explanation    Explanation
	Note           string // staff's annotation
	State          string
	NotifiedAt     time.Time
	RespondBy      time.Time
	RemindedAt     time.Time
	RespondedAt    time.Time
	Message        string // the provider's message to the buyer
	ResponderName  string
	ResponderEmail string
	ResponderPhone string
	BuyerDecision  string
	BuyerDecidedAt time.Time
	IntroducedAt   time.Time
	FollowupAt     time.Time
}

// Introduced reports whether both sides consented.
func (c Candidate) Introduced() bool { return !c.IntroducedAt.IsZero() }

// Shortlisted reports whether the candidate was sent the need.
func (c Candidate) Shortlisted() bool {
	return c.State != StateProposed && c.State != StateRemoved
}

// Explanation says why the ranking proposed a provider.
type Explanation struct {
	Terms          []string  `json:"terms,omitempty"`          // the need's words the profile matches
	Bricks         []string  `json:"bricks,omitempty"`         // wanted bricks it has
	Certifications []string  `json:"certifications,omitempty"` // required ones, "ISO 13485 (2027-06-30)"
	Capacities     []string  `json:"capacities,omitempty"`     // "cleanroom_area 120"
	Distance       float64   `json:"distance_km,omitempty"`
	Member         bool      `json:"member,omitempty"`
	Sector         bool      `json:"sector,omitempty"`
	Introductions  int       `json:"introductions,omitempty"` // past successful introductions
	Text           float64   `json:"text,omitempty"`          // text part of the score
	RankedAt       time.Time `json:"ranked_at"`
}

const candidateColumns = `c.id, c.need_id, c.organisation_id, o.name, c.source, c.position, c.score, c.explanation, c.note,
	c.state, c.notified_at, c.respond_by, c.reminded_at, c.responded_at, c.message, c.responder_name, c.responder_email,
	c.responder_phone, c.buyer_decision, c.buyer_decided_at, c.introduced_at, c.followup_at`

func scanCandidate(r scanner) (Candidate, error) {
	var c Candidate
	var expl string
	var notified, respondBy, reminded, responded, decided, introduced, followup sql.NullTime
	err := r.Scan(&c.ID, &c.NeedID, &c.OrganisationID, &c.Organisation, &c.Source, &c.Position, &c.Score, &expl, &c.Note,
		&c.State, &notified, &respondBy, &reminded, &responded, &c.Message, &c.ResponderName, &c.ResponderEmail,
		&c.ResponderPhone, &c.BuyerDecision, &decided, &introduced, &followup)
	if err != nil {
		return Candidate{}, err
	}
	if err := json.Unmarshal([]byte(expl), &c.Explanation); err != nil {
		return Candidate{}, fmt.Errorf("candidate %d: explanation: %w", c.ID, err)
	}
	ts := func(n sql.NullTime) time.Time {
		if !n.Valid {
			return time.Time{}
		}
		return n.Time.UTC()
	}
	c.NotifiedAt, c.RespondBy, c.RemindedAt, c.RespondedAt = ts(notified), ts(respondBy), ts(reminded), ts(responded)
	c.BuyerDecidedAt, c.IntroducedAt, c.FollowupAt = ts(decided), ts(introduced), ts(followup)
	return c, nil
}

func getCandidate(ctx context.Context, q db.Querier, id int64) (Candidate, error) {
	c, err := scanCandidate(q.QueryRow(ctx, "SELECT "+candidateColumns+
		" FROM need_candidates c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Candidate{}, db.ErrNotFound
	}
	return c, err
}

func candidateFor(ctx context.Context, q db.Querier, needID, orgID int64) (Candidate, error) {
	c, err := scanCandidate(q.QueryRow(ctx, "SELECT "+candidateColumns+
		" FROM need_candidates c JOIN organisations o ON o.id = c.organisation_id WHERE c.need_id = ? AND c.organisation_id = ?", needID, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return Candidate{}, db.ErrNotFound
	}
	return c, err
}

// Candidates lists every organisation considered for a need (staff only:
// the pages for buyers and providers go through BuyerView and
// ProviderView), the shortlist first, then by position.
func (s *Service) Candidates(ctx context.Context, needID int64) ([]Candidate, error) {
	return listCandidates(ctx, s.db, "c.need_id = ?", needID)
}

func listCandidates(ctx context.Context, q db.Querier, cond string, args ...any) ([]Candidate, error) {
	rows, err := q.Query(ctx, "SELECT "+candidateColumns+" FROM need_candidates c JOIN organisations o ON o.id = c.organisation_id WHERE "+
		cond+" ORDER BY c.need_id, CASE c.state WHEN 'removed' THEN 1 ELSE 0 END, c.position, c.id", args...)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: candidates: %w", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("matchmaking: candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Need returns a need as staff see it.
func (s *Service) Need(ctx context.Context, id int64) (Need, error) { return getNeed(ctx, s.db, id) }

// QueueFilter selects needs for the staff's list.
type QueueFilter struct {
	Status string // one of Statuses, "" for all but unverified ones
	Query  string // in the reference, title, buyer
	Limit  int
	Offset int
}

// Queue lists needs for staff, the oldest waiting first for new ones,
// newest first otherwise, and how many match.
func (s *Service) Queue(ctx context.Context, f QueueFilter) ([]Need, int, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "n.status = ?"), append(args, f.Status)
	} else {
		where = append(where, "n.status <> 'unverified'")
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
		where = append(where, `(LOWER(n.reference) LIKE ? ESCAPE '\' OR LOWER(n.title) LIKE ? ESCAPE '\' OR LOWER(n.buyer_company) LIKE ? ESCAPE '\' OR LOWER(n.buyer_name) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat, pat)
	}
	return s.needs(ctx, strings.Join(where, " AND "), args, f.Status == StatusNew, f.Limit, f.Offset)
}

func (s *Service) needs(ctx context.Context, cond string, args []any, oldestFirst bool, limit, offset int) ([]Need, int, error) {
	if cond == "" {
		cond = "1 = 1"
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM needs n WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("matchmaking: needs: %w", err)
	}
	order := "n.created_at DESC, n.id DESC"
	if oldestFirst {
		order = "n.created_at, n.id"
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, "SELECT "+needColumns+" FROM needs n WHERE "+cond+" ORDER BY "+order+
		" LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("matchmaking: needs: %w", err)
	}
	defer rows.Close()
	var out []Need
	for rows.Next() {
		n, err := scanNeed(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("matchmaking: needs: %w", err)
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// Rank proposes providers for the need from the directory: hard
// constraints first (every required certification valid today, the
// capacities, the location; members only unless the settings allow
// others; never the buyer's own organisation), then the relevance of the
// need's text, wanted bricks and sector against each profile in both
// languages, plus the boosts of the settings (member, past successful
// introductions). The order is deterministic: score, then name, then id.
func (s *Service) Rank(ctx context.Context, n Need, limit int) ([]directory.Candidate, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	intros, err := s.successfulIntroductions(ctx)
	if err != nil {
		return nil, err
	}
	boosts := map[int64]float64{}
	for org, k := range intros {
		boosts[org] = set.IntroBoost * float64(min(k, 3))
	}
	var exclude []int64
	if n.BuyerOrgID != 0 {
		exclude = append(exclude, n.BuyerOrgID)
	}
	text := n.Title + "\n" + strings.Join(n.Services, "\n") + "\n" + n.Description
	res, err := s.dir.Match(ctx, directory.MatchQuery{Text: text, Bricks: n.Bricks, Sector: n.Sector,
		Certifications: n.Certifications, Capacities: n.Capacities, Region: n.Region, Near: n.Near, Km: float64(n.Km),
		MembersOnly: !set.AllowNonMembers, Exclude: exclude,
		Boosts:   directory.MatchBoosts{Member: set.MemberBoost, Brick: set.BrickBoost, Sector: directory.DefaultMatchBoosts.Sector},
		IDBoosts: boosts, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Candidates, nil
}

// successfulIntroductions counts, per provider, the introductions either
// side reported as a quote sent or an order won.
func (s *Service) successfulIntroductions(ctx context.Context) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, `SELECT c.organisation_id, COUNT(DISTINCT c.id) FROM need_candidates c
		JOIN need_outcomes x ON x.candidate_id = c.id WHERE x.outcome IN ('quote_sent', 'order_won') GROUP BY c.organisation_id`)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: past introductions: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var org int64
		var k int
		if err := rows.Scan(&org, &k); err != nil {
			return nil, err
		}
		out[org] = k
	}
	return out, rows.Err()
}

// explain turns a ranking candidate into its stored explanation.
func explain(c directory.Candidate, intros int, at time.Time) Explanation {
	e := Explanation{Terms: c.Terms, Bricks: c.Bricks, Distance: c.Distance, Member: c.Member, Sector: c.SectorMatch,
		Introductions: intros, Text: c.Text, RankedAt: at}
	for _, cert := range c.Certifications {
		v := cert.Code
		if !cert.ValidUntil.IsZero() {
			v += " (" + cert.ValidUntil.Format(time.DateOnly) + ")"
		}
		e.Certifications = append(e.Certifications, v)
	}
	for _, cp := range c.Capacities {
		e.Capacities = append(e.Capacities, cp.Attribute+" "+strconv.FormatFloat(cp.Value, 'f', -1, 64))
	}
	return e
}

// Propose runs the ranking and puts its first candidates (the settings'
// shortlist size) on the need's working list, with their explanation.
// Organisations staff removed stay removed; those already shortlisted or
// added by staff stay as they are; the other proposals are replaced.
func (s *Service) Propose(ctx context.Context, needID int64) ([]Candidate, error) {
	n, err := getNeed(ctx, s.db, needID)
	if err != nil {
		return nil, err
	}
	if n.Status == StatusClosed || n.Status == StatusUnverified {
		return nil, ErrState
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	ranked, err := s.Rank(ctx, n, set.ShortlistSize+20)
	if err != nil {
		return nil, err
	}
	intros, err := s.successfulIntroductions(ctx)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		existing, err := listCandidates(ctx, tx, "c.need_id = ?", needID)
		if err != nil {
			return err
		}
		kept := map[int64]bool{}
		for _, c := range existing {
			if c.State == StateProposed && c.Source == "ranking" {
				if _, err := tx.Exec(ctx, "DELETE FROM need_candidates WHERE id = ?", c.ID); err != nil {
					return err
				}
				continue
			}
			kept[c.OrganisationID] = true
		}
		pos := 0
		for _, rc := range ranked {
			if pos >= set.ShortlistSize {
				break
			}
			pos++
			if kept[rc.ID] {
				continue
			}
			b, err := json.Marshal(explain(rc, intros[rc.ID], now))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO need_candidates (need_id, organisation_id, source, position, score, explanation, state)
				VALUES (?, ?, 'ranking', ?, ?, ?, 'proposed')`, needID, rc.ID, pos, rc.Score, string(b)); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, needID, "ranked", 0, strconv.Itoa(pos))
	})
	if err != nil {
		return nil, fmt.Errorf("matchmaking: propose: %w", err)
	}
	return s.Candidates(ctx, needID)
}

// AddCandidate puts an organisation on the need's working list by hand
// (staff, from a directory search), with a note. Non-members only when the
// settings allow them; never the buyer's own organisation.
func (s *Service) AddCandidate(ctx context.Context, needID, orgID int64, note string) error {
	n, err := getNeed(ctx, s.db, needID)
	if err != nil {
		return err
	}
	if n.Status == StatusClosed || n.Status == StatusUnverified {
		return ErrState
	}
	o, err := s.dir.Organisation(ctx, orgID)
	if err != nil {
		return err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	var errs validate.Errors
	switch {
	case orgID == n.BuyerOrgID:
		errs.Add("organisation", "matchmaking.own_organisation")
	case o.Membership != directory.Member && !set.AllowNonMembers:
		errs.Add("organisation", "matchmaking.members_only")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := candidateFor(ctx, tx, needID, orgID)
		switch {
		case errors.Is(err, db.ErrNotFound):
			var pos int
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM need_candidates WHERE need_id = ?", needID).Scan(&pos); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO need_candidates (need_id, organisation_id, source, position, explanation, note, state)
				VALUES (?, ?, 'staff', ?, ?, ?, 'proposed')`, needID, orgID, pos, `{"ranked_at":"0001-01-01T00:00:00Z"}`, note); err != nil {
				return err
			}
		case err != nil:
			return err
		case c.State == StateRemoved:
			if _, err := tx.Exec(ctx, "UPDATE need_candidates SET state = 'proposed', note = ? WHERE id = ?", cmp.Or(note, c.Note), c.ID); err != nil {
				return err
			}
		default:
			return nil // already there
		}
		if err := s.event(ctx, tx, needID, "added", orgID, o.Name); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "add_candidate", nil, map[string]any{"organisation_id": orgID, "note": note})
	})
}

// RemoveCandidate takes an organisation off the working list. A provider
// already asked is withdrawn (and told so), unless they answered.
func (s *Service) RemoveCandidate(ctx context.Context, needID, orgID int64) error {
	if err := s.ready(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := candidateFor(ctx, tx, needID, orgID)
		if err != nil {
			return err
		}
		next := StateRemoved
		switch c.State {
		case StateProposed:
		case StateNotified:
			next = StateWithdrawn
		default:
			return ErrState
		}
		if _, err := tx.Exec(ctx, "UPDATE need_candidates SET state = ? WHERE id = ?", next, c.ID); err != nil {
			return err
		}
		if next == StateWithdrawn {
			if err := s.tellWithdrawn(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, needID, next, orgID, c.Organisation); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "remove_candidate", c, map[string]any{"organisation_id": orgID, "state": next})
	})
}

// Annotate sets staff's note on a candidate.
func (s *Service) Annotate(ctx context.Context, needID, orgID int64, note string) error {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 1000 {
		var errs validate.Errors
		errs.Add("note", "validate.too_long", 1000)
		return errs.Err()
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := candidateFor(ctx, tx, needID, orgID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE need_candidates SET note = ? WHERE id = ?", note, c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "annotate", map[string]any{"organisation_id": orgID, "note": c.Note},
			map[string]any{"organisation_id": orgID, "note": note})
	})
}

// ValidateShortlist sends the need to every proposed candidate: each is
// notified (e-mail and in the app) and has the settings' response days to
// answer. Nothing reaches providers before this. It can run again after
// staff add providers (a re-shortlist): only the new ones are asked.
func (s *Service) ValidateShortlist(ctx context.Context, needID int64) (int, error) {
	if err := s.ready(); err != nil {
		return 0, err
	}
	notified := 0
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		n, err := getNeed(ctx, tx, needID)
		if err != nil {
			return err
		}
		if n.Status != StatusNew && n.Status != StatusShortlisted {
			return ErrState
		}
		cands, err := listCandidates(ctx, tx, "c.need_id = ? AND c.state = 'proposed'", needID)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			var errs validate.Errors
			errs.Add("shortlist", "matchmaking.empty_shortlist")
			return errs.Err()
		}
		now := s.stamp()
		respondBy := now.AddDate(0, 0, n.ResponseDays)
		for _, c := range cands {
			if _, err := tx.Exec(ctx, "UPDATE need_candidates SET state = 'notified', notified_at = ?, respond_by = ? WHERE id = ?",
				now, respondBy, c.ID); err != nil {
				return err
			}
			c.State, c.NotifiedAt, c.RespondBy = StateNotified, now, respondBy
			if err := s.invite(ctx, tx, n, c); err != nil {
				return err
			}
			if err := s.event(ctx, tx, needID, "notified", c.OrganisationID, c.Organisation); err != nil {
				return err
			}
			notified++
		}
		before := n
		if n.Status == StatusNew {
			n.Status, n.ShortlistedAt = StatusShortlisted, now
		}
		n.UpdatedAt = now
		if _, err := tx.Exec(ctx, "UPDATE needs SET status = ?, shortlisted_at = ?, updated_at = ? WHERE id = ?",
			n.Status, n.ShortlistedAt, n.UpdatedAt, n.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, needID, "shortlisted", 0, strconv.Itoa(notified)); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "shortlist", before, n)
	})
	if err != nil {
		if _, ok := validate.As(err); ok || errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return 0, err
		}
		return 0, fmt.Errorf("matchmaking: validate shortlist: %w", err)
	}
	return notified, nil
}

// invite tells a shortlisted provider about the need (anonymised if the
// buyer asked), with the answer link and the deadline.
func (s *Service) invite(ctx context.Context, q db.Querier, n Need, c Candidate) error {
	rs, err := s.providerRecipients(ctx, c.OrganisationID)
	if err != nil {
		return err
	}
	who := n.BuyerCompany
	if n.Anonymous || who == "" {
		who = "—"
	}
	for _, r := range rs {
		deadline := c.RespondBy.In(paris).Format("02/01/2006")
		if r.Lang == "en" {
			deadline = c.RespondBy.In(paris).Format("2 January 2006")
		}
		buyerLine := who
		if n.Anonymous {
			buyerLine = anonymousBuyer(r.Lang)
		}
		if err := s.send(ctx, q, r, "matchmaking.mail.invite", []any{n.Reference},
			[]any{c.Organisation, n.Title, buyerLine, n.Description, deadline, s.providerURL(c)},
			s.baseURL+"/needs/"+strconv.FormatInt(n.ID, 10), []string{n.Reference, n.Title}); err != nil {
			return err
		}
	}
	return nil
}

// tellWithdrawn tells a provider asked about a need that it no longer is.
func (s *Service) tellWithdrawn(ctx context.Context, q db.Querier, c Candidate) error {
	n, err := getNeed(ctx, q, c.NeedID)
	if err != nil {
		return err
	}
	rs, err := s.providerRecipients(ctx, c.OrganisationID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := s.send(ctx, q, r, "matchmaking.mail.withdrawn", []any{n.Reference}, []any{n.Title}, "", nil); err != nil {
			return err
		}
	}
	return nil
}

// Close closes a need with a reason: providers still asked are withdrawn
// (and told). Introductions already made stay.
func (s *Service) Close(ctx context.Context, needID int64, reason string) error {
	if err := s.ready(); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		var errs validate.Errors
		errs.Add("reason", "validate.required")
		return errs.Err()
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		n, err := getNeed(ctx, tx, needID)
		if err != nil {
			return err
		}
		if n.Status == StatusClosed {
			return ErrState
		}
		pending, err := listCandidates(ctx, tx, "c.need_id = ? AND c.state = 'notified'", needID)
		if err != nil {
			return err
		}
		for _, c := range pending {
			if _, err := tx.Exec(ctx, "UPDATE need_candidates SET state = 'withdrawn' WHERE id = ?", c.ID); err != nil {
				return err
			}
			if err := s.tellWithdrawn(ctx, tx, c); err != nil {
				return err
			}
		}
		before := n
		n.Status, n.ClosedAt, n.CloseReason, n.UpdatedAt = StatusClosed, s.stamp(), reason, s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE needs SET status = ?, closed_at = ?, close_reason = ?, updated_at = ? WHERE id = ?",
			n.Status, n.ClosedAt, n.CloseReason, n.UpdatedAt, n.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, needID, "closed", 0, reason); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "close", before, n)
	})
}

// Reopen puts a closed need back: in the queue, or shortlisted when it was.
func (s *Service) Reopen(ctx context.Context, needID int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		n, err := getNeed(ctx, tx, needID)
		if err != nil {
			return err
		}
		if n.Status != StatusClosed {
			return ErrState
		}
		before := n
		n.Status = StatusNew
		if !n.ShortlistedAt.IsZero() {
			n.Status = StatusShortlisted
		}
		n.ClosedAt, n.CloseReason, n.UpdatedAt = time.Time{}, "", s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE needs SET status = ?, closed_at = NULL, close_reason = '', updated_at = ? WHERE id = ?",
			n.Status, n.UpdatedAt, n.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, needID, "reopened", 0, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "reopen", before, n)
	})
}
