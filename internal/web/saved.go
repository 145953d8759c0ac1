package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"filiere/internal/validate"
)

// saveSearch saves the search the page shows (its query in the form's
// "query" field) under a name, for the signed-in user.
func (s *Server) saveSearch(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	name, query := r.PostFormValue("search_name"), r.PostFormValue("query")
	saved, err := s.Directory.SaveSearch(r.Context(), u.ID, name, query, r.PostFormValue("shared") == "1", u.Role.IsStaff())
	if fe, ok := validate.As(err); ok {
		q, _ := url.ParseQuery(query)
		s.organisationsPage(w, r, q, name, fe)
		return
	}
	if err != nil {
		s.fail(w, r, "save search", err)
		return
	}
	s.redirect(w, r, "/organisations?"+saved.Query, "saved.saved")
}

// deleteSavedSearch deletes one of the user's saved searches.
func (s *Server) deleteSavedSearch(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err := s.Directory.DeleteSavedSearch(r.Context(), reqOf(r).user.ID, id); err != nil {
		s.fail(w, r, "delete saved search", err)
		return
	}
	s.redirect(w, r, "/organisations", "saved.deleted")
}

// SavedQuery is a saved search's query, safe in a link: the store keeps
// it as url.Values encodes it.
func SavedQuery(q string) template.URL {
	v, _ := url.ParseQuery(q)
	return template.URL(v.Encode())
}
