package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"filiere/internal/calls"
	"filiere/internal/calls/letters"
	"filiere/internal/validate"
)

// callStatsData is the statistics page: the annual-report table.
type callStatsData struct {
	callFmt
	Stats calls.Stats
	Years []int
	// Lines are the groups, each followed by its schemes.
	Lines []callStatsLine
}

// callStatsLine is a line of the table: a scheme group's total or one of
// its schemes.
type callStatsLine struct {
	Group, Scheme string
	IsGroup       bool
	calls.Counts
}

// statsYear reads ?year=, else the latest year with applications, else
// this year.
func (s *Server) statsYear(r *http.Request) (int, []int, error) {
	years, err := s.Calls.Years(r.Context())
	if err != nil {
		return 0, nil, err
	}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1990 && y <= 2100 {
		if !slices.Contains(years, y) {
			years = append(years, y)
			slices.Sort(years)
			slices.Reverse(years)
		}
		return y, years, nil
	}
	if len(years) > 0 {
		return years[0], years, nil
	}
	y := s.Calls.Now().In(calls.Paris).Year()
	return y, []int{y}, nil
}

// callStatistics loads the year's statistics for the viewer (staff and
// funders).
func (s *Server) callStatistics(w http.ResponseWriter, r *http.Request) (calls.Stats, []int, bool) {
	year, years, err := s.statsYear(r)
	if err != nil {
		s.fail(w, r, "call stats", err)
		return calls.Stats{}, nil, false
	}
	v, err := s.callViewer(r)
	if err != nil {
		s.fail(w, r, "call stats", err)
		return calls.Stats{}, nil, false
	}
	st, err := s.Calls.Statistics(r.Context(), v, year)
	if err != nil {
		s.callFail(w, r, "call stats", err)
		return calls.Stats{}, nil, false
	}
	return st, years, true
}

// callStats shows the statistics of a year: per scheme group and scheme,
// received, labelled, funded; rates; individual against collaborative.
func (s *Server) callStats(w http.ResponseWriter, r *http.Request) {
	st, years, ok := s.callStatistics(w, r)
	if !ok {
		return
	}
	d := callStatsData{Stats: st, Years: years}
	for _, g := range st.Groups {
		d.Lines = append(d.Lines, callStatsLine{Group: g.SchemeGroup, IsGroup: true, Counts: g.Counts})
		for _, l := range st.Schemes {
			if l.SchemeGroup == g.SchemeGroup {
				d.Lines = append(d.Lines, callStatsLine{Group: l.SchemeGroup, Scheme: l.Scheme, Counts: l.Counts})
			}
		}
	}
	s.render(w, r, http.StatusOK, "calls_stats", s.page(w, r, "callsweb.stats.title", d))
}

// callStatsXLSX sends the year's table as a workbook.
func (s *Server) callStatsXLSX(w http.ResponseWriter, r *http.Request) {
	st, _, ok := s.callStatistics(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := calls.WriteStatsXLSX(&buf, st, reqOf(r).lang); err != nil {
		s.fail(w, r, "call stats xlsx", err)
		return
	}
	sendFile(w, xlsxType, "calls-stats-"+strconv.Itoa(st.Year)+".xlsx", &buf)
}

// callStatsJSON sends the year's table as JSON, in the shape of the
// report command's.
func (s *Server) callStatsJSON(w http.ResponseWriter, r *http.Request) {
	st, _, ok := s.callStatistics(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := calls.WriteStatsJSON(&buf, st); err != nil {
		s.fail(w, r, "call stats json", err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `inline; filename="calls-stats-`+strconv.Itoa(st.Year)+`.json"`)
	_, _ = buf.WriteTo(w)
}

// callSettingsData is the settings form: the letterhead, the support
// letter's templates and the placeholders they may use.
type callSettingsData struct {
	Placeholders []string
	HasLogo      bool
}

func callSettingsValues(st calls.Settings) url.Values {
	return url.Values{"cluster_name": {st.ClusterName}, "address": {st.Address}, "signatory_name": {st.SignatoryName},
		"signatory_title": {st.SignatoryTitle}, "city": {st.City}, "letter_fr": {st.LetterFR}, "letter_en": {st.LetterEN},
		"recipient": {st.Recipient}, "reminder_days": {strconv.Itoa(st.ReminderDays)}}
}

func (s *Server) renderCallSettings(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs validate.Errors) {
	st, err := s.Calls.Settings(r.Context())
	if err != nil {
		s.fail(w, r, "call settings", err)
		return
	}
	d := callSettingsData{HasLogo: len(st.Logo) > 0}
	for _, p := range letters.Placeholders {
		d.Placeholders = append(d.Placeholders, "{{"+p+"}}")
	}
	p := s.page(w, r, "callsweb.settings.title", d)
	withFormErrors(p, form, errs, "")
	s.render(w, r, status, "calls_settings", p)
}

func (s *Server) callSettingsForm(w http.ResponseWriter, r *http.Request) {
	st, err := s.Calls.Settings(r.Context())
	if err != nil {
		s.fail(w, r, "call settings", err)
		return
	}
	s.renderCallSettings(w, r, http.StatusOK, callSettingsValues(st), nil)
}

// callSettingsLogo serves the letterhead's logo to staff.
func (s *Server) callSettingsLogo(w http.ResponseWriter, r *http.Request) {
	st, err := s.Calls.Settings(r.Context())
	if err != nil {
		s.fail(w, r, "call settings", err)
		return
	}
	if len(st.Logo) == 0 {
		s.notFound(w, r, false)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(st.Logo))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Write(st.Logo)
}

// saveCallSettings stores the letterhead, the letter templates (only the
// known placeholders) and the label reminders' notice.
func (s *Server) saveCallSettings(w http.ResponseWriter, r *http.Request) {
	if !s.parseApplicationForm(w, r) {
		return
	}
	v, ok := s.viewerOr(w, r, "call settings")
	if !ok {
		return
	}
	current, err := s.Calls.Settings(r.Context())
	if err != nil {
		s.fail(w, r, "call settings", err)
		return
	}
	f := r.PostForm
	st := calls.Settings{ClusterName: f.Get("cluster_name"), Address: f.Get("address"), SignatoryName: f.Get("signatory_name"),
		SignatoryTitle: f.Get("signatory_title"), City: f.Get("city"), LetterFR: f.Get("letter_fr"), LetterEN: f.Get("letter_en"),
		Recipient: f.Get("recipient"), Logo: current.Logo}
	var errs validate.Errors
	if f.Get("remove_logo") != "" {
		st.Logo = nil
	}
	if file, _, err := r.FormFile("logo"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, calls.MaxLogoBytes+1))
		file.Close()
		if err != nil {
			s.fail(w, r, "call settings", err)
			return
		}
		if len(data) > 0 {
			st.Logo = data
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Get("reminder_days"))); err == nil {
		st.ReminderDays = n
	} else {
		errs.Add("reminder_days", "validate.number")
	}
	if errs == nil {
		err = s.Calls.SaveSettings(r.Context(), v, st)
		if fe, ok := validate.As(err); ok {
			errs = fe
		} else if err != nil {
			s.callFail(w, r, "call settings", err)
			return
		}
	}
	if errs != nil {
		s.renderCallSettings(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	s.redirect(w, r, "/admin/calls/settings", "callsweb.flash.settings_saved")
}
