package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"filiere/internal/directory"
	"filiere/internal/validate"
)

// organisationLogo serves an organisation's logo to whoever may see it.
func (s *Server) organisationLogo(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	if !o.Shows(viewer(reqOf(r).user, o.ID), directory.FieldLogo) {
		s.notFound(w, r, false)
		return
	}
	l, err := s.Directory.Logo(r.Context(), o.ID)
	if err != nil {
		s.fail(w, r, "logo", err)
		return
	}
	w.Header().Set("Content-Type", l.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, "", l.UpdatedAt.Truncate(time.Second), bytes.NewReader(l.Data))
}

// uploadLogo stores the logo posted as the "logo" file of a multipart form.
func (s *Server) uploadLogo(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	back := "/organisations/" + strconv.FormatInt(o.ID, 10) + "/edit"
	data, err := formFile(r, "logo", directory.MaxLogoBytes)
	if err == nil {
		err = s.Directory.SetLogo(r.Context(), o.ID, data)
	}
	if _, invalid := validate.As(err); invalid || errors.Is(err, errFileTooLarge) {
		s.redirect(w, r, back, "directory.logo_rejected")
		return
	}
	if err != nil {
		s.fail(w, r, "logo", err)
		return
	}
	s.redirect(w, r, back, "flash.saved")
}

var errFileTooLarge = errors.New("file too large")

// formFile reads the file field name of a multipart form, refusing more
// than max bytes.
func formFile(r *http.Request, name string, max int64) ([]byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errFileTooLarge
		}
		return nil, validate.Errors{{Field: name, Key: "validate.required"}}
	}
	f, _, err := r.FormFile(name)
	if err != nil {
		return nil, validate.Errors{{Field: name, Key: "validate.required"}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errFileTooLarge
	}
	return data, nil
}
