package web

import (
	"errors"
	"math"
	"mime"
	"net/http"
	"strconv"

	"filiere/internal/matchmaking"
	"filiere/internal/validate"
)

// needHelpers are the formatting methods the desk's templates call.
type needHelpers struct{}

// KB is a file size in kilobytes, rounded up.
func (needHelpers) KB(size int) int { return (size + 1023) / 1024 }

// Money writes an amount in lang.
func (needHelpers) Money(cents int64, lang string) string { return formatEuros(cents, lang) }

// Decimal writes a score with two decimals in lang.
func (needHelpers) Decimal(v float64, lang string) string {
	return formatNumber(math.Round(v*100)/100, lang)
}

// AmountInput writes an amount back into a form field.
func (needHelpers) AmountInput(cents int64) string { return euroInput(cents) }

// needBuyerData is the buyer's page of a need.
type needBuyerData struct {
	needHelpers
	View        matchmaking.BuyerView
	Facts       []needFact
	Base        string
	Attachments []matchmaking.Attachment
	CanUpload   bool
	Outcomes    []string
	MaxMB       int
}

// buyerPage shows a need to its buyer, with errors of a form posted from it.
func (s *Server) buyerPage(w http.ResponseWriter, r *http.Request, status int, b buyerSide, errs validate.Errors) {
	ctx := r.Context()
	n, err := b.load(ctx)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	v, err := s.Matchmaking.BuyerView(ctx, n)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	files, err := s.Matchmaking.Attachments(ctx, n.ID)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	lang := reqOf(r).lang
	d := needBuyerData{View: v, Facts: needFacts(n, lang, true), Base: b.base, Attachments: files,
		CanUpload: b.signed && n.Status != matchmaking.StatusClosed, Outcomes: matchmaking.Outcomes, MaxMB: matchmaking.MaxAttachmentBytes >> 20}
	p := s.page(w, r, "needs.buyer.title", d)
	p.Errors = errs
	if errs != nil {
		p.Form = r.PostForm
	}
	s.render(w, r, status, "need_buyer", p)
}

// candidateOf reads the {cid} of the path, which must be one of the
// providers the buyer's page shows.
func candidateOf(r *http.Request, v matchmaking.BuyerView) (matchmaking.BuyerProvider, bool) {
	cid, ok := pathID(r, "cid")
	if !ok {
		return matchmaking.BuyerProvider{}, false
	}
	for _, p := range v.Providers {
		if p.CandidateID == cid {
			return p, true
		}
	}
	return matchmaking.BuyerProvider{}, false
}

