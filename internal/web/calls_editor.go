package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// The call editor works without JavaScript, like the survey editor: the
// form's fields and the grid's criteria are numbered rows
// (fields.N.code…, criteria.N.label_fr…) with a few empty ones; a button
// asks for more rows and shows the form again as typed. Empty rows are
// ignored.
const (
	callExtraRows = 3
	callMaxRows   = 80 // above the domain's limits, so that they speak
)

// callFieldRow is one row of the form builder.
type callFieldRow struct {
	Index            int
	Code, Kind       string
	LabelFR, LabelEN string
	HelpFR, HelpEN   string
	Required         bool
	Choices          string // a choice a line: code|fr|en
}

func (r callFieldRow) empty() bool {
	return r.Code == "" && r.LabelFR == "" && r.LabelEN == "" && strings.TrimSpace(r.Choices) == ""
}

// callCriterionRow is one row of the grid.
type callCriterionRow struct {
	Index            int
	Code             string
	LabelFR, LabelEN string
	Weight, Scale    string
}

// Get is the row's value of a column, for the grid's inputs.
func (r callCriterionRow) Get(column string) string {
	switch column {
	case "code":
		return r.Code
	case "label_fr":
		return r.LabelFR
	case "label_en":
		return r.LabelEN
	case "weight":
		return r.Weight
	}
	return r.Scale
}

func (r callCriterionRow) empty() bool { return r.Code == "" && r.LabelFR == "" && r.LabelEN == "" }

// callFormData is what the editor shows besides the typed values.
type callFormData struct {
	Action     string
	Call       *calls.Call
	Fields     []callFieldRow
	Criteria   []callCriterionRow
	Types      []string
	Kinds      []string
	Audiences  []string
	Consortia  []string
	Renewals   []string
	Schemes    []directory.FundingGroup
	ChoiceHelp string
}

// callValues are a call's form values.
func callValues(c calls.Call) url.Values {
	v := url.Values{"type": {c.Type}, "title_fr": {c.TitleFR}, "title_en": {c.TitleEN}, "description_fr": {c.DescriptionFR},
		"description_en": {c.DescriptionEN}, "scheme_group": {c.SchemeGroup}, "scheme": {c.Scheme}, "wave": {c.Wave},
		"year": {strconv.Itoa(c.Year)}, "opens_at": {parisInput(c.OpensAt)}, "closes_at": {parisInput(c.ClosesAt)},
		"reviews_due": {parisInput(c.ReviewsDue)},
		"audience":    {c.Audience}, "consortium": {c.Consortium}, "min_partners": {strconv.Itoa(c.MinPartners)},
		"max_partners": {strconv.Itoa(c.MaxPartners)}, "evaluators": {strconv.Itoa(c.Evaluators)},
		"vouchers": {strconv.Itoa(c.Vouchers)}, "label_name": {c.LabelName}, "label_months": {strconv.Itoa(c.LabelMonths)},
		"renewal": {c.Renewal}}
	for name, on := range map[string]bool{"preselection": c.Preselection, "written": c.Written, "hearing": c.Hearing, "committee": c.Committee} {
		if on {
			v.Set(name, "1")
		}
	}
	return v
}

// newCallValues are the editor's defaults: a project-labelling call of
// this year, open to members, with a written evaluation by two experts.
func newCallValues(now time.Time) url.Values {
	return url.Values{"type": {calls.TypeProjectLabel}, "year": {strconv.Itoa(now.In(calls.Paris).Year())},
		"audience": {calls.AudienceMembers}, "consortium": {calls.ConsortiumOptional}, "min_partners": {"0"},
		"max_partners": {"0"}, "evaluators": {"2"}, "vouchers": {"0"}, "label_months": {"0"}, "renewal": {calls.RenewalNone},
		"written": {"1"}, "committee": {"1"}}
}

// callFieldRows are the rows of a call's form.
func callFieldRows(fs []calls.Field) []callFieldRow {
	out := make([]callFieldRow, len(fs))
	for i, f := range fs {
		var lines []string
		for _, c := range f.Choices {
			lines = append(lines, c.Code+"|"+c.FR+"|"+c.EN)
		}
		out[i] = callFieldRow{Index: i, Code: f.Code, Kind: f.Kind, LabelFR: f.LabelFR, LabelEN: f.LabelEN, HelpFR: f.HelpFR,
			HelpEN: f.HelpEN, Required: f.Required, Choices: strings.Join(lines, "\n")}
	}
	return out
}

// callCriterionRows are the rows of a call's grid.
func callCriterionRows(cs []calls.Criterion) []callCriterionRow {
	out := make([]callCriterionRow, len(cs))
	for i, c := range cs {
		out[i] = callCriterionRow{Index: i, Code: c.Code, LabelFR: c.LabelFR, LabelEN: c.LabelEN,
			Weight: strconv.Itoa(c.Weight), Scale: strconv.Itoa(c.Scale)}
	}
	return out
}

