package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/importer"
	"filiere/internal/validate"
)

// importMaxBytes is the largest file the import page takes (the server's
// body limit, max-body, applies first when it is lower).
const importMaxBytes = 20 << 20

// importKeep is how long a dry run's file waits for its real run.
const importKeep = time.Hour

// importDir holds the files of dry runs, named by their user and a random
// token, until their real run or importKeep.
func importDir() string { return filepath.Join(os.TempDir(), "filiere-import") }

// importData is what the import page shows: the form, and a report after
// an import.
type importData struct {
	Templates []importTemplate
	Columns   []string // the French or English headers the page's language uses
	Report    *importer.Report
	Rows      []importRow
	Summary   string
	Ignored   string
	// Token names the dry run's file for its real run; "" when there is
	// nothing to confirm.
	Token        string
	AllOrNothing bool
}

// importTemplate is a link to download a template.
type importTemplate struct {
	Href, Label string
}

// importRow is one report row, translated.
type importRow struct {
	Line    int
	Action  string
	Label   string // the action, translated
	Name    string
	ID      int64
	Details []string
}

func (s *Server) importPage(lang string) importData {
	d := importData{Columns: importer.Header(lang)}
	for _, l := range i18n.Languages {
		for _, f := range []string{importer.FormatXLSX, importer.FormatCSV} {
			d.Templates = append(d.Templates, importTemplate{
				Href:  "/organisations/import/template?lang=" + l + "&format=" + f,
				Label: strings.ToUpper(f) + " — " + i18n.T(lang, "import.template."+l),
			})
		}
	}
	return d
}

// importForm shows the upload form.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "import.title", s.importPage(reqOf(r).lang))
	p.Form = map[string][]string{"dry_run": {"1"}}
	s.render(w, r, http.StatusOK, "import", p)
}

// importUpload is what the form posts.
type importUpload struct {
	name         string
	data         []byte
	token        string
	dryRun       bool
	allOrNothing bool
}

// importOrganisations runs an upload: a dry run keeps the file and shows
// the plan with a button to run it for real (which posts the token back),
// a real run writes and shows what was done.
func (s *Server) importOrganisations(w http.ResponseWriter, r *http.Request) {
	lang := reqOf(r).lang
	user := reqOf(r).user
	fail := func(status int, err error) {
		p := s.page(w, r, "import.title", s.importPage(lang))
		p.Form = map[string][]string{"dry_run": {"1"}}
		if m, ok := validate.AsMessage(err); ok {
			p.Message = i18n.T(lang, m.Key, m.Args...)
			s.render(w, r, status, "import", p)
			return
		}
		s.fail(w, r, "import", err)
	}
	up, err := readImportUpload(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || errors.Is(err, errImportTooLarge):
		fail(http.StatusRequestEntityTooLarge, validate.NewMessage("import.too_large", max(min(importMaxBytes, s.Config.MaxBodyBytes)>>20, 1)))
		return
	case err != nil:
		fail(http.StatusUnprocessableEntity, validate.NewMessage("import.no_file"))
		return
	}
	if up.token != "" {
		name, data, err := takeImportFile(user.ID, up.token)
		if err != nil {
			fail(http.StatusUnprocessableEntity, validate.NewMessage("import.expired"))
			return
		}
		up.name, up.data, up.dryRun = name, data, false
	}
	if len(up.data) == 0 {
		fail(http.StatusUnprocessableEntity, validate.NewMessage("import.no_file"))
		return
	}
	in, err := importer.Read(up.name, bytes.NewReader(up.data), importMaxBytes)
	if err != nil {
		fail(http.StatusUnprocessableEntity, err)
		return
	}
	opts := importer.Options{DryRun: up.dryRun, AllOrNothing: up.allOrNothing}
	rep, err := importer.Run(r.Context(), s.Directory, in, opts)
	switch {
	case errors.Is(err, directory.ErrChanged):
		fail(http.StatusConflict, validate.NewMessage("import.changed"))
		return
	case err != nil:
		fail(http.StatusUnprocessableEntity, err)
		return
	}
	d := s.importPage(lang)
	d.Report, d.Summary, d.AllOrNothing = &rep, rep.Summary(lang), up.allOrNothing
	if len(rep.Ignored) > 0 {
		d.Ignored = i18n.T(lang, "import.ignored", strings.Join(rep.Ignored, ", "))
	}
	for _, row := range rep.Rows {
		v := importRow{Line: row.Line, Action: string(row.Action), Label: i18n.T(lang, "import.action."+string(row.Action)),
			Name: row.Name, ID: row.ID}
		switch row.Action {
		case importer.Update:
			v.Details = row.ChangedLabels(lang)
		case importer.Reject:
			v.Details = row.Messages(lang)
		}
		d.Rows = append(d.Rows, v)
	}
	if rep.DryRun && !rep.Blocked() && rep.Created+rep.Updated > 0 {
		if d.Token, err = keepImportFile(user.ID, up.name, up.data); err != nil {
			s.fail(w, r, "import", err)
			return
		}
	}
	title := "import.report"
	if rep.DryRun {
		title = "import.report.dry_run"
	}
	s.render(w, r, http.StatusOK, "import", s.page(w, r, title, d))
}