// decide records the buyer's consent (accept=1) or refusal to be
// introduced to a provider who accepted.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, b buyerSide) {
	ctx := r.Context()
	n, err := b.load(ctx)
	if err != nil {
		s.fail(w, r, "decide", err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	cid, ok := pathID(r, "cid")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	accept := r.PostForm.Get("accept") == "1"
	_, err = s.Matchmaking.Decide(ctx, n.ID, cid, accept)
	switch {
	case errors.Is(err, matchmaking.ErrState):
		s.redirect(w, r, b.base, "needs.flash.decided_already")
	case err != nil:
		s.fail(w, r, "decide", err)
	case accept:
		s.redirect(w, r, b.base+"#provider-"+strconv.FormatInt(cid, 10), "needs.flash.introduced")
	default:
		s.redirect(w, r, b.base, "needs.flash.buyer_declined")
	}
}

// outcomeForm reads an outcome form: the outcome and an amount in euros.
func outcomeForm(r *http.Request, prefix string) (outcome string, amount int64, errs validate.Errors) {
	outcome = r.PostForm.Get("outcome")
	amount, ok := parseEuros(r.PostForm.Get("amount"))
	if !ok {
		errs.Add(prefix+"amount", "needs.amount")
	}
	return outcome, amount, errs
}

// prefixed renames a form's errors so that they show beside the form of
// one provider among several on the page.
func prefixed(errs validate.Errors, prefix string) validate.Errors {
	out := make(validate.Errors, len(errs))
	for i, e := range errs {
		out[i] = e
		out[i].Field = prefix + e.Field
	}
	return out
}

// buyerOutcome records what came of an introduction, the buyer's side.
func (s *Server) buyerOutcome(w http.ResponseWriter, r *http.Request, b buyerSide) {
	ctx := r.Context()
	n, err := b.load(ctx)
	if err != nil {
		s.fail(w, r, "outcome", err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v, err := s.Matchmaking.BuyerView(ctx, n)
	if err != nil {
		s.fail(w, r, "outcome", err)
		return
	}
	bp, ok := candidateOf(r, v)
	if !ok || bp.IntroducedAt.IsZero() {
		s.notFound(w, r, false)
		return
	}
	prefix := "c" + strconv.FormatInt(bp.CandidateID, 10) + "."
	outcome, amount, errs := outcomeForm(r, prefix)
	if errs == nil {
		err = s.Matchmaking.ReportOutcome(ctx, matchmaking.Outcome{NeedID: n.ID, CandidateID: bp.CandidateID, Side: matchmaking.SideBuyer, Outcome: outcome, Amount: amount})
		if fe, ok := validate.As(err); ok {
			errs, err = prefixed(fe, prefix), nil
		}
	}
	switch {
	case errs != nil:
		s.buyerPage(w, r, http.StatusUnprocessableEntity, b, errs)
	case err != nil:
		s.fail(w, r, "outcome", err)
	default:
		s.redirect(w, r, b.base, "needs.flash.outcome")
	}
}

// uploadNeedAttachment joins a file to the signed-in buyer's need.
func (s *Server) uploadNeedAttachment(w http.ResponseWriter, r *http.Request, b buyerSide) {
	ctx := r.Context()
	n, err := b.load(ctx)
	if err != nil {
		s.fail(w, r, "attachment", err)
		return
	}
	if n.Status == matchmaking.StatusClosed {
		s.redirect(w, r, b.base, "needs.flash.state")
		return
	}
	data, err := formFile(r, "attachment", matchmaking.MaxAttachmentBytes)
	if errors.Is(err, errFileTooLarge) {
		err = validate.Errors{{Field: "attachment", Key: "matchmaking.attachment_size", Args: []any{matchmaking.MaxAttachmentBytes >> 20}}}
	}
	if err == nil {
		name := ""
		if fh := r.MultipartForm.File["attachment"]; len(fh) > 0 {
			name = fh[0].Filename
		}
		_, err = s.Matchmaking.AddAttachment(ctx, n.ID, name, data)
	}
	if fe, ok := validate.As(err); ok {
		s.buyerPage(w, r, http.StatusUnprocessableEntity, b, fe)
		return
	}
	if err != nil {
		s.fail(w, r, "attachment", err)
		return
	}
	s.redirect(w, r, b.base, "needs.flash.attached")
}

func (s *Server) trackedAttachment(w http.ResponseWriter, r *http.Request) {
	n, err := s.trackedSide(r).load(r.Context())
	if err != nil {
		s.fail(w, r, "attachment", err)
		return
	}
	s.sendAttachment(w, r, n.ID)
}

func (s *Server) invitedAttachment(w http.ResponseWriter, r *http.Request) {
	c, err := s.invitedSide(r).load(r.Context())
	if err != nil {
		s.fail(w, r, "attachment", err)
		return
	}
	s.sendAttachment(w, r, c.NeedID)
}

// needAttachment sends a file of a need to staff, its buyer or a
// shortlisted provider; anyone else gets a 404.
func (s *Server) needAttachment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if u := reqOf(r).user; !u.Role.IsStaff() {
		if _, _, err := s.needSides(r.Context(), u, id); err != nil {
			s.fail(w, r, "attachment", err)
			return
		}
	}
	s.sendAttachment(w, r, id)
}

// sendAttachment sends file {aid} of need needID as a download, never to
// be shown inline.
func (s *Server) sendAttachment(w http.ResponseWriter, r *http.Request, needID int64) {
	aid, ok := pathID(r, "aid")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	a, data, err := s.Matchmaking.AttachmentData(r.Context(), needID, aid)
	if err != nil {
		s.fail(w, r, "attachment", err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}
