package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
	"filiere/internal/notify"
	"filiere/internal/tabular"
)

// deskCtx is the context the tests call the desk's domain with.
var deskCtx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

// deskProviders makes the member's organisation (Cardiolys) and a new one,
// Stérilix, two certified sterilisation providers; Stérilix has no account,
// only a contact. Neurovance stays without certification.
func (f *fixture) deskProviders() directory.Organisation {
	f.t.Helper()
	valid := time.Now().AddDate(2, 0, 0)
	a := f.orgA
	a.DescriptionFR = "Stérilisation de dispositifs médicaux et conditionnement en salle propre."
	a.Certifications = []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}}
	a.Capacities = []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 150}, {Attribute: "cleanroom_class", Value: 7}}
	if _, err := f.srv.Directory.UpdateOrganisation(deskCtx, a); err != nil {
		f.t.Fatal(err)
	}
	s, err := f.srv.Directory.CreateOrganisation(deskCtx, directory.Organisation{Name: "Stérilix", Kind: "sme", Membership: directory.Member,
		City: "Besançon", Postcode: "25000", Sectors: []string{"medtech"},
		DescriptionFR:  "Stérilisation de dispositifs médicaux à l'oxyde d'éthylène, validation des procédés.",
		Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}},
		Capacities:     []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 400}, {Attribute: "cleanroom_class", Value: 5}}})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.srv.Directory.CreatePerson(deskCtx, directory.Person{OrganisationID: s.ID, FirstName: "Jeanne", LastName: "Stéri",
		Email: "contact@sterilix.example"}); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// needForm is a complete need form.
func needForm() url.Values {
	return url.Values{"title": {"Stérilisation d'implants"}, "description": {"Nous cherchons un sous-traitant pour stériliser 5 000 implants par an."},
		"need_lang": {"fr"}, "sector": {"medtech"}, "certifications": {"ISO 13485"}, "services": {"Stérilisation\nConditionnement"},
		"quantities": {"5 000 par an"}, "budget_min": {"10 000"}, "budget_max": {"25 000,50"}, "min.cleanroom_area": {"100"}, "max.cleanroom_class": {"7"},
		"deadline": {time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}, "anonymous": {"1"},
		"buyer_name": {"Alice Acheteuse"}, "buyer_email": {"alice@medbuy.example"}, "buyer_phone": {"+33 6 12 34 56 78"}, "buyer_company": {"MedBuy"}}
}

// postMultipart posts fields and, when name is not "", a file as field file.
func (f *fixture) postMultipart(path, session string, fields url.Values, file, name string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile(file, name)
		if err != nil {
			f.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		f.t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, path, &body)
	r.RemoteAddr = "198.51.100.7:4242"
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, r)
	return w
}

// sentMail is a message of the outbox.
type sentMail struct{ To, Subject, Body string }

// mailsTo returns the outbox's messages to addr, oldest first.
func (f *fixture) mailsTo(addr string) []sentMail {
	f.t.Helper()
	rows, err := f.d.Query(deskCtx, "SELECT to_addr, subject, body_text FROM outbox WHERE to_addr = ? ORDER BY id", addr)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		if err := rows.Scan(&m.To, &m.Subject, &m.Body); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// lastMailTo is the latest message to addr whose subject contains subject.
func (f *fixture) lastMailTo(addr, subject string) sentMail {
	f.t.Helper()
	ms := f.mailsTo(addr)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].Subject, subject) {
			return ms[i]
		}
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Subject)
	}
	f.t.Fatalf("no mail to %s about %q; got %q", addr, subject, got)
	return sentMail{}
}

var deskLink = regexp.MustCompile(`/needs/(verify|track|respond)/([0-9]+-[A-Za-z0-9_-]+)`)

// linkIn returns the token of the kind of link in a mail.
func linkIn(t *testing.T, m sentMail, kind string) string {
	t.Helper()
	for _, sub := range deskLink.FindAllStringSubmatch(m.Body, -1) {
		if sub[1] == kind {
			return sub[2]
		}
	}
	t.Fatalf("no %s link in %q", kind, m.Body)
	return ""
}

// located returns the id at the end of a redirect to /needs/{id} or
// /admin/needs/{id}.
func located(t *testing.T, w *httptest.ResponseRecorder) int64 {
	t.Helper()
	loc := w.Header().Get("Location")
	id, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
	if w.Code != http.StatusSeeOther || err != nil {
		t.Fatalf("want a redirect to a need, got %d %q\n%s", w.Code, loc, w.Body.String())
	}
	return id
}

