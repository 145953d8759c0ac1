package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"filiere/internal/tabular"
)

// importUpload posts a multipart form to /organisations/import: fields, and the
// file when name is not "".
func (f *fixture) importUpload(session string, fields map[string]string, name string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			f.t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			f.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		f.t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/organisations/import", &body)
	r.RemoteAddr = "198.51.100.7:4242"
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, r)
	return w
}

func (f *fixture) importCount() int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// importFile has a create, an update of the fixture's Cardiolys (matched
// by name and postcode: it has none) and a rejected row.
const importFile = "Nom;SIRET;Type;Ville;Code postal\r\n" +
	"Stérilix;81234567600017;PME;Besançon;25000\r\n" +
	"Cardiolys;;PME;Beaune;\r\n" +
	"Mauvais;81234567600018;PME;Besançon;25000\r\n"

var tokenField = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

func TestImportDryRunThenRealRunFromTheKeptFile(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		t.Setenv("TMPDIR", t.TempDir())
		staff := f.session("staff")
		before := f.importCount()

		w := f.importUpload(staff, map[string]string{"dry_run": "1"}, "annuaire.csv", []byte(importFile))
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("dry run: %d\n%s", w.Code, body)
		}
		for _, want := range []string{"Simulation", "Stérilix", "Création", "Mise à jour", "Rejetée", "Saisissez un SIRET",
			"Créations : 1, mises à jour : 1, inchangées : 0, rejetées : 1."} {
			if !strings.Contains(body, want) {
				t.Errorf("dry run page lacks %q", want)
			}
		}
		if f.importCount() != before {
			t.Fatal("dry run wrote")
		}
		m := tokenField.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no confirm form in the dry run page:\n%s", body)
		}

		w = f.importUpload(staff, map[string]string{"token": m[1]}, "", nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Import terminé.") {
			t.Fatalf("real run: %d\n%s", w.Code, w.Body.String())
		}
		if got := f.importCount(); got != before+1 {
			t.Errorf("%d organisations after the real run, want %d", got, before+1)
		}
		o, err := f.srv.Directory.Organisation(t.Context(), f.orgA.ID)
		if err != nil || o.City != "Beaune" {
			t.Errorf("Cardiolys after import: city %q (%v)", o.City, err)
		}

		// The token is used up.
		w = f.importUpload(staff, map[string]string{"token": m[1]}, "", nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "n&#39;est plus disponible") {
			t.Errorf("reused token: %d\n%s", w.Code, w.Body.String())
		}
		// Another user cannot use someone's token.
		w = f.importUpload(staff, map[string]string{"dry_run": "1"}, "annuaire.csv", []byte(strings.Replace(importFile, "Beaune", "Auxonne", 1)))
		m = tokenField.FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatal("no token on the second dry run")
		}
		if w := f.importUpload(f.session("admin"), map[string]string{"token": m[1]}, "", nil); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("admin with staff's token: %d", w.Code)
		}
	})
}

func TestImportInEnglishWithAllOrNothingWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		admin := f.session("admin")
		if _, err := f.d.Exec(t.Context(), "UPDATE users SET lang = 'en' WHERE id = ?", f.users["admin"].ID); err != nil {
			t.Fatal(err)
		}
		before := f.importCount()
		w := f.importUpload(admin, map[string]string{"all_or_nothing": "1"}, "annuaire.csv", []byte(importFile))
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, "All or nothing: rows were rejected, so nothing was written.") ||
			!strings.Contains(body, "Enter a valid SIRET") || strings.Contains(body, `name="token"`) {
			t.Errorf("all or nothing: %d\n%s", w.Code, body)
		}
		if f.importCount() != before {
			t.Error("all or nothing wrote")
		}
	})
}

func TestImportXLSXUploadRunsAtOnceWithoutDryRun(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		var buf bytes.Buffer
		if err := tabular.WriteXLSX(&buf, "Feuil1", []string{"Nom", "Type", "Code postal"}, [][]any{{"Biopôle", "Plateforme technologique", 21000}}); err != nil {
			t.Fatal(err)
		}
		before := f.importCount()
		w := f.importUpload(f.session("staff"), nil, "annuaire.xlsx", buf.Bytes())
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Biopôle") || f.importCount() != before+1 {
			t.Errorf("xlsx import: %d, %d organisations\n%s", w.Code, f.importCount(), w.Body.String())
		}
	})
}

