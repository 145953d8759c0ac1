package matchmaking

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/upload"
	"filiere/internal/validate"
)

// NeedForBuyer returns the need if u posted it (or is staff);
// db.ErrNotFound otherwise, so that another buyer cannot even tell it
// exists.
func (s *Service) NeedForBuyer(ctx context.Context, u *auth.User, id int64) (Need, error) {
	n, err := getNeed(ctx, s.db, id)
	if err != nil {
		return Need{}, err
	}
	if u == nil || (!u.Role.IsStaff() && (n.BuyerUserID == 0 || n.BuyerUserID != u.ID)) {
		return Need{}, db.ErrNotFound
	}
	return n, nil
}

// BuyerNeeds lists the needs a user posted, newest first.
func (s *Service) BuyerNeeds(ctx context.Context, userID int64) ([]Need, error) {
	out, _, err := s.needs(ctx, "n.buyer_user_id = ?", []any{userID}, false, 200, 0)
	return out, err
}

// BuyerProvider is a provider as the buyer sees it: only those who
// accepted appear, and their contact only once introduced.
type BuyerProvider struct {
	CandidateID    int64
	OrganisationID int64
	Organisation   string
	Message        string
	RespondedAt    time.Time
	Decision       string // the buyer's: "", accepted, declined
	IntroducedAt   time.Time
	ContactName    string // empty until introduced
	ContactEmail   string
	ContactPhone   string
	Outcome        Outcome // the buyer's report, if any
}

// BuyerView is a need as its buyer sees it.
type BuyerView struct {
	Need      Need
	Providers []BuyerProvider // the providers who accepted
	Asked     int             // providers asked
	Waiting   int             // not answered yet
	Declined  int             // declined, expired or withdrawn
}

// BuyerView builds the buyer's page of a need: who accepted, without any
// provider's contact before the buyer consents, and only counts of the
// others (never their names).
func (s *Service) BuyerView(ctx context.Context, n Need) (BuyerView, error) {
	cands, err := listCandidates(ctx, s.db, "c.need_id = ? AND c.state NOT IN ('proposed', 'removed')", n.ID)
	if err != nil {
		return BuyerView{}, err
	}
	v := BuyerView{Need: n}
	for _, c := range cands {
		v.Asked++
		switch c.State {
		case StateNotified:
			v.Waiting++
		case StateAccepted:
			p := BuyerProvider{CandidateID: c.ID, OrganisationID: c.OrganisationID, Organisation: c.Organisation,
				Message: c.Message, RespondedAt: c.RespondedAt, Decision: c.BuyerDecision, IntroducedAt: c.IntroducedAt}
			if c.Introduced() {
				p.ContactName, p.ContactEmail, p.ContactPhone = c.ResponderName, c.ResponderEmail, c.ResponderPhone
				out, err := s.OutcomesOf(ctx, c.ID)
				if err != nil {
					return BuyerView{}, err
				}
				p.Outcome = out[SideBuyer]
			}
			v.Providers = append(v.Providers, p)
		default:
			v.Declined++
		}
	}
	return v, nil
}

// Invitation is a need a provider was asked about.
type Invitation struct {
	Candidate Candidate
	Reference string
	Title     string
	Status    string // the need's
	Deadline  time.Time
}

