package web

import (
	"errors"
	"net/http"
	"strconv"

	"filiere/internal/directory"
	"filiere/internal/validate"
)

type changesData struct {
	Changes []directory.Change
}

// changes lists the members' edits of public fields waiting for the staff,
// each as a diff to accept or reject.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	list, err := s.Directory.PendingChanges(r.Context(), 0)
	if err != nil {
		s.fail(w, r, "changes", err)
		return
	}
	s.render(w, r, http.StatusOK, "changes", s.page(w, r, "changes.title", changesData{Changes: list}))
}

func (s *Server) acceptChange(w http.ResponseWriter, r *http.Request) { s.decideChange(w, r, true) }
func (s *Server) rejectChange(w http.ResponseWriter, r *http.Request) { s.decideChange(w, r, false) }

func (s *Server) decideChange(w http.ResponseWriter, r *http.Request, accept bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	_, err = s.Directory.DecideChange(r.Context(), id, accept, r.PostForm.Get("reason"))
	switch {
	case errors.Is(err, directory.ErrChangeDecided):
		s.redirect(w, r, "/admin/changes", "changes.already_decided")
	case err != nil:
		if _, ok := validate.As(err); ok {
			s.redirect(w, r, "/admin/changes", "changes.reason_required")
			return
		}
		s.fail(w, r, "decide change", err)
	case accept:
		s.redirect(w, r, "/admin/changes", "changes.accepted")
	default:
		s.redirect(w, r, "/admin/changes", "changes.rejected")
	}
}