func TestImportRefusesWhatIsNotAnImportableFile(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		for name, c := range map[string]struct {
			fields map[string]string
			file   string
			data   []byte
			status int
			want   string
		}{
			"no file":        {map[string]string{"dry_run": "1"}, "", nil, http.StatusUnprocessableEntity, "Choisissez un fichier"},
			"empty file":     {nil, "vide.csv", nil, http.StatusUnprocessableEntity, "Choisissez un fichier"},
			"no name column": {nil, "x.csv", []byte("ville;pays\nLyon;FR\n"), http.StatusUnprocessableEntity, "Aucune colonne"},
			"old excel":      {nil, "x.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old"), http.StatusUnprocessableEntity, "classeur Excel"},
			"bad token":      {map[string]string{"token": "../../etc/passwd"}, "", nil, http.StatusUnprocessableEntity, "plus disponible"},
			"too large":      {nil, "big.csv", bytes.Repeat([]byte("x;"), 40<<10), http.StatusRequestEntityTooLarge, "dépasse"},
		} {
			w := f.importUpload(staff, c.fields, c.file, c.data)
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
				t.Errorf("%s: %d, want %d with %q\n%s", name, w.Code, c.status, c.want, w.Body.String())
			}
		}
		// A plain form post (no multipart) is a missing file, not an error.
		if w := f.do("POST", "/organisations/import", staff, nil, nil); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("plain post: %d", w.Code)
		}
	})
}

func TestImportPagesAreForTheTeamOnly(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		for _, role := range []string{"member", "buyer", "expert", "funder"} {
			for _, path := range []string{"/organisations/import", "/organisations/import/template?lang=fr&format=csv"} {
				if w := f.do("GET", path, f.session(role), nil, nil); w.Code != http.StatusForbidden {
					t.Errorf("GET %s as %s: %d", path, role, w.Code)
				}
			}
			if w := f.importUpload(f.session(role), nil, "a.csv", []byte(importFile)); w.Code != http.StatusForbidden {
				t.Errorf("POST as %s: %d", role, w.Code)
			}
		}
		if w := f.do("GET", "/organisations/import", "", nil, nil); w.Code != http.StatusSeeOther {
			t.Errorf("anonymous: %d", w.Code)
		}
		w := f.do("GET", "/organisations/import", f.session("staff"), nil, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `enctype="multipart/form-data"`) ||
			!strings.Contains(w.Body.String(), "/organisations/import/template?lang=en&amp;format=xlsx") {
			t.Errorf("form: %d\n%s", w.Code, w.Body.String())
		}
	})
}

func TestImportTemplatesDownloadInEachLanguageAndFormat(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		for _, c := range []struct{ query, ctype, file, first string }{
			{"lang=fr&format=csv", "text/csv", "modele-import-organisations.csv", "Nom"},
			{"lang=en&format=csv", "text/csv", "organisations-import-template.csv", "name"},
			{"lang=fr&format=xlsx", "spreadsheetml", "modele-import-organisations.xlsx", "Nom"},
			{"lang=en&format=xlsx", "spreadsheetml", "organisations-import-template.xlsx", "name"},
		} {
			w := f.do("GET", "/organisations/import/template?"+c.query, staff, nil, nil)
			if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), c.ctype) ||
				!strings.Contains(w.Header().Get("Content-Disposition"), c.file) {
				t.Errorf("%s: %d %q %q", c.query, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
				continue
			}
			tab, _, err := tabular.Read(c.file, w.Body, 1<<20)
			if err != nil || tab.Header[0] != c.first || len(tab.Rows) != 2 {
				t.Errorf("%s: header %q, %d rows, %v", c.query, tab.Header, len(tab.Rows), err)
			}
		}
		if w := f.do("GET", "/organisations/import/template?lang=de&format=ods", staff, nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("unknown format: %d", w.Code)
		}
	})
}
