package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/mail"
)

type homeData struct {
	Counts directory.Counts
	Tax    *directory.Taxonomy
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	counts, err := s.Directory.Counts(r.Context())
	if err != nil {
		s.fail(w, r, "home", err)
		return
	}
	s.render(w, r, http.StatusOK, "home", s.page(w, r, "home.title", homeData{Counts: counts, Tax: directory.LoadTaxonomy()}))
}

type dashboardData struct {
	Counts       directory.Counts
	Tax          *directory.Taxonomy
	Organisation *directory.Organisation
	Recent       []audit.Entry
	Pending      int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := reqOf(r).user
	d := dashboardData{Tax: directory.LoadTaxonomy()}
	var err error
	if d.Counts, err = s.Directory.Counts(ctx); err != nil {
		s.fail(w, r, "dashboard", err)
		return
	}
	if u.OrganisationID != 0 {
		if o, err := s.Directory.Organisation(ctx, u.OrganisationID); err == nil {
			d.Organisation = &o
		} else if !isNotFound(err) {
			s.fail(w, r, "dashboard", err)
			return
		}
	}
	if auth.Can(u, auth.ActAuditView, 0) {
		if d.Recent, err = audit.Recent(ctx, s.DB, 8); err != nil {
			s.fail(w, r, "dashboard", err)
			return
		}
		if d.Pending, err = mail.Pending(ctx, s.DB); err != nil {
			s.fail(w, r, "dashboard", err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", s.page(w, r, "dashboard.title", d))
}

// healthz checks the database within two seconds.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": s.DB.Dialect().String(), "version": s.Version})
}

func (s *Server) catchAll(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound)
}

type operationsData struct {
	Version       string
	Engine        string
	SchemaVersion int
	BinarySchema  int
	Pending       int
	Outbox        []mail.OutboxRow
	SMTP          bool
}

func (s *Server) operations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := operationsData{Version: s.Version, Engine: s.DB.Dialect().String(), BinarySchema: db.LatestVersion(s.DB.Dialect()), SMTP: s.Config.SMTPURL != ""}
	var err error
	if d.SchemaVersion, err = s.DB.Version(ctx); err != nil {
		s.fail(w, r, "operations", err)
		return
	}
	if d.Pending, err = mail.Pending(ctx, s.DB); err != nil {
		s.fail(w, r, "operations", err)
		return
	}
	if d.Outbox, err = mail.Recent(ctx, s.DB, 30); err != nil {
		s.fail(w, r, "operations", err)
		return
	}
	s.render(w, r, http.StatusOK, "operations", s.page(w, r, "operations.title", d))
}

// fail logs an unexpected error and shows the 500 page (or 404 for a
// missing record).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	if isNotFound(err) {
		s.notFound(w, r, strings.HasPrefix(r.URL.Path, "/api/"))
		return
	}
	s.Logger.Error(op, "err", err, "path", r.URL.Path)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, http.StatusInternalServerError, "api.internal")
		return
	}
	s.renderError(w, r, http.StatusInternalServerError)
}
