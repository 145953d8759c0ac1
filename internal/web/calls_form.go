package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/validate"
)

// answerText writes a stored answer as people read it.
func answerText(f calls.Field, v, lang string) string {
	if v == "" {
		return ""
	}
	switch f.Kind {
	case calls.FieldMoney:
		if cents, err := strconv.ParseInt(v, 10, 64); err == nil {
			return formatEuros(cents, lang)
		}
	case calls.FieldNumber:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return formatNumber(x, lang)
		}
	case calls.FieldDate:
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			return t.Format("02/01/2006")
		}
	case calls.FieldChoice:
		for _, c := range f.Choices {
			if c.Code == v {
				return c.Label(lang)
			}
		}
	}
	return v
}

// answerInput writes a stored answer back into its input.
func answerInput(f calls.Field, v, lang string) string {
	switch f.Kind {
	case calls.FieldMoney:
		if cents, err := strconv.ParseInt(v, 10, 64); err == nil {
			return euroInput(cents)
		}
	case calls.FieldNumber:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return formatNumber(x, lang)
		}
	}
	return v
}

// applicationValues are an application's form values.
func applicationValues(c calls.Call, a calls.Application, lang string) url.Values {
	v := url.Values{"title": {a.Title}, "acronym": {a.Acronym}, "summary": {a.Summary}, "lang": {a.Lang}}
	for _, f := range c.Fields {
		if val, ok := a.Answers[f.Code]; ok && f.Kind != calls.FieldFile {
			v.Set("answers."+f.Code, answerInput(f, val, lang))
		}
	}
	for _, p := range a.Partners {
		v.Add("partners", orgValue(p.ID, p.Name))
	}
	return v
}

// partnerRows are the partner inputs: those typed, then a few empty ones
// within the call's limit.
func partnerRows(c calls.Call, typed []string) []string {
	if c.Consortium == calls.ConsortiumSingle {
		return nil
	}
	var rows []string
	for _, t := range typed {
		if strings.TrimSpace(t) != "" {
			rows = append(rows, t)
		}
	}
	n := max(3, len(rows)+2, c.MinPartners)
	if c.MaxPartners > 0 {
		n = max(min(n, c.MaxPartners), len(rows))
	}
	for len(rows) < n {
		rows = append(rows, "")
	}
	return rows
}

// fillApplicationForm adds what the form needs besides the values.
func (s *Server) fillApplicationForm(ctx context.Context, r *http.Request, d *applicationData, form url.Values) error {
	d.PartnerRows = partnerRows(d.Call, form["partners"])
	d.OrgQuery = strings.TrimSpace(r.URL.Query().Get("org_q"))
	var err error
	if d.Orgs, err = s.orgOptions(ctx); err != nil {
		return err
	}
	d.Hits, err = s.orgSearch(ctx, d.OrgQuery)
	return err
}

// parseApplicationForm parses a posted application: multipart with its
// documents, or a plain form. It answers the request itself on failure.
func (s *Server) parseApplicationForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseMultipartForm(1 << 20)
	switch {
	case err == nil:
		return true
	case errors.Is(err, http.ErrNotMultipart):
		return s.parseForm(w, r)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge)
	} else {
		s.renderError(w, r, http.StatusBadRequest)
	}
	return false
}

// applicationInput reads the posted form of call c: answers by field
// code, documents, the documents to remove, the partners (and, for staff,
// the lead) as typed. Organisations the directory does not know are
// field errors.
func (s *Server) applicationInput(ctx context.Context, r *http.Request, c calls.Call, staff bool) (calls.ApplicationInput, validate.Errors, error) {
	f := r.PostForm
	in := calls.ApplicationInput{Title: f.Get("title"), Acronym: f.Get("acronym"), Summary: f.Get("summary"), Lang: f.Get("lang"),
		Answers: map[string]string{}, Files: map[string]calls.Upload{}}
	var errs validate.Errors
	for _, fd := range c.Fields {
		name := "answers." + fd.Code
		if fd.Kind != calls.FieldFile {
			if vals, ok := f[name]; ok && len(vals) > 0 {
				in.Answers[fd.Code] = vals[0]
			}
			continue
		}
		if slices.Contains(f["remove"], fd.Code) {
			in.RemoveFiles = append(in.RemoveFiles, fd.Code)
		}
		if r.MultipartForm == nil {
			continue
		}
		fhs := r.MultipartForm.File[name]
		if len(fhs) == 0 || fhs[0].Size == 0 && fhs[0].Filename == "" {
			continue
		}
		file, err := fhs[0].Open()
		if err != nil {
			return in, nil, err
		}
		// One byte over the limit is enough for the domain to refuse it.
		data, err := io.ReadAll(io.LimitReader(file, calls.MaxFileBytes+1))
		file.Close()
		if err != nil {
			return in, nil, err
		}
		in.Files[fd.Code] = calls.Upload{Filename: fhs[0].Filename, Data: data}
	}
	for _, typed := range f["partners"] {
		if strings.TrimSpace(typed) == "" {
			continue
		}
		id, key, err := s.resolveOrg(ctx, typed)
		if err != nil {
			return in, nil, err
		}
		if key != "" {
			errs.Add("partners", key, typed)
			continue
		}
		in.PartnerIDs = append(in.PartnerIDs, id)
	}
	if staff {
		if typed := strings.TrimSpace(f.Get("lead")); typed != "" {
			id, key, err := s.resolveOrg(ctx, typed)
			if err != nil {
				return in, nil, err
			}
			if key != "" {
				errs.Add("lead", key, typed)
			}
			in.LeadID = id
		} else {
			errs.Add("lead", "validate.required")
		}
	}
	return in, errs, nil
}
