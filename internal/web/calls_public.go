package web

import (
	"bytes"
	"net/http"
	"slices"
	"time"

	"filiere/internal/auth"
	"filiere/internal/calls"
)

// callListData is the public list of calls.
type callListData struct {
	callFmt
	Open, Upcoming, Past []calls.CallSummary
	Type                 string
	Types                []string
	Staff                bool
}

// callList shows the published calls: open ones first (closing soonest
// first), then those to come, then the closed ones.
func (s *Server) callList(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "calls")
	if !ok {
		return
	}
	typ := r.URL.Query().Get("type")
	if !slices.Contains(calls.Types, typ) {
		typ = ""
	}
	list, err := s.Calls.Calls(r.Context(), v, calls.CallFilter{Type: typ})
	if err != nil {
		s.fail(w, r, "calls", err)
		return
	}
	// Staff list every call here too; the public page shows the published.
	list = slices.DeleteFunc(list, func(c calls.CallSummary) bool { return !c.Published })
	d := callListData{Type: typ, Types: calls.Types, Staff: v.Staff()}
	d.Open, d.Upcoming, d.Past = callSummaryOpen(list, s.Calls.Now())
	p := s.page(w, r, "callsweb.list.title", d)
	p.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "calls", p)
}

// callPageData is a call's public page.
type callPageData struct {
	callFmt
	Call     calls.Call
	Open     bool
	NotYet   bool
	CanApply bool // the viewer's role applies for an organisation
	Staff    bool
	SignedIn bool
	Mine     []calls.Application // the viewer's organisation's applications to the call
	Stages   []string
}

// callStages lists the stages a call goes through, in order.
func callStages(c calls.Call) []string {
	var out []string
	for _, st := range []struct {
		on   bool
		name string
	}{{c.Preselection, "preselection"}, {c.Written, "written"}, {c.Hearing, "hearing"}, {c.Committee, "committee"}} {
		if st.on {
			out = append(out, st.name)
		}
	}
	return out
}

// callPage shows a call: what it is for, its dates and stages, the form
// applicants fill in, and the way to apply while it is open.
func (s *Server) callPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "call")
	if !ok {
		return
	}
	c, err := s.Calls.Call(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "call", err)
		return
	}
	now := s.Calls.Now()
	u := reqOf(r).user
	d := callPageData{Call: c, Open: c.IsOpen(now), NotYet: now.Before(c.OpensAt), Staff: v.Staff(), SignedIn: u != nil,
		CanApply: u != nil && !v.Staff() && auth.Can(u, auth.ActCallsApply, 0), Stages: callStages(c)}
	if d.CanApply {
		if d.Mine, err = s.Calls.Applications(ctx, v, calls.ApplicationFilter{CallID: c.ID}); err != nil {
			s.fail(w, r, "call", err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "call", s.page(w, r, "callsweb.call.title", d))
}

// labelsData is the public catalogue of current labels.
type labelsData struct {
	callFmt
	Labels []calls.Label
	Type   string
	Types  []string
}

func labelType(r *http.Request) string {
	if t := r.URL.Query().Get("type"); slices.Contains(calls.Types, t) {
		return t
	}
	return ""
}

// labelCatalogue lists the labels valid today, optionally of one type of
// call (the training labels…).
func (s *Server) labelCatalogue(w http.ResponseWriter, r *http.Request) {
	typ := labelType(r)
	labels, err := s.Calls.Catalogue(r.Context(), typ)
	if err != nil {
		s.fail(w, r, "labels", err)
		return
	}
	p := s.page(w, r, "callsweb.labels.title", labelsData{Labels: labels, Type: typ, Types: calls.Types})
	p.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "call_labels", p)
}

// labelCataloguePDF sends the catalogue as a PDF, in the page's language
// or ?lang=.
func (s *Server) labelCataloguePDF(w http.ResponseWriter, r *http.Request) {
	lang := reqOf(r).lang
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		lang = l
	}
	var buf bytes.Buffer
	if err := s.Calls.CataloguePDF(r.Context(), &buf, labelType(r), lang); err != nil {
		s.fail(w, r, "labels pdf", err)
		return
	}
	sendFile(w, "application/pdf", "labels-"+time.Now().In(paris).Format(time.DateOnly)+".pdf", &buf)
}
