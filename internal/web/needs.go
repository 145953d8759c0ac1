package web

import (
	"context"
	"net/http"
	"strconv"

	"filiere/internal/auth"
	"filiere/internal/matchmaking"
)

// needRoutes registers the pages of the matchmaking desk (the JSON API is
// in api_needs.go). The signed links mailed to buyers and providers without
// an account carry a token instead of a session: the domain checks it.
func (s *Server) needRoutes() {
	// The public form and the signed links.
	s.handle("GET /needs/post", auth.ActPublic, s.publicNeedForm)
	s.handle("POST /needs/post", auth.ActPublic, s.postPublicNeed)
	s.handle("GET /needs/posted", auth.ActPublic, s.needPosted)
	s.handle("GET /needs/verify/{token}", auth.ActPublic, s.verifyNeed)
	s.handle("GET /needs/track/{token}", auth.ActPublic, s.trackedNeed)
	s.handle("POST /needs/track/{token}/decide/{cid}", auth.ActPublic, s.trackedDecide)
	s.handle("POST /needs/track/{token}/outcome/{cid}", auth.ActPublic, s.trackedOutcome)
	s.handle("GET /needs/track/{token}/attachments/{aid}", auth.ActPublic, s.trackedAttachment)
	s.handle("GET /needs/respond/{token}", auth.ActPublic, s.invitedNeed)
	s.handle("POST /needs/respond/{token}", auth.ActPublic, s.invitedAnswer)
	s.handle("POST /needs/respond/{token}/outcome", auth.ActPublic, s.invitedOutcome)
	s.handle("GET /needs/respond/{token}/attachments/{aid}", auth.ActPublic, s.invitedAttachment)

	// Signed-in buyers and providers; the domain decides who sees a need.
	s.handle("GET /needs", auth.ActSignedIn, s.needsDesk)
	s.handle("GET /needs/new", auth.ActNeedPost, s.newNeedForm)
	s.handle("POST /needs/new", auth.ActNeedPost, s.postNeed)
	s.handle("GET /needs/{id}", auth.ActSignedIn, s.needPage)
	s.handle("GET /needs/{id}/attachments/{aid}", auth.ActSignedIn, s.needAttachment)
	// /needs/{id}/respond, /outcome and /attachments: one pattern, since
	// literal ones would clash with POST /needs/respond/{token} in the mux
	// (neither would be more specific).
	s.handle("POST /needs/{id}/{action}", auth.ActSignedIn, s.needAction)
	s.handle("POST /needs/{id}/{action}/{cid}", auth.ActSignedIn, s.needCandidateAction) // decide, outcome

	// The back office.
	s.handle("GET /admin/needs", auth.ActNeedsManage, s.needQueue)
	s.handle("GET /admin/needs/new", auth.ActNeedsManage, s.staffNeedForm)
	s.handle("POST /admin/needs/new", auth.ActNeedsManage, s.postStaffNeed)
	s.handle("GET /admin/needs/stats", auth.ActNeedsManage, s.needStats)
	s.handle("GET /admin/needs/stats.xlsx", auth.ActNeedsManage, s.needStatsXLSX)
	s.handle("GET /admin/needs/settings", auth.ActNeedsManage, s.needSettings)
	s.handle("POST /admin/needs/settings", auth.ActNeedsManage, s.saveNeedSettings)
	s.handle("GET /admin/needs/{id}", auth.ActNeedsManage, s.needReview)
	s.handle("POST /admin/needs/{id}/propose", auth.ActNeedsManage, s.proposeCandidates)
	s.handle("POST /admin/needs/{id}/candidates", auth.ActNeedsManage, s.addCandidate)
	s.handle("POST /admin/needs/{id}/candidates/{org}/note", auth.ActNeedsManage, s.annotateCandidate)
	s.handle("POST /admin/needs/{id}/candidates/{org}/remove", auth.ActNeedsManage, s.removeCandidate)
	s.handle("POST /admin/needs/{id}/shortlist", auth.ActNeedsManage, s.validateShortlist)
	s.handle("POST /admin/needs/{id}/close", auth.ActNeedsManage, s.closeNeed)
	s.handle("POST /admin/needs/{id}/reopen", auth.ActNeedsManage, s.reopenNeed)

	// In-app notifications.
	s.handle("GET /notifications", auth.ActSignedIn, s.notifications)
	s.handle("POST /notifications/read", auth.ActSignedIn, s.readNotifications)
	s.handle("POST /notifications/{id}/read", auth.ActSignedIn, s.readNotification)
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func needPath(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }

// buyerSide is how a buyer reaches their need: signed in (/needs/{id}) or
// by the link mailed to a buyer without an account (/needs/track/{token}).
type buyerSide struct {
	base   string // where the page is and its forms post
	signed bool   // a signed-in buyer, who may also add files
	load   func(ctx context.Context) (matchmaking.Need, error)
}

// providerSide is how a shortlisted provider reaches a need: a signed-in
// member of the organisation, or the link mailed to its contacts.
type providerSide struct {
	base string
	user *auth.User // nil for the mailed link
	load func(ctx context.Context) (matchmaking.Candidate, error)
}

func (s *Server) trackedSide(r *http.Request) buyerSide {
	token := r.PathValue("token")
	return buyerSide{base: "/needs/track/" + token, load: func(ctx context.Context) (matchmaking.Need, error) {
		return s.Matchmaking.NeedByBuyerToken(ctx, token)
	}}
}

func (s *Server) invitedSide(r *http.Request) providerSide {
	token := r.PathValue("token")
	return providerSide{base: "/needs/respond/" + token, load: func(ctx context.Context) (matchmaking.Candidate, error) {
		return s.Matchmaking.CandidateByToken(ctx, token)
	}}
}

func (s *Server) signedBuyerSide(u *auth.User, id int64) buyerSide {
	return buyerSide{base: needPath(id), signed: true, load: func(ctx context.Context) (matchmaking.Need, error) {
		return s.Matchmaking.NeedForBuyer(ctx, u, id)
	}}
}

func (s *Server) signedProviderSide(u *auth.User, id int64) providerSide {
	return providerSide{base: needPath(id), user: u, load: func(ctx context.Context) (matchmaking.Candidate, error) {
		return s.Matchmaking.InvitationFor(ctx, u, id)
	}}
}

// needSides says whether the signed-in user sees need id as its buyer or
// as a shortlisted provider; neither is db.ErrNotFound (404), so that
// nobody learns a need exists that they may not see.
func (s *Server) needSides(ctx context.Context, u *auth.User, id int64) (*buyerSide, *providerSide, error) {
	if _, err := s.Matchmaking.NeedForBuyer(ctx, u, id); err == nil {
		b := s.signedBuyerSide(u, id)
		return &b, nil, nil
	} else if !isNotFound(err) {
		return nil, nil, err
	}
	if _, err := s.Matchmaking.InvitationFor(ctx, u, id); err != nil {
		return nil, nil, err
	}
	p := s.signedProviderSide(u, id)
	return nil, &p, nil
}

// needPage is a need as the signed-in user may see it: staff go to the
// back office, the buyer sees who accepted, a shortlisted provider the need.
func (s *Server) needPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	u := reqOf(r).user
	if u.Role.IsStaff() {
		http.Redirect(w, r, "/admin/needs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	b, p, err := s.needSides(r.Context(), u, id)
	switch {
	case err != nil:
		s.fail(w, r, "need", err)
	case b != nil:
		s.buyerPage(w, r, http.StatusOK, *b, nil)
	default:
		s.providerPage(w, r, http.StatusOK, *p, nil)
	}
}

// needAction runs POST /needs/{id}/respond, /outcome (a provider) and
// /attachments (the buyer).
func (s *Server) needAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	u := reqOf(r).user
	switch r.PathValue("action") {
	case "respond", "outcome":
		p := s.signedProviderSide(u, id)
		if _, err := p.load(r.Context()); err != nil {
			s.fail(w, r, "need", err)
			return
		}
		if r.PathValue("action") == "respond" {
			s.answer(w, r, p)
		} else {
			s.providerOutcome(w, r, p)
		}
	case "attachments":
		b := s.signedBuyerSide(u, id)
		if _, err := b.load(r.Context()); err != nil {
			s.fail(w, r, "need", err)
			return
		}
		s.uploadNeedAttachment(w, r, b)
	default:
		s.notFound(w, r, false)
	}
}

// needCandidateAction runs the buyer's POST /needs/{id}/decide/{cid} and
// /needs/{id}/outcome/{cid}.
func (s *Server) needCandidateAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	action := r.PathValue("action")
	if !ok || (action != "decide" && action != "outcome") {
		s.notFound(w, r, false)
		return
	}
	b := s.signedBuyerSide(reqOf(r).user, id)
	if action == "decide" {
		s.decide(w, r, b)
	} else {
		s.buyerOutcome(w, r, b)
	}
}

