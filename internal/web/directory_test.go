package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"filiere/internal/directory"
	"filiere/internal/tabular"
)

// TestEachRoleSeesOnlyTheFieldsItMay gives Neurovance a members-only
// revenue and equipment and a staff-only service, then reads its page, the
// search page and the API as each kind of caller.
func TestEachRoleSeesOnlyTheFieldsItMay(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		o := f.orgB
		o.Revenue = "10m_50m"
		o.Equipment = "Presse Arburg 470 secrète"
		o.Services = []directory.Service{{TitleFR: "Moulage confidentiel", TitleEN: "Confidential moulding"}}
		o.Visibility = map[string]directory.Visibility{
			directory.FieldEquipment: directory.MembersOnly, directory.FieldServices: directory.StaffOnly,
		}
		if _, err := f.srv.Directory.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		page := "/organisations/" + strconv.FormatInt(o.ID, 10)
		api := "/api/v1/organisations/" + strconv.FormatInt(o.ID, 10)
		members := []string{"Presse Arburg", "10 à 50 M€"}
		staff := []string{"Moulage confidentiel"}
		for _, c := range []struct {
			who        string
			sees, not  []string
			apiSees    []string
			apiNotSees []string
		}{
			{"", nil, append(members, staff...), nil, []string{"Arburg", "10m_50m", "Confidential"}},
			{"buyer", nil, append(members, staff...), nil, []string{"Arburg", "10m_50m", "Confidential"}},
			{"member", members, staff, []string{"Arburg", "10m_50m"}, []string{"Confidential"}},
			{"staff", append(members, staff...), nil, []string{"Arburg", "10m_50m", "Confidential"}, nil},
		} {
			session := ""
			if c.who != "" {
				session = f.session(c.who)
			}
			who := c.who
			if who == "" {
				who = "anonymous"
			}
			w := f.do("GET", page, session, nil, nil)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Fatalf("%s: page %d", who, w.Code)
			}
			for _, s := range c.sees {
				if !strings.Contains(body, s) {
					t.Errorf("%s does not see %q on the page", who, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s sees %q on the page", who, s)
				}
			}
			// Searching for a hidden word finds nothing, and the JSON holds no hidden field.
			w = f.do("GET", "/api/v1/organisations?q=confidentiel", session, nil, map[string]string{"Accept": "application/json"})
			var list struct{ Total int }
			if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != http.StatusOK {
				t.Fatalf("%s: search api %d %s", who, w.Code, w.Body.String())
			}
			if want := map[bool]int{true: 1, false: 0}[c.who == "staff"]; list.Total != want {
				t.Errorf("%s finds %d organisations by a staff-only word, want %d", who, list.Total, want)
			}
			w = f.do("GET", api, session, nil, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("%s: api %d", who, w.Code)
			}
			for _, s := range c.apiSees {
				if !strings.Contains(w.Body.String(), s) {
					t.Errorf("%s does not get %q from the API", who, s)
				}
			}
			for _, s := range c.apiNotSees {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("%s gets %q from the API:\n%s", who, s, w.Body.String())
				}
			}
		}
		// A member sees every field of their own organisation.
		own := f.do("GET", "/organisations/"+strconv.FormatInt(f.orgA.ID, 10), f.session("member"), nil, nil)
		if own.Code != http.StatusOK || strings.Contains(own.Body.String(), "réservées") {
			t.Errorf("own organisation: %d", own.Code)
		}
	})
}

func TestTheSearchAPIValidatesInTheCallersLanguage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := f.do("GET", "/api/v1/organisations?near=Atlantis&min.cleanroom_area=beaucoup", "", nil, map[string]string{"Accept-Language": "en"})
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		var body struct {
			Error struct {
				Fields map[string]string
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body.Error.Fields["capacity.cleanroom_area"], "Enter a positive minimum") {
			t.Errorf("fields: %v", body.Error.Fields)
		}
		w = f.do("GET", "/api/v1/organisations?near=Atlantis", "", nil, map[string]string{"Accept-Language": "en"})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Unknown place") {
			t.Errorf("unknown place: %d %s", w.Code, w.Body.String())
		}
		// The page keeps the query and says what is wrong beside the field.
		w = f.do("GET", "/organisations?near=Atlantis&q=implant", "", nil, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Lieu inconnu") || !strings.Contains(w.Body.String(), `value="Atlantis"`) {
			t.Errorf("page with an unknown place: %d", w.Code)
		}
	})
}