// withEmptyCallRows adds n empty rows to the form and the grid.
func withEmptyCallRows(fs []callFieldRow, cs []callCriterionRow, n int) ([]callFieldRow, []callCriterionRow) {
	for range n {
		if len(fs) < callMaxRows {
			fs = append(fs, callFieldRow{Index: len(fs), Kind: calls.FieldText})
		}
		if len(cs) < callMaxRows {
			cs = append(cs, callCriterionRow{Index: len(cs), Weight: "1", Scale: "5"})
		}
	}
	return fs, cs
}

// callFormRows reads the posted rows.
func callFormRows(f url.Values) ([]callFieldRow, []callCriterionRow) {
	nf, _ := strconv.Atoi(f.Get("nfields"))
	nc, _ := strconv.Atoi(f.Get("ncriteria"))
	nf, nc = min(max(nf, 0), callMaxRows), min(max(nc, 0), callMaxRows)
	fs := make([]callFieldRow, nf)
	for i := range nf {
		p := "fields." + strconv.Itoa(i) + "."
		fs[i] = callFieldRow{Index: i, Code: strings.TrimSpace(f.Get(p + "code")), Kind: f.Get(p + "kind"),
			LabelFR: strings.TrimSpace(f.Get(p + "label_fr")), LabelEN: strings.TrimSpace(f.Get(p + "label_en")),
			HelpFR: strings.TrimSpace(f.Get(p + "help_fr")), HelpEN: strings.TrimSpace(f.Get(p + "help_en")),
			Required: f.Get(p+"required") == "1", Choices: f.Get(p + "choices")}
	}
	cs := make([]callCriterionRow, nc)
	for i := range nc {
		p := "criteria." + strconv.Itoa(i) + "."
		cs[i] = callCriterionRow{Index: i, Code: strings.TrimSpace(f.Get(p + "code")), LabelFR: strings.TrimSpace(f.Get(p + "label_fr")),
			LabelEN: strings.TrimSpace(f.Get(p + "label_en")), Weight: strings.TrimSpace(f.Get(p + "weight")),
			Scale: strings.TrimSpace(f.Get(p + "scale"))}
	}
	return fs, cs
}

// callChoices reads a choices box: "code|fr|en", "code|fr" or a French
// label alone (the domain then makes the code), a choice a line.
func callChoices(text string) []calls.Choice {
	var out []calls.Choice
	for line := range strings.Lines(text) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		var c calls.Choice
		switch len(parts) {
		case 1:
			c.FR = parts[0]
		case 2:
			c.Code, c.FR = parts[0], parts[1]
		default:
			c.Code, c.FR, c.EN = parts[0], parts[1], strings.Join(parts[2:], " | ")
		}
		if c.Code != "" || c.FR != "" || c.EN != "" {
			out = append(out, c)
		}
	}
	return out
}

// callInput reads the editor's form. Numbers and dates the domain cannot
// receive as typed are checked here; errors name the rows as shown.
// fieldAt and criterionAt map the domain's indexes back to rows.
func callInput(f url.Values, fs []callFieldRow, cs []callCriterionRow) (calls.Call, validate.Errors, []int, []int) {
	var errs validate.Errors
	num := func(name string) int {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs.Add(name, "validate.number")
		}
		return n
	}
	when := func(name string) time.Time {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return time.Time{}
		}
		t, ok := parseParisTime(s)
		if !ok {
			errs.Add(name, "validate.date")
		}
		return t
	}
	c := calls.Call{Type: f.Get("type"), TitleFR: f.Get("title_fr"), TitleEN: f.Get("title_en"),
		DescriptionFR: f.Get("description_fr"), DescriptionEN: f.Get("description_en"), SchemeGroup: f.Get("scheme_group"),
		Scheme: f.Get("scheme"), Wave: f.Get("wave"), Year: num("year"), OpensAt: when("opens_at"), ClosesAt: when("closes_at"),
		Audience: f.Get("audience"), Consortium: f.Get("consortium"), MinPartners: num("min_partners"),
		MaxPartners: num("max_partners"), Preselection: f.Get("preselection") == "1", Written: f.Get("written") == "1",
		Hearing: f.Get("hearing") == "1", Committee: f.Get("committee") == "1", Evaluators: num("evaluators"),
		Vouchers: num("vouchers"), LabelName: f.Get("label_name"), LabelMonths: num("label_months"), Renewal: f.Get("renewal"),
		ReviewsDue: when("reviews_due")}
	var fieldAt, criterionAt []int
	for _, r := range fs {
		if r.empty() {
			continue
		}
		fieldAt = append(fieldAt, r.Index)
		c.Fields = append(c.Fields, calls.Field{Code: r.Code, Kind: r.Kind, LabelFR: r.LabelFR, LabelEN: r.LabelEN,
			HelpFR: r.HelpFR, HelpEN: r.HelpEN, Required: r.Required, Choices: callChoices(r.Choices)})
	}
	for _, r := range cs {
		if r.empty() {
			continue
		}
		cr := calls.Criterion{Code: r.Code, LabelFR: r.LabelFR, LabelEN: r.LabelEN}
		p := "criteria." + strconv.Itoa(r.Index) + "."
		var err error
		if cr.Weight, err = strconv.Atoi(r.Weight); err != nil {
			errs.Add(p+"weight", "validate.number")
		}
		if cr.Scale, err = strconv.Atoi(r.Scale); err != nil {
			errs.Add(p+"scale", "validate.number")
		}
		criterionAt = append(criterionAt, r.Index)
		c.Criteria = append(c.Criteria, cr)
	}
	return c, errs, fieldAt, criterionAt
}