// candidate returns the need's candidate for an organisation.
func (f *fixture) candidate(needID, orgID int64) matchmaking.Candidate {
	f.t.Helper()
	cands, err := f.srv.Matchmaking.Candidates(deskCtx, needID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cands {
		if c.OrganisationID == orgID {
			return c
		}
	}
	f.t.Fatalf("organisation %d is not a candidate of need %d", orgID, needID)
	return matchmaking.Candidate{}
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(body, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

func TestThePublicFormRecordsAnUnverifiedNeedGuardedByAHoneypotAndARateLimit(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		form := f.do("GET", "/needs/post", "", nil, nil)
		if form.Code != http.StatusOK || !regexp.MustCompile(`<div class="hp" aria-hidden="true">[^<]*<label for="f-website">`).MatchString(form.Body.String()) ||
			!strings.Contains(form.Body.String(), `name="website" type="text" tabindex="-1"`) {
			t.Fatalf("the public form lacks its hidden honeypot: %d", form.Code)
		}
		unverified := func() int {
			t.Helper()
			_, n, err := f.srv.Matchmaking.Queue(deskCtx, matchmaking.QueueFilter{Status: matchmaking.StatusUnverified})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		w := f.postMultipart("/needs/post", "", needForm(), "attachment", "cahier des charges.pdf", pdf)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/needs/posted" {
			t.Fatalf("valid post: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
		}
		needs, _, err := f.srv.Matchmaking.Queue(deskCtx, matchmaking.QueueFilter{Status: matchmaking.StatusUnverified})
		if err != nil || len(needs) != 1 {
			t.Fatalf("unverified needs: %v %v", needs, err)
		}
		n := needs[0]
		if n.BudgetMin != 1_000_000 || n.BudgetMax != 2_500_050 || !n.Anonymous || n.BuyerLang != "fr" || n.Channel != matchmaking.ChannelPublic ||
			len(n.Services) != 2 || len(n.Capacities) != 2 || n.Deadline.IsZero() {
			t.Errorf("the need as recorded: %+v", n)
		}
		for _, c := range n.Capacities {
			if (c.Attribute == "cleanroom_area" && (c.Min != 100 || c.Max != 0)) || (c.Attribute == "cleanroom_class" && (c.Min != 0 || c.Max != 7)) {
				t.Errorf("capacity %+v: a minimum area, a highest cleanroom class", c)
			}
		}
		var to, subject string
		if err := f.d.QueryRow(deskCtx, "SELECT to_addr, subject FROM outbox").Scan(&to, &subject); err != nil ||
			to != "alice@medbuy.example" || !strings.Contains(subject, "Confirmez votre besoin") {
			t.Errorf("verification mail: %q %q %v", to, subject, err)
		}
		if page := f.do("GET", "/needs/posted", "", nil, nil).Body.String(); !strings.Contains(page, "Consultez votre boîte e-mail") {
			t.Error("the thank-you page does not send the buyer to their mailbox")
		}

		// A robot filling the hidden field is thanked, and nothing is kept.
		spam := needForm()
		spam.Set("website", "https://spam.example")
		if w := f.do("POST", "/needs/post", "", spam, nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/needs/posted" {
			t.Errorf("honeypot: %d %q", w.Code, w.Header().Get("Location"))
		}
		if n := unverified(); n != 1 {
			t.Errorf("the honeypot created a need: %d", n)
		}

		// Errors come back beside their field, with everything typed kept.
		bad := needForm()
		bad.Set("title", "")
		w = f.do("POST", "/needs/post", "", bad, nil)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("missing title: %d", w.Code)
		}
		mustContain(t, "the form sent back", body, `<p class="field-error" id="e-title">Ce champ est obligatoire.</p>`,
			"Nous cherchons un sous-traitant pour stériliser 5 000 implants par an.", `value="Alice Acheteuse"`, `value="25 000,50"`,
			`value="ISO 13485" checked`, `<option value="medtech" selected>`, "Stérilisation\nConditionnement", `name="min.cleanroom_area" inputmode="decimal" size="8" value="100"`, `name="max.cleanroom_class" inputmode="decimal" size="8" value="7"`)
		bad = needForm()
		bad.Set("budget_max", "beaucoup")
		if w := f.do("POST", "/needs/post", "", bad, nil); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Saisissez un montant en euros") {
			t.Errorf("an amount that does not parse: %d", w.Code)
		}
		bad = needForm()
		bad.Set("buyer_email", "pas une adresse")
		if w := f.do("POST", "/needs/post", "", bad, map[string]string{"Accept-Language": "en"}); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Enter a valid e-mail address") {
			t.Errorf("a bad address in English: %d", w.Code)
		}
		if n := unverified(); n != 1 {
			t.Errorf("refused posts created needs: %d", n)
		}

		// The mailed link confirms the address and leads to the buyer's page,
		// with the file.
		verify := f.lastMailTo("alice@medbuy.example", "Confirmez")
		w = f.do("GET", "/needs/verify/"+linkIn(t, verify, "verify"), "", nil, nil)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/needs/track/") {
			t.Fatalf("verify: %d %q", w.Code, loc)
		}
		if got, _ := f.srv.Matchmaking.Need(deskCtx, n.ID); got.Status != matchmaking.StatusNew {
			t.Errorf("verified need in status %s", got.Status)
		}
		track := f.do("GET", loc, "", nil, nil).Body.String()
		mustContain(t, "the buyer's page", track, "Stérilisation d&#39;implants", "cahier des charges.pdf", "10\u202f000\u00a0€ – 25\u202f000,50\u00a0€")
		files, _ := f.srv.Matchmaking.Attachments(deskCtx, n.ID)
		if len(files) != 1 {
			t.Fatalf("attachments: %+v", files)
		}
		w = f.do("GET", loc+"/attachments/"+strconv.FormatInt(files[0].ID, 10), "", nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !bytes.Equal(w.Body.Bytes(), pdf) ||
			w.Header().Get("Content-Disposition") != `attachment; filename="cahier des charges.pdf"` || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
		}
		for _, forged := range []string{"/needs/verify/" + strconv.FormatInt(n.ID, 10) + "-AAAAAAAAAAAAAAAAAAAAAAAA", loc + "x", "/needs/track/nonsense",
			loc + "x/attachments/" + strconv.FormatInt(files[0].ID, 10)} {
			if w := f.do("GET", forged, "", nil, nil); w.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", forged, w.Code)
			}
		}
		// A file that is not a PDF or an image is refused before anything is kept.
		w = f.postMultipart("/needs/post", "", needForm(), "attachment", "virus.exe", []byte("MZ\x90\x00 not a document"))
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Seuls les PDF, PNG et JPEG sont acceptés.") {
			t.Errorf("a refused file: %d", w.Code)
		}

		// Five needs an hour from one address: the sixth is refused with a clear message.
		for i := 2; i <= matchmaking.PublicPerHour; i++ {
			if w := f.do("POST", "/needs/post", "", needForm(), nil); w.Code != http.StatusSeeOther {
				t.Fatalf("need %d: %d", i, w.Code)
			}
		}
		w = f.do("POST", "/needs/post", "", needForm(), nil)
		if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "Trop de besoins ont été déposés depuis votre connexion") ||
			!strings.Contains(w.Body.String(), `value="Alice Acheteuse"`) {
			t.Errorf("sixth need in the hour: %d", w.Code)
		}
	})
}