// importTemplateFile sends a template: ?lang=fr|en&format=csv|xlsx.
func (s *Server) importTemplateFile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang, format := q.Get("lang"), q.Get("format")
	if lang == "" {
		lang = reqOf(r).lang
	}
	if format == "" {
		format = importer.FormatXLSX
	}
	if (lang != "fr" && lang != "en") || (format != importer.FormatCSV && format != importer.FormatXLSX) {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	if err := importer.Template(&buf, lang, format); err != nil {
		s.fail(w, r, "import template", err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == importer.FormatXLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+importer.TemplateName(lang, format)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

var errImportTooLarge = errors.New("import file too large")

// readImportUpload reads the multipart form: the file (at most
// importMaxBytes), or the token of a dry run, and the two options.
func readImportUpload(r *http.Request) (importUpload, error) {
	var up importUpload
	mr, err := r.MultipartReader()
	if err != nil {
		return up, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return up, err
		}
		if err := readImportPart(part, &up); err != nil {
			return up, err
		}
	}
}

func readImportPart(part *multipart.Part, up *importUpload) error {
	defer part.Close()
	if part.FormName() == "file" {
		data, err := io.ReadAll(io.LimitReader(part, importMaxBytes+1))
		if err != nil {
			return err
		}
		if len(data) > importMaxBytes {
			return errImportTooLarge
		}
		up.name, up.data = part.FileName(), data
		return nil
	}
	value, err := io.ReadAll(io.LimitReader(part, 200))
	if err != nil {
		return err
	}
	switch v := strings.TrimSpace(string(value)); part.FormName() {
	case "dry_run":
		up.dryRun = v != ""
	case "all_or_nothing":
		up.allOrNothing = v != ""
	case "token":
		up.token = v
	}
	return nil
}

// importExts are the file name endings a kept file keeps, so that reading
// it again picks the same reader; anything else is kept without one.
var importExts = []string{".csv", ".txt", ".xlsx", ".xlsm", ".xls"}

// keepImportFile stores a dry run's file for user and returns its token.
// Files older than importKeep are removed on the way.
func keepImportFile(userID int64, name string, data []byte) (string, error) {
	dir := importDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("import: keep file: %w", err)
	}
	sweepImportFiles(dir, time.Now())
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("import: keep file: %w", err)
	}
	token := hex.EncodeToString(b)
	ext := strings.ToLower(filepath.Ext(name))
	found := false
	for _, e := range importExts {
		found = found || e == ext
	}
	if !found {
		ext = ""
	}
	path := filepath.Join(dir, strconv.FormatInt(userID, 10)+"-"+token+ext)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("import: keep file: %w", err)
	}
	return token, nil
}

// takeImportFile returns and removes the file user kept under token.
func takeImportFile(userID int64, token string) (name string, data []byte, err error) {
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return "", nil, os.ErrNotExist
	}
	base := filepath.Join(importDir(), strconv.FormatInt(userID, 10)+"-"+token)
	for _, ext := range append([]string{""}, importExts...) {
		path := base + ext
		fi, err := os.Stat(path)
		if err != nil {
			continue
		}
		if time.Since(fi.ModTime()) > importKeep {
			_ = os.Remove(path)
			return "", nil, os.ErrNotExist
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", nil, err
		}
		_ = os.Remove(path)
		return filepath.Base(path), data, nil
	}
	return "", nil, os.ErrNotExist
}

// sweepImportFiles removes the kept files older than importKeep.
func sweepImportFiles(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > importKeep {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
