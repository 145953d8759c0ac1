package web

import (
	"net/http"
	"slices"

	"filiere/internal/directory"
	"filiere/internal/validate"
)

type taxonomyData struct {
	Vocabularies []vocabularyData
}

type vocabularyData struct {
	Name     string
	Terms    []directory.VocabTerm
	Families []directory.VocabTerm // for bricks: where a new brick goes
}

// taxonomy lists the managed vocabularies with each term's usage, a form
// to relabel each, to merge one into another, and to add a term.
func (s *Server) taxonomy(w http.ResponseWriter, r *http.Request) {
	s.renderTaxonomy(w, r, http.StatusOK, s.page(w, r, "taxonomy.title", nil))
}

func (s *Server) renderTaxonomy(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	var d taxonomyData
	for _, v := range directory.ManagedVocabularies {
		terms, err := s.Directory.TermUsage(r.Context(), v)
		if err != nil {
			s.fail(w, r, "taxonomy", err)
			return
		}
		vd := vocabularyData{Name: v, Terms: terms}
		for _, t := range terms {
			if t.Family {
				vd.Families = append(vd.Families, t)
			}
		}
		d.Vocabularies = append(d.Vocabularies, vd)
	}
	p.Data = d
	s.render(w, r, status, "taxonomy", p)
}

func (s *Server) saveTerm(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("vocabulary")
	if !slices.Contains(directory.ManagedVocabularies, v) {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	err := s.Directory.SaveTerm(r.Context(), v, directory.Term{Code: f.Get("code"), FR: f.Get("fr"), EN: f.Get("en")}, f.Get("parent"))
	s.afterTaxonomyChange(w, r, v, err)
}

func (s *Server) mergeTerm(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("vocabulary")
	if !slices.Contains(directory.ManagedVocabularies, v) {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	err := s.Directory.MergeTerm(r.Context(), v, r.PostForm.Get("from"), r.PostForm.Get("into"))
	s.afterTaxonomyChange(w, r, v, err)
}

// afterTaxonomyChange shows the page again with the errors of the form
// that failed (keyed by vocabulary), or goes back to it.
func (s *Server) afterTaxonomyChange(w http.ResponseWriter, r *http.Request, vocabulary string, err error) {
	if fe, ok := validate.As(err); ok {
		p := s.page(w, r, "taxonomy.title", nil)
		p.Form = r.PostForm
		for i := range fe {
			fe[i].Field = vocabulary + "." + fe[i].Field
		}
		p.Errors = fe
		s.renderTaxonomy(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.fail(w, r, "taxonomy", err)
		return
	}
	s.redirect(w, r, "/admin/taxonomy#"+vocabulary, "flash.saved")
}