// The pages of the mailed links, for a buyer or a provider without an account.
func (s *Server) trackedNeed(w http.ResponseWriter, r *http.Request) {
	s.buyerPage(w, r, http.StatusOK, s.trackedSide(r), nil)
}

func (s *Server) trackedDecide(w http.ResponseWriter, r *http.Request) {
	s.decide(w, r, s.trackedSide(r))
}

func (s *Server) trackedOutcome(w http.ResponseWriter, r *http.Request) {
	s.buyerOutcome(w, r, s.trackedSide(r))
}

func (s *Server) invitedNeed(w http.ResponseWriter, r *http.Request) {
	s.providerPage(w, r, http.StatusOK, s.invitedSide(r), nil)
}

func (s *Server) invitedAnswer(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, s.invitedSide(r))
}

func (s *Server) invitedOutcome(w http.ResponseWriter, r *http.Request) {
	s.providerOutcome(w, r, s.invitedSide(r))
}

// verifyNeed confirms a public buyer's address from the mailed link and
// takes them to their need's page.
func (s *Server) verifyNeed(w http.ResponseWriter, r *http.Request) {
	n, err := s.Matchmaking.Verify(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, "verify need", err)
		return
	}
	s.redirect(w, r, "/needs/track/"+s.Matchmaking.BuyerToken(n), "needs.flash.verified")
}

// needsDeskData is the business desk of a buyer or a member.
type needsDeskData struct {
	Needs       []matchmaking.Need
	Invitations []matchmaking.Invitation
	CanPost     bool
	Provider    bool // the user answers for an organisation
}

// needsDesk lists the needs the user posted and, for a member, the needs
// their organisation was asked about.
func (s *Server) needsDesk(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	if u.Role.IsStaff() {
		http.Redirect(w, r, "/admin/needs", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	d := needsDeskData{CanPost: auth.Can(u, auth.ActNeedPost, 0), Provider: u.Role == auth.RoleMember && u.OrganisationID != 0}
	var err error
	if d.Needs, err = s.Matchmaking.BuyerNeeds(ctx, u.ID); err != nil {
		s.fail(w, r, "needs", err)
		return
	}
	if d.Provider {
		if d.Invitations, err = s.Matchmaking.Invitations(ctx, u.OrganisationID); err != nil {
			s.fail(w, r, "needs", err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "needs", s.page(w, r, "needs.desk.title", d))
}