// upload posts one file as a multipart form.
func (f *fixture) upload(path, session, field, name string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile(field, name)
	if err != nil {
		f.t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	r := httptest.NewRequest("POST", path, &body)
	r.RemoteAddr = "198.51.100.7:4242"
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, r)
	return w
}

func TestAMemberUploadsALogoThatFollowsItsVisibility(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		var png bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		img.Set(1, 1, color.RGBA{200, 30, 30, 255})
		if err := pngEncode(&png, img); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(f.orgA.ID, 10)
		member := f.session("member")
		// Not an image: refused, nothing stored.
		w := f.upload("/organisations/"+id+"/logo", member, "logo", "logo.png", []byte("<svg onload=alert(1)>"))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("bad logo: %d", w.Code)
		}
		if w := f.do("GET", "/organisations/"+id+"/logo", "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("logo after a refused upload: %d", w.Code)
		}
		// Another organisation's member may not upload.
		other := "/organisations/" + strconv.FormatInt(f.orgB.ID, 10) + "/logo"
		if w := f.upload(other, member, "logo", "logo.png", png.Bytes()); w.Code != http.StatusForbidden {
			t.Errorf("upload to another organisation: %d", w.Code)
		}
		if w := f.upload("/organisations/"+id+"/logo", member, "logo", "logo.png", png.Bytes()); w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d", w.Code)
		}
		w = f.do("GET", "/organisations/"+id+"/logo", "", nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" || !bytes.Equal(w.Body.Bytes(), png.Bytes()) {
			t.Fatalf("logo: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		// A logo kept to members is not served to the public.
		o, _ := f.srv.Directory.Organisation(context.Background(), f.orgA.ID)
		o.Visibility = map[string]directory.Visibility{directory.FieldLogo: directory.MembersOnly}
		if _, err := f.srv.Directory.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if w := f.do("GET", "/organisations/"+id+"/logo", "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("members-only logo to the public: %d", w.Code)
		}
		if w := f.do("GET", "/organisations/"+id+"/logo", f.session("buyer"), nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("members-only logo to a buyer: %d", w.Code)
		}
		if w := f.do("GET", "/organisations/"+id+"/logo", f.session("staff"), nil, nil); w.Code != http.StatusOK {
			t.Errorf("members-only logo to staff: %d", w.Code)
		}
	})
}

func pngEncode(w *bytes.Buffer, img image.Image) error { return png.Encode(w, img) }