// rowErrors renames the domain's "fields.3.label_fr" after the row shown.
func rowErrors(errs validate.Errors, fieldAt, criterionAt []int) validate.Errors {
	out := make(validate.Errors, len(errs))
	for i, e := range errs {
		for _, list := range []struct {
			prefix string
			at     []int
		}{{"fields.", fieldAt}, {"criteria.", criterionAt}} {
			rest, ok := strings.CutPrefix(e.Field, list.prefix)
			if !ok {
				continue
			}
			n, tail, _ := strings.Cut(rest, ".")
			if k, err := strconv.Atoi(n); err == nil && k >= 0 && k < len(list.at) {
				e.Field = list.prefix + strconv.Itoa(list.at[k]) + "." + tail
			}
		}
		out[i] = e
	}
	return out
}

// renderCallForm shows the editor.
func (s *Server) renderCallForm(w http.ResponseWriter, r *http.Request, status int, d callFormData, form url.Values, errs validate.Errors) {
	d.Types, d.Kinds = calls.Types, calls.FieldKinds
	d.Audiences = []string{calls.AudienceMembers, calls.AudienceAll}
	d.Consortia = []string{calls.ConsortiumSingle, calls.ConsortiumOptional, calls.ConsortiumRequired}
	d.Renewals = []string{calls.RenewalNone, calls.RenewalWritten, calls.RenewalFull}
	d.Schemes = directory.LoadTaxonomy().FundingSchemes
	title := "callsweb.editor.new_title"
	if d.Call != nil {
		title = "callsweb.editor.edit_title"
	}
	p := s.page(w, r, title, d)
	withFormErrors(p, form, errs, "")
	s.render(w, r, status, "call_form", p)
}

func (s *Server) newCallForm(w http.ResponseWriter, r *http.Request) {
	fs, cs := withEmptyCallRows(nil, nil, callExtraRows)
	s.renderCallForm(w, r, http.StatusOK, callFormData{Action: "/admin/calls/new", Fields: fs, Criteria: cs}, newCallValues(s.Calls.Now()), nil)
}

func (s *Server) editCallForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	v, ok := s.viewerOr(w, r, "edit call")
	if !ok {
		return
	}
	c, err := s.Calls.Call(r.Context(), v, id)
	if err != nil {
		s.callFail(w, r, "edit call", err)
		return
	}
	fs, cs := withEmptyCallRows(callFieldRows(c.Fields), callCriterionRows(c.Criteria), callExtraRows)
	d := callFormData{Action: adminCallPath(c.ID) + "/edit", Call: &c, Fields: fs, Criteria: cs}
	s.renderCallForm(w, r, http.StatusOK, d, callValues(c), nil)
}

func (s *Server) createCall(w http.ResponseWriter, r *http.Request) { s.saveCall(w, r, 0) }

func (s *Server) updateCall(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.saveCall(w, r, id)
}

// saveCall creates (id 0) or updates a call from the editor; "more" shows
// the editor again with more empty rows.
func (s *Server) saveCall(w http.ResponseWriter, r *http.Request, id int64) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	d := callFormData{Action: "/admin/calls/new"}
	if id != 0 {
		v, ok := s.viewerOr(w, r, "save call")
		if !ok {
			return
		}
		c, err := s.Calls.Call(ctx, v, id)
		if err != nil {
			s.callFail(w, r, "save call", err)
			return
		}
		d.Call, d.Action = &c, adminCallPath(id)+"/edit"
	}
	fs, cs := callFormRows(r.PostForm)
	if r.PostForm.Get("more") == "1" {
		d.Fields, d.Criteria = withEmptyCallRows(fs, cs, callExtraRows)
		s.renderCallForm(w, r, http.StatusOK, d, r.PostForm, nil)
		return
	}
	in, errs, fieldAt, criterionAt := callInput(r.PostForm, fs, cs)
	d.Fields, d.Criteria = withEmptyCallRows(fs, cs, 1)
	if errs != nil {
		s.renderCallForm(w, r, http.StatusUnprocessableEntity, d, r.PostForm, errs)
		return
	}
	var c calls.Call
	var err error
	if id == 0 {
		c, err = s.Calls.CreateCall(ctx, in)
	} else {
		c, err = s.Calls.UpdateCall(ctx, id, in)
	}
	if fe, ok := validate.As(err); ok {
		s.renderCallForm(w, r, http.StatusUnprocessableEntity, d, r.PostForm, rowErrors(fe, fieldAt, criterionAt))
		return
	}
	if err != nil {
		s.callFail(w, r, "save call", err)
		return
	}
	s.redirect(w, r, adminCallPath(c.ID), "callsweb.flash.call_saved")
}