// Invitations lists the needs an organisation was shortlisted for, the
// latest first.
func (s *Service) Invitations(ctx context.Context, orgID int64) ([]Invitation, error) {
	cands, err := listCandidates(ctx, s.db, "c.organisation_id = ? AND c.state NOT IN ('proposed', 'removed')", orgID)
	if err != nil {
		return nil, err
	}
	var out []Invitation
	for _, c := range cands {
		n, err := getNeed(ctx, s.db, c.NeedID)
		if err != nil {
			return nil, err
		}
		out = append(out, Invitation{Candidate: c, Reference: n.Reference, Title: n.Title, Status: n.Status, Deadline: n.Deadline})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// InvitationFor returns the candidate of u's organisation on a need, if
// it was shortlisted; db.ErrNotFound otherwise (a provider not asked, or
// only proposed, does not see the need).
func (s *Service) InvitationFor(ctx context.Context, u *auth.User, needID int64) (Candidate, error) {
	if u == nil || u.OrganisationID == 0 {
		return Candidate{}, db.ErrNotFound
	}
	c, err := candidateFor(ctx, s.db, needID, u.OrganisationID)
	if err != nil {
		return Candidate{}, err
	}
	if !c.Shortlisted() {
		return Candidate{}, db.ErrNotFound
	}
	return c, nil
}

// ProviderView is a need as a shortlisted provider sees it.
type ProviderView struct {
	Need      Need // the buyer's identity blanked until the introduction (the company too when anonymous)
	Candidate Candidate
	Outcome   Outcome // the provider's report, if any
	// BuyerShown says whether the buyer's contact is shown (introduced).
	BuyerShown bool
}

// ProviderView builds a provider's page of a need: the need, its own
// answer, never the other providers; the buyer's name, e-mail and phone
// only after the introduction, and their company only if not anonymous.
func (s *Service) ProviderView(ctx context.Context, c Candidate) (ProviderView, error) {
	n, err := getNeed(ctx, s.db, c.NeedID)
	if err != nil {
		return ProviderView{}, err
	}
	v := ProviderView{Need: n, Candidate: c, BuyerShown: c.Introduced()}
	if !c.Introduced() {
		v.Need.BuyerName, v.Need.BuyerEmail, v.Need.BuyerPhone = "", "", ""
		v.Need.BuyerUserID, v.Need.CreatedBy = 0, 0
		if n.Anonymous {
			v.Need.BuyerCompany, v.Need.BuyerOrgID = "", 0
		}
	}
	// What staff wrote and how the need came in are not the provider's.
	v.Need.Channel, v.Need.CloseReason = "", ""
	v.Candidate.Note, v.Candidate.Explanation, v.Candidate.Score, v.Candidate.Source = "", Explanation{}, 0, ""
	if c.Introduced() {
		out, err := s.OutcomesOf(ctx, c.ID)
		if err != nil {
			return ProviderView{}, err
		}
		v.Outcome = out[SideProvider]
	}
	return v, nil
}

// Attachment is a file joined to a need.
type Attachment struct {
	ID          int64
	NeedID      int64
	Filename    string
	ContentType string
	Size        int
	CreatedAt   time.Time
}

// Attachment limits.
const (
	MaxAttachmentBytes = 5 << 20
	maxAttachments     = 5
)

// attachmentTypes are the accepted files, by sniffed type.
var attachmentTypes = map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

// CheckAttachment says whether data may be joined to a need: a PDF, PNG
// or JPEG (recognised from its content, not its name) of at most 5 MB. It
// returns the content type, or the validate.Errors (field "attachment")
// saying why not. Forms call it before submitting a need, so that a
// refused file leaves no need behind.
func CheckAttachment(data []byte) (string, error) {
	var errs validate.Errors
	ctype := http.DetectContentType(data)
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	_, ok := attachmentTypes[ctype]
	switch {
	case len(data) == 0:
		errs.Add("attachment", "validate.required")
	case len(data) > MaxAttachmentBytes:
		errs.Add("attachment", "matchmaking.attachment_size", MaxAttachmentBytes>>20)
	case !ok || (ctype == "application/pdf" && !bytes.HasPrefix(data, []byte("%PDF-"))):
		errs.Add("attachment", "matchmaking.attachment_type")
	}
	return ctype, errs.Err()
}

// AddAttachment joins a file to a need (see CheckAttachment), five per
// need at most.
func (s *Service) AddAttachment(ctx context.Context, needID int64, filename string, data []byte) (Attachment, error) {
	ctype, err := CheckAttachment(data)
	if err != nil {
		return Attachment{}, err
	}
	ext := attachmentTypes[ctype]
	name := upload.Filename(filename)
	if name == "" {
		name = "document" + ext
	}
	if utf8.RuneCountInString(name) > 150 {
		name = string([]rune(name)[:140]) + ext
	}
	a := Attachment{NeedID: needID, Filename: name, ContentType: ctype, Size: len(data), CreatedAt: s.stamp()}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var k int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM need_attachments WHERE need_id = ?", needID).Scan(&k); err != nil {
			return err
		}
		if k >= maxAttachments {
			var errs validate.Errors
			errs.Add("attachment", "matchmaking.attachment_count", maxAttachments)
			return errs.Err()
		}
		if err := tx.QueryRow(ctx, "INSERT INTO need_attachments (need_id, filename, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			needID, a.Filename, a.ContentType, a.Size, data, a.CreatedAt).Scan(&a.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, needID, "attach", nil, a)
	})
	if err != nil {
		if _, ok := validate.As(err); ok {
			return Attachment{}, err
		}
		return Attachment{}, fmt.Errorf("matchmaking: attach: %w", err)
	}
	return a, nil
}