func TestStaffShortlistAndBothSidesConsentThroughThePages(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		sterilix := f.deskProviders()
		staff, member := f.session("staff"), f.session("member")

		// Staff enter a need for a buyer met at a trade fair.
		form := needForm()
		form.Set("buyer_lang", "fr")
		form.Set("buyer_org_id", "999999")
		if w := f.do("POST", "/admin/needs/new", staff, form, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Cette organisation n&#39;existe pas ou plus.") {
			t.Errorf("an unknown buyer organisation: %d", w.Code)
		}
		form.Del("buyer_org_id")
		id := located(t, f.do("POST", "/admin/needs/new", staff, form, nil))
		ids := strconv.FormatInt(id, 10)
		review := "/admin/needs/" + ids
		received := f.lastMailTo("alice@medbuy.example", "reçu")
		trackPath := "/needs/track/" + linkIn(t, received, "track")
		if page := f.do("GET", "/admin/needs", staff, nil, nil).Body.String(); !strings.Contains(page, `<a href="`+review+`">Stérilisation d&#39;implants</a>`) {
			t.Error("the new need is not in the staff's queue")
		}

		// The ranking proposes both certified providers, with why.
		if w := f.do("POST", review+"/propose", staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("propose: %d", w.Code)
		}
		f.candidate(id, sterilix.ID)
		f.candidate(id, f.orgA.ID)
		page := f.do("GET", review, staff, nil, nil).Body.String()
		mustContain(t, "the review page", page, "Stérilix", "Cardiolys", "Proposé par le classement", "<mark>Stérilisation</mark>", "ISO 13485 (")
		mustNotContain(t, "the review page", page, "Neurovance")
		// Staff add Neurovance from a search, then take it off again.
		page = f.do("GET", review+"?q=Neurovance", staff, nil, nil).Body.String()
		if !strings.Contains(page, `name="org_id" value="`+strconv.FormatInt(f.orgB.ID, 10)+`"`) {
			t.Fatal("the directory search offers no Add button for Neurovance")
		}
		if w := f.do("POST", review+"/candidates", staff, url.Values{"org_id": {strconv.FormatInt(f.orgB.ID, 10)}, "note": {"Vu au salon"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("add: %d", w.Code)
		}
		if c := f.candidate(id, f.orgB.ID); c.State != matchmaking.StateProposed || c.Source != "staff" || c.Note != "Vu au salon" {
			t.Errorf("added candidate: %+v", c)
		}
		if w := f.do("POST", review+"/candidates/"+strconv.FormatInt(f.orgB.ID, 10)+"/remove", staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("remove: %d", w.Code)
		}
		if c := f.candidate(id, f.orgB.ID); c.State != matchmaking.StateRemoved {
			t.Errorf("removed candidate: %s", c.State)
		}
		if w := f.do("POST", review+"/candidates/"+strconv.FormatInt(sterilix.ID, 10)+"/note", staff, url.Values{"note": {"Très réactif"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("note: %d", w.Code)
		}
		if c := f.candidate(id, sterilix.ID); c.Note != "Très réactif" {
			t.Errorf("note %q", c.Note)
		}
		if len(f.mailsTo("contact@sterilix.example")) != 0 {
			t.Fatal("a provider heard of the need before the shortlist was validated")
		}
		w := f.do("POST", review+"/shortlist", staff, url.Values{}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != review+"?notified=2" {
			t.Fatalf("validate: %d %q", w.Code, w.Header().Get("Location"))
		}
		if page := f.do("GET", review+"?notified=2", staff, nil, nil).Body.String(); !strings.Contains(page, "2 prestataire(s) sollicité(s)") {
			t.Error("the review page does not say how many providers were notified")
		}
		invite := f.lastMailTo("contact@sterilix.example", "Un donneur d'ordre recherche un prestataire")
		f.lastMailTo(f.users["member"].Email, "Un donneur d'ordre recherche un prestataire")

		// Stérilix answers from the mailed link, without an account: nothing
		// of the (anonymous) buyer shows before the introduction.
		respond := "/needs/respond/" + linkIn(t, invite, "respond")
		page = f.do("GET", respond, "", nil, nil).Body.String()
		mustContain(t, "the provider's page", page, "Stérilisation d&#39;implants", "Anonyme jusqu&#39;à la mise en relation", "Répondez avant le")
		mustNotContain(t, "the provider's page before the introduction", page, "alice@medbuy.example", "Alice Acheteuse", "6 12 34 56 78", "MedBuy", "Très réactif", "Cardiolys")
		if w := f.do("POST", respond, "", url.Values{"accept": {"1"}, "message": {"Disponible dès avril."}}, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), `id="e-responder_email">Ce champ est obligatoire.`) {
			t.Errorf("accepting without a contact: %d", w.Code)
		}
		w = f.do("POST", respond, "", url.Values{"accept": {"1"}, "message": {"Disponible dès avril."}, "responder_name": {"Jeanne Stéri"},
			"responder_email": {"jeanne@sterilix.example"}, "responder_phone": {"03 81 00 00 00"}}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != respond {
			t.Fatalf("accept: %d %s", w.Code, w.Body.String())
		}
		w = f.do("POST", respond, "", url.Values{"accept": {"0"}}, nil)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Vous avez déjà répondu à ce besoin.") {
			t.Errorf("answering twice: %d", w.Code)
		}
		// Cardiolys answers signed in, and never sees Stérilix nor its answer.
		page = f.do("GET", "/needs/"+ids, member, nil, nil).Body.String()
		mustContain(t, "the member's page", page, "Stérilisation d&#39;implants", `action="/needs/`+ids+`/respond"`)
		mustNotContain(t, "the member's page", page, "Stérilix", "Disponible dès avril", "jeanne@sterilix.example", "alice@medbuy.example", "Alice Acheteuse", "MedBuy")
		if w := f.do("POST", "/needs/"+ids+"/respond", member, url.Values{"accept": {"1"}, "message": {"Cardiolys peut aider."}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("member accepts: %d", w.Code)
		}
		if c := f.candidate(id, f.orgA.ID); c.ResponderEmail != f.users["member"].Email || c.State != matchmaking.StateAccepted {
			t.Errorf("the member's answer: %+v", c)
		}

		// The buyer sees who accepted, not their contact, until consenting.
		page = f.do("GET", trackPath, "", nil, nil).Body.String()
		mustContain(t, "the buyer's page", page, "Stérilix", "Disponible dès avril.", "Cardiolys", "Accepter la mise en relation")
		mustNotContain(t, "the buyer's page before consent", page, "jeanne@sterilix.example", "03 81 00 00 00", f.users["member"].Email)
		sc := f.candidate(id, sterilix.ID)
		cc := f.candidate(id, f.orgA.ID)
		if w := f.do("POST", trackPath+"/decide/"+strconv.FormatInt(sc.ID, 10), "", url.Values{"accept": {"1"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("decide: %d", w.Code)
		}
		if w := f.do("POST", trackPath+"/decide/"+strconv.FormatInt(cc.ID, 10), "", url.Values{"accept": {"0"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("decline: %d", w.Code)
		}
		page = f.do("GET", trackPath, "", nil, nil).Body.String()
		mustContain(t, "the buyer's page after consent", page, "jeanne@sterilix.example", "03 81 00 00 00", "Vous avez décliné cette mise en relation.")
		mustNotContain(t, "the buyer's page", page, f.users["member"].Email)
		intro := f.lastMailTo("contact@sterilix.example", "mise en relation")
		mustContain(t, "the introduction mail", intro.Body, "alice@medbuy.example", "MedBuy")
		page = f.do("GET", respond, "", nil, nil).Body.String()
		mustContain(t, "the provider's page after the introduction", page, "alice@medbuy.example", "Alice Acheteuse", "6 12 34 56 78", "MedBuy")
		page = f.do("GET", "/needs/"+ids, member, nil, nil).Body.String()
		mustContain(t, "the declined member's page", page, "Le donneur d&#39;ordre a choisi d&#39;autres prestataires.")
		mustNotContain(t, "the declined member's page", page, "alice@medbuy.example", "Alice Acheteuse", "MedBuy", "jeanne@sterilix.example")

		// Both sides report the outcome.
		outcome := trackPath + "/outcome/" + strconv.FormatInt(sc.ID, 10)
		if w := f.do("POST", outcome, "", url.Values{"outcome": {"quote_sent"}, "amount": {"10"}}, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Un montant ne se saisit que pour une commande obtenue.") {
			t.Errorf("an amount with a quote: %d", w.Code)
		}
		if w := f.do("POST", outcome, "", url.Values{"outcome": {"order_won"}, "amount": {"12 500"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("buyer outcome: %d", w.Code)
		}
		if w := f.do("POST", trackPath+"/outcome/"+strconv.FormatInt(cc.ID, 10), "", url.Values{"outcome": {"no_contact"}}, nil); w.Code != http.StatusNotFound {
			t.Errorf("an outcome for a provider not introduced: %d", w.Code)
		}
		if w := f.do("POST", respond+"/outcome", "", url.Values{"outcome": {"quote_sent"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("provider outcome: %d", w.Code)
		}
		out, err := f.srv.Matchmaking.OutcomesOf(deskCtx, sc.ID)
		if err != nil || out["buyer"].Outcome != "order_won" || out["buyer"].Amount != 1_250_000 || out["provider"].Outcome != "quote_sent" {
			t.Errorf("outcomes: %+v %v", out, err)
		}
		page = f.do("GET", review, staff, nil, nil).Body.String()
		mustContain(t, "the review page's timeline", page, "Sélection validée", "Prestataire intéressé", "Mise en relation", "Commande obtenue · 12\u202f500\u00a0€")

		// Closing withdraws nobody answered; reopening puts it back.
		if w := f.do("POST", review+"/close", staff, url.Values{"reason": {""}}, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Ce champ est obligatoire.") {
			t.Errorf("closing without a reason: %d", w.Code)
		}
		if w := f.do("POST", review+"/close", staff, url.Values{"reason": {"Besoin pourvu"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("close: %d", w.Code)
		}
		if w := f.do("POST", review+"/reopen", staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("reopen: %d", w.Code)
		}
		if n, _ := f.srv.Matchmaking.Need(deskCtx, id); n.Status != matchmaking.StatusShortlisted {
			t.Errorf("reopened as %s", n.Status)
		}
	})
}

func TestASignedInBuyersNeedIsSeenOnlyByItsBuyerAndShortlistedProviders(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		sterilix := f.deskProviders()
		buyer, member, staff := f.session("buyer"), f.session("member"), f.session("staff")
		form := needForm()
		form.Set("anonymous", "0")
		form.Set("buyer_company", "Achats Santé SA")
		form.Set("buyer_phone", "+33 1 02 03 04 05")
		w := f.do("POST", "/needs/new", buyer, form, nil)
		id := located(t, w)
		ids := strconv.FormatInt(id, 10)
		if got := w.Header().Get("Location"); got != "/needs/"+ids {
			t.Errorf("after posting: %q", got)
		}
		if page := f.do("GET", "/needs", buyer, nil, nil).Body.String(); !strings.Contains(page, `<a href="/needs/`+ids+`">Stérilisation d&#39;implants</a>`) {
			t.Error("the buyer's desk does not list the need")
		}
		// Files go up from the buyer's page.
		if w := f.postMultipart("/needs/"+ids+"/attachments", buyer, nil, "attachment", "plan.png", []byte("\x89PNG\r\n\x1a\n0000")); w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", w.Code, w.Body.String())
		}
		if w := f.postMultipart("/needs/"+ids+"/attachments", buyer, nil, "attachment", "notes.txt", []byte("juste du texte")); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Seuls les PDF, PNG et JPEG sont acceptés.") {
			t.Errorf("a text file: %d", w.Code)
		}
		files, _ := f.srv.Matchmaking.Attachments(deskCtx, id)
		if len(files) != 1 {
			t.Fatalf("files %+v", files)
		}
		file := "/needs/" + ids + "/attachments/" + strconv.FormatInt(files[0].ID, 10)

		// Before the shortlist, nobody but the buyer and staff sees the need.
		for _, role := range []string{"member", "target", "expert"} {
			if w := f.do("GET", "/needs/"+ids, f.session(role), nil, nil); w.Code != http.StatusNotFound {
				t.Errorf("%s before the shortlist: %d, want 404", role, w.Code)
			}
		}
		if w := f.do("GET", "/needs/"+ids, staff, nil, nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/needs/"+ids {
			t.Errorf("staff on the buyer's page: %d %q", w.Code, w.Header().Get("Location"))
		}
		for _, org := range []int64{f.orgA.ID, sterilix.ID} {
			if err := f.srv.Matchmaking.AddCandidate(deskCtx, id, org, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.srv.Matchmaking.ValidateShortlist(deskCtx, id); err != nil {
			t.Fatal(err)
		}
		sc := f.candidate(id, sterilix.ID)
		if _, err := f.srv.Matchmaking.Respond(deskCtx, sc.ID, true, "Réponse privée de Stérilix", matchmaking.Responder{Name: "Jeanne Stéri",
			Email: "jeanne@sterilix.example", Phone: "03 81 00 00 00"}); err != nil {
			t.Fatal(err)
		}

		// The shortlisted member sees the need, its file and the company (not
		// anonymous), never the buyer's contact nor the other provider.
		page := f.do("GET", "/needs/"+ids, member, nil, nil).Body.String()
		mustContain(t, "the provider's page", page, "Stérilisation d&#39;implants", "Achats Santé SA", "plan.png")
		mustNotContain(t, "the provider's page", page, "Stérilix", "Réponse privée", "jeanne@sterilix.example", f.users["buyer"].Email, "Buyer Test", "1 02 03 04 05")
		if w := f.do("GET", file, member, nil, nil); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
			t.Errorf("the shortlisted member's download: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		if page := f.do("GET", "/needs", member, nil, nil).Body.String(); !strings.Contains(page, `<a href="/needs/`+ids+`">Stérilisation d&#39;implants</a>`) {
			t.Error("the member's desk does not list the invitation")
		}
		// Another buyer, a member of an organisation not shortlisted: 404,
		// for the page, the file and the actions.
		other, err := f.srv.Auth.CreateUser(deskCtx, auth.NewUser{Email: "neuro@test.example", Name: "Neuro Member", Role: auth.RoleMember,
			OrganisationID: f.orgB.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		_, neuro, err := f.srv.Auth.Login(deskCtx, other.Email, testPassword, "198.51.100.7", "test")
		if err != nil {
			t.Fatal(err)
		}
		for who, session := range map[string]string{"another buyer": f.session("target"), "a member not shortlisted": neuro} {
			for _, req := range []struct{ method, path string }{{"GET", "/needs/" + ids}, {"GET", file},
				{"POST", "/needs/" + ids + "/respond"}, {"POST", "/needs/" + ids + "/decide/" + strconv.FormatInt(sc.ID, 10)}} {
				var form url.Values
				if req.method == "POST" {
					form = url.Values{"accept": {"1"}}
				}
				if w := f.do(req.method, req.path, session, form, nil); w.Code != http.StatusNotFound {
					t.Errorf("%s: %s %s: %d, want 404", who, req.method, req.path, w.Code)
				}
			}
		}
		if got := f.candidate(id, sterilix.ID); got.BuyerDecision != "" {
			t.Fatal("someone else decided for the buyer")
		}

		// The buyer sees Stérilix's answer, its contact only after consenting.
		page = f.do("GET", "/needs/"+ids, buyer, nil, nil).Body.String()
		mustContain(t, "the buyer's page", page, "Stérilix", "Réponse privée de Stérilix", "1</strong> en attente de réponse")
		mustNotContain(t, "the buyer's page before consent", page, "jeanne@sterilix.example", "03 81 00 00 00", "Cardiolys")
		if w := f.do("POST", "/needs/"+ids+"/decide/"+strconv.FormatInt(sc.ID, 10), buyer, url.Values{"accept": {"1"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("decide: %d", w.Code)
		}
		page = f.do("GET", "/needs/"+ids, buyer, nil, nil).Body.String()
		mustContain(t, "the buyer's page after consent", page, "jeanne@sterilix.example", "03 81 00 00 00")
		if w := f.do("POST", "/needs/"+ids+"/outcome/"+strconv.FormatInt(sc.ID, 10), buyer, url.Values{"outcome": {"order_won"}, "amount": {"8 000,50"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("outcome: %d", w.Code)
		}
		if out, _ := f.srv.Matchmaking.OutcomesOf(deskCtx, sc.ID); out["buyer"].Amount != 800_050 {
			t.Errorf("outcome %+v", out)
		}

		// The back office is the team's: refused to others, the anonymous sent to sign in.
		for _, path := range []string{"/admin/needs", "/admin/needs/" + ids, "/admin/needs/stats"} {
			if w := f.do("GET", path, member, nil, nil); w.Code != http.StatusForbidden {
				t.Errorf("member on %s: %d", path, w.Code)
			}
			if w := f.do("GET", path, "", nil, nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
				t.Errorf("anonymous on %s: %d %q", path, w.Code, w.Header().Get("Location"))
			}
		}
		if w := f.do("POST", "/admin/needs/"+ids+"/shortlist", buyer, url.Values{}, nil); w.Code != http.StatusForbidden {
			t.Errorf("buyer validating a shortlist: %d", w.Code)
		}
	})
}

func TestStatisticsShowAndExportTheDesksFigures(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		f.deskProviders()
		u := f.users["buyer"]
		in := matchmaking.Input{Title: "Stérilisation", Description: "Stérilisation de dispositifs médicaux", Sector: "medtech"}
		n, err := f.srv.Matchmaking.Submit(deskCtx, &u, in, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.srv.Matchmaking.AddCandidate(deskCtx, n.ID, f.orgA.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.srv.Matchmaking.ValidateShortlist(deskCtx, n.ID); err != nil {
			t.Fatal(err)
		}
		c := f.candidate(n.ID, f.orgA.ID)
		if _, err := f.srv.Matchmaking.Respond(deskCtx, c.ID, true, "", matchmaking.Responder{Name: "M", Email: "m@test.example"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.srv.Matchmaking.Decide(deskCtx, n.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := f.srv.Matchmaking.ReportOutcome(deskCtx, matchmaking.Outcome{NeedID: n.ID, CandidateID: c.ID, Side: matchmaking.SideBuyer,
			Outcome: matchmaking.OutcomeOrderWon, Amount: 1_250_000}); err != nil {
			t.Fatal(err)
		}
		staff := f.session("staff")
		w := f.do("GET", "/admin/needs/stats", staff, nil, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("stats: %d", w.Code)
		}
		mustContain(t, "the statistics page", body, "<strong>1</strong> besoins reçus", "<strong>1</strong> mises en relation",
			"<strong>100\u00a0%</strong> taux d&#39;acceptation", "<strong>12\u202f500\u00a0€</strong> montant des commandes",
			"Dispositifs médicaux (Medtech)", time.Now().In(paris).Format("01/2006"))
		if w := f.do("GET", "/admin/needs/stats?from=2026-13", staff, nil, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Saisissez un mois au format AAAA-MM.") {
			t.Errorf("a bad month: %d", w.Code)
		}
		if w := f.do("GET", "/admin/needs/stats?from=2000-01&to=2000-12", staff, nil, nil); !strings.Contains(w.Body.String(), "Aucun besoin reçu sur la période.") {
			t.Error("an empty period shows figures")
		}
		w = f.do("GET", "/admin/needs/stats.xlsx", staff, nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("xlsx: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		table, _, err := tabular.ReadXLSX(bytes.NewReader(w.Body.Bytes()), 1<<22)
		if err != nil || len(table.Rows) == 0 {
			t.Fatalf("xlsx: %v %+v", err, table)
		}
		total := table.Rows[len(table.Rows)-1].Cells
		if total[1] != "Toutes" || total[2] != "1" || total[10] != "1" || total[11] != "1" || total[12] != "12500" {
			t.Errorf("the workbook's total row: %q (header %q)", total, table.Header)
		}
	})
}

func TestStaffChangeTheDesksSettingsWithErrorsBesideTheirFields(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		page := f.do("GET", "/admin/needs/settings", staff, nil, nil).Body.String()
		mustContain(t, "the settings page", page, `name="response_days" type="number" value="10"`, `name="member_boost" type="text" value="1.5"`)
		form := url.Values{"member_boost": {"2,5"}, "intro_boost": {"x"}, "brick_boost": {"1"}, "shortlist_size": {"8"},
			"response_days": {"7"}, "reminder_days": {"9"}, "followup_days": {"30"}, "allow_non_members": {"1"}}
		w := f.do("POST", "/admin/needs/settings", staff, form, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `<p class="field-error" id="e-intro_boost">Saisissez un nombre.</p>`) {
			t.Fatalf("a setting that is not a number: %d", w.Code)
		}
		form.Set("intro_boost", "0,5")
		w = f.do("POST", "/admin/needs/settings", staff, form, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-reminder_days">La relance doit partir avant`) {
			t.Fatalf("a reminder after the deadline: %d", w.Code)
		}
		form.Set("reminder_days", "2")
		if w := f.do("POST", "/admin/needs/settings", staff, form, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", w.Code, w.Body.String())
		}
		set, err := f.srv.Matchmaking.Settings(deskCtx)
		if err != nil || set.MemberBoost != 2.5 || set.IntroBoost != 0.5 || set.ResponseDays != 7 || set.ReminderDays != 2 || !set.AllowNonMembers {
			t.Errorf("settings: %+v %v", set, err)
		}
	})
}

func TestNotificationsListMarkReadAndStayTheirOwners(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		buyer, staff := f.session("buyer"), f.session("staff")
		id := located(t, f.do("POST", "/needs/new", buyer, needForm(), nil))
		n, err := f.srv.Matchmaking.Need(deskCtx, id)
		if err != nil {
			t.Fatal(err)
		}
		page := f.do("GET", "/notifications", staff, nil, nil).Body.String()
		mustContain(t, "the staff's notifications", page, "Nouveau besoin "+n.Reference+" : Stérilisation d&#39;implants", `<li class="unread">`,
			`Notifications <span class="notif-count">(1<span class="sr-only"> non lues</span>)</span>`)
		own, _, err := notify.List(deskCtx, f.d, f.users["staff"].ID, 10)
		if err != nil || len(own) != 1 {
			t.Fatalf("staff notifications: %+v %v", own, err)
		}
		admins, _, _ := notify.List(deskCtx, f.d, f.users["admin"].ID, 10)
		if len(admins) != 1 {
			t.Fatalf("admin notifications: %+v", admins)
		}
		// Another user's notification is not found, and stays unread.
		if w := f.do("POST", "/notifications/"+strconv.FormatInt(admins[0].ID, 10)+"/read", staff, url.Values{}, nil); w.Code != http.StatusNotFound {
			t.Errorf("marking the admin's notification: %d", w.Code)
		}
		if _, unread, _ := notify.List(deskCtx, f.d, f.users["admin"].ID, 10); unread != 1 {
			t.Error("the admin's notification was marked read by staff")
		}
		w := f.do("POST", "/notifications/"+strconv.FormatInt(own[0].ID, 10)+"/read", staff, url.Values{}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/needs/"+strconv.FormatInt(id, 10) {
			t.Errorf("following a notification: %d %q", w.Code, w.Header().Get("Location"))
		}
		if _, unread, _ := notify.List(deskCtx, f.d, f.users["staff"].ID, 10); unread != 0 {
			t.Errorf("still unread: %d", unread)
		}
		if page := f.do("GET", "/notifications", staff, nil, nil).Body.String(); strings.Contains(page, "notif-count") || !strings.Contains(page, `<li class="read">`) {
			t.Error("a read notification is still counted")
		}
		// A link off the site is not followed.
		if err := notify.Add(deskCtx, f.d, f.users["staff"].ID, "matchmaking.notice.new_need", []string{"B-X", "x"}, "//evil.example/", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := notify.Add(deskCtx, f.d, f.users["staff"].ID, "matchmaking.notice.new_need", []string{"B-Y", "y"}, "/admin/needs", time.Now()); err != nil {
			t.Fatal(err)
		}
		own, _, _ = notify.List(deskCtx, f.d, f.users["staff"].ID, 10)
		for _, x := range own {
			if x.Link == "//evil.example/" {
				if w := f.do("POST", "/notifications/"+strconv.FormatInt(x.ID, 10)+"/read", staff, url.Values{}, nil); w.Header().Get("Location") != "/notifications" {
					t.Errorf("an off-site link was followed: %q", w.Header().Get("Location"))
				}
			}
		}
		if w := f.do("POST", "/notifications/read", staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Errorf("mark all: %d", w.Code)
		}
		if _, unread, _ := notify.List(deskCtx, f.d, f.users["staff"].ID, 10); unread != 0 {
			t.Errorf("unread after marking all: %d", unread)
		}
		if _, unread, _ := notify.List(deskCtx, f.d, f.users["admin"].ID, 10); unread != 1 {
			t.Errorf("marking all touched another user's: %d", unread)
		}
	})
}

func TestAmountsReadAndWriteTheWayEachLanguageExpects(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "12 500": 1_250_000, "12 500,50 €": 1_250_050, "12,500.50": 1_250_050, "0,5": 50, "1\u202f234,5": 123_450} {
		if got, ok := parseEuros(in); !ok || got != want {
			t.Errorf("parseEuros(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"-5", "beaucoup", "1e20"} {
		if _, ok := parseEuros(bad); ok {
			t.Errorf("parseEuros(%q) accepted", bad)
		}
	}
	for _, c := range []struct {
		cents int64
		lang  string
		want  string
	}{{1_250_000, "fr", "12\u202f500\u00a0€"}, {1_250_050, "fr", "12\u202f500,50\u00a0€"}, {1_250_005, "en", "€12,500.05"}, {99, "fr", "0,99\u00a0€"},
		{123_456_789_00, "en", "€123,456,789"}} {
		if got := formatEuros(c.cents, c.lang); got != c.want {
			t.Errorf("formatEuros(%d, %s) = %q, want %q", c.cents, c.lang, got, c.want)
		}
	}
}