func TestTheCoverageMapIsPublicAndLinksEachCellToItsSearch(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		o := f.orgA
		o.Steps = []string{"clinical"}
		if _, err := f.srv.Directory.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		w := f.do("GET", "/coverage", "", nil, map[string]string{"Accept-Language": "en"})
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("coverage: %d", w.Code)
		}
		for _, want := range []string{
			`<a href="/organisations?step=clinical&amp;sector=medtech">1</a>`, // the cell and its search
			"<svg", `role="group"`, "Medical devices (Medtech) × Clinical investigation: 1 organisations",
			`class="gap"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("coverage page lacks %q", want)
			}
		}
	})
}

func TestTheSelectionExportsAsBookletXLSXAndCSVWithVisibleFieldsOnly(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		o := f.orgA
		o.Name = "Cardiolys Œuvre"
		o.Revenue = "10m_50m" // members-only by default
		o.Services = []directory.Service{{TitleFR: "Pose d'implants à 500 €", TitleEN: "Implant fitting"}}
		if _, err := f.srv.Directory.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if _, err := f.srv.Directory.CreatePerson(context.Background(), directory.Person{OrganisationID: o.ID, FirstName: "Zoé",
			LastName: "Contactprivé", Email: "zoe.prive@cardiolys.example"}); err != nil {
			t.Fatal(err)
		}
		if text, ok := pdfText(t, f.do("GET", "/organisations/booklet.pdf?q=implants", f.session("staff"), nil, nil).Body.Bytes()); ok &&
			!strings.Contains(text, "zoe.prive@cardiolys.example") {
			t.Error("the staff booklet lacks the members-only contact")
		}
		w := f.do("GET", "/organisations/booklet.pdf?q=implants&lang=fr", "", nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF")) {
			t.Fatalf("booklet: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		if text, ok := pdfText(t, w.Body.Bytes()); ok {
			for _, want := range []string{"Cardiolys Œuvre", "500 €", "Livret des compétences", "« implants »"} {
				if !strings.Contains(text, want) {
					t.Errorf("booklet text lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "Neurovance") {
				t.Error("the booklet holds an organisation outside the selection")
			}
			if strings.Contains(text, "zoe.prive") {
				t.Error("the public booklet shows a members-only contact")
			}
		}
		w = f.do("GET", "/organisations/export.csv?sector=medtech", "", nil, nil)
		table, _, err := tabular.ReadCSV(bytes.NewReader(w.Body.Bytes()), 1<<20)
		if err != nil || w.Code != http.StatusOK || len(table.Rows) != 2 {
			t.Fatalf("csv export: %d %v %+v", w.Code, err, table)
		}
		names := map[string][]string{"name": nil, "revenue": nil}
		cols, _, _ := tabular.MapHeader(table.Header, names)
		if got := cols.Get(table.Rows[0], "name"); got != "Cardiolys Œuvre" {
			t.Errorf("first row name %q", got)
		}
		if got := cols.Get(table.Rows[0], "revenue"); got != "" {
			t.Errorf("the public export holds a members-only revenue: %q", got)
		}
		w = f.do("GET", "/organisations/export.xlsx?sector=medtech", f.session("staff"), nil, nil)
		table, _, err = tabular.ReadXLSX(bytes.NewReader(w.Body.Bytes()), 1<<22)
		if err != nil || len(table.Rows) != 2 {
			t.Fatalf("xlsx export: %v %+v", err, table)
		}
		cols, _, _ = tabular.MapHeader(table.Header, names)
		if got := cols.Get(table.Rows[0], "revenue"); got != "10m_50m" {
			t.Errorf("the staff export lacks the revenue: %q", got)
		}
	})
}

// pdfText extracts a PDF's text with pdftotext when it is installed.
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("FILIERE_TEST_STRICT") == "1" {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Log("pdftotext not installed: PDF text not checked")
		return "", false
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

func TestStaffRelabelATermAndSeeErrorsBesideTheForm(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		before, _ := directory.LoadTaxonomy().Step("poc")
		t.Cleanup(func() {
			_ = f.srv.Directory.SaveTerm(context.Background(), directory.VocabSteps, before, "")
		})
		w := f.do("POST", "/admin/taxonomy/steps", staff, url.Values{"code": {"poc"}, "fr": {"Preuve de concept (POC)"}, "en": {"Proof of concept (POC)"}}, nil)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("relabel: %d", w.Code)
		}
		page := f.do("GET", "/admin/taxonomy", staff, nil, nil).Body.String()
		if !strings.Contains(page, "Preuve de concept (POC)") {
			t.Error("the new label is not listed")
		}
		w = f.do("POST", "/admin/taxonomy/bricks", staff, url.Values{"code": {"Bad Code"}, "fr": {"x"}, "en": {""}, "parent": {"mt"}}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Code : lettres minuscules") {
			t.Errorf("bad term: %d", w.Code)
		}
		if w := f.do("POST", "/admin/taxonomy/kinds", staff, url.Values{"code": {"x"}}, nil); w.Code != http.StatusNotFound {
			t.Errorf("an unmanaged vocabulary: %d", w.Code)
		}
	})
}

func TestAProfileFormErrorShowsBesideItsField(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		form := orgValues(f.orgA)
		form.Set("cap.cleanroom_area", "beaucoup")
		w := f.do("POST", "/organisations/"+strconv.FormatInt(f.orgA.ID, 10)+"/edit", f.session("staff"), form, nil)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-describedby="e-cap-cleanroom_area"`) ||
			!strings.Contains(body, `id="e-cap-cleanroom_area">Saisissez une capacité positive.`) || !strings.Contains(body, `value="beaucoup"`) {
			t.Errorf("capacity error: %d\n%s", w.Code, body)
		}
	})
}