// Attachments lists a need's files (without their content).
func (s *Service) Attachments(ctx context.Context, needID int64) ([]Attachment, error) {
	rows, err := s.db.Query(ctx, "SELECT id, need_id, filename, content_type, size, created_at FROM need_attachments WHERE need_id = ? ORDER BY id", needID)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.NeedID, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData returns one of a need's files with its content.
func (s *Service) AttachmentData(ctx context.Context, needID, id int64) (Attachment, []byte, error) {
	var a Attachment
	var data []byte
	err := s.db.QueryRow(ctx, "SELECT id, need_id, filename, content_type, size, created_at, data FROM need_attachments WHERE id = ? AND need_id = ?",
		id, needID).Scan(&a.ID, &a.NeedID, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, nil, db.ErrNotFound
	}
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("matchmaking: attachment: %w", err)
	}
	return a, data, nil
}

// Introduction is a buyer and a provider put in touch, with both sides'
// contact details (both consented).
type Introduction struct {
	NeedID          int64
	Reference       string
	Title           string
	CandidateID     int64
	OrganisationID  int64
	Provider        string // the provider organisation's name
	ProviderName    string
	ProviderEmail   string
	ProviderPhone   string
	BuyerName       string
	BuyerCompany    string
	BuyerEmail      string
	BuyerPhone      string
	IntroducedAt    time.Time
	BuyerOutcome    string // what each side reported, "" until then
	ProviderOutcome string
}

// IntroductionFilter says whose introductions to list: a buyer's (the
// needs they posted), a provider organisation's, or every one (staff).
type IntroductionFilter struct {
	BuyerUserID   int64
	ProviderOrgID int64
	All           bool
}

// Introductions lists introductions, the latest first. A filter naming
// neither a buyer, a provider nor All lists nothing.
func (s *Service) Introductions(ctx context.Context, f IntroductionFilter) ([]Introduction, error) {
	var conds []string
	var args []any
	if f.BuyerUserID != 0 {
		conds, args = append(conds, "n.buyer_user_id = ?"), append(args, f.BuyerUserID)
	}
	if f.ProviderOrgID != 0 {
		conds, args = append(conds, "c.organisation_id = ?"), append(args, f.ProviderOrgID)
	}
	if len(conds) == 0 && !f.All {
		return nil, nil
	}
	where := "c.introduced_at IS NOT NULL"
	if len(conds) > 0 {
		where += " AND (" + strings.Join(conds, " OR ") + ")"
	}
	rows, err := s.db.Query(ctx, `SELECT n.id, n.reference, n.title, c.id, c.organisation_id, o.name, c.responder_name,
		c.responder_email, c.responder_phone, n.buyer_name, n.buyer_company, n.buyer_email, n.buyer_phone, c.introduced_at,
		COALESCE((SELECT outcome FROM need_outcomes WHERE candidate_id = c.id AND side = 'buyer'), ''),
		COALESCE((SELECT outcome FROM need_outcomes WHERE candidate_id = c.id AND side = 'provider'), '')
		FROM need_candidates c JOIN needs n ON n.id = c.need_id JOIN organisations o ON o.id = c.organisation_id
		WHERE `+where+` ORDER BY c.introduced_at DESC, c.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: introductions: %w", err)
	}
	defer rows.Close()
	var out []Introduction
	for rows.Next() {
		var in Introduction
		if err := rows.Scan(&in.NeedID, &in.Reference, &in.Title, &in.CandidateID, &in.OrganisationID, &in.Provider,
			&in.ProviderName, &in.ProviderEmail, &in.ProviderPhone, &in.BuyerName, &in.BuyerCompany, &in.BuyerEmail,
			&in.BuyerPhone, &in.IntroducedAt, &in.BuyerOutcome, &in.ProviderOutcome); err != nil {
			return nil, fmt.Errorf("matchmaking: introductions: %w", err)
		}
		in.IntroducedAt = in.IntroducedAt.UTC()
		out = append(out, in)
	}
	return out, rows.Err()
}
