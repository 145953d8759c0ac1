package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/directory"
	"filiere/internal/matchmaking"
)

// apiToken returns a bearer token for role.
func (f *fixture) apiToken(role string) string {
	f.t.Helper()
	plain, _, err := f.srv.Auth.CreateAPIToken(f.t.Context(), f.users[role].ID, "test", time.Now().Add(time.Hour))
	if err != nil {
		f.t.Fatal(err)
	}
	return plain
}

// api calls the JSON API with a bearer token and decodes the answer.
func (f *fixture) api(method, path, token string, body any, out any) int {
	f.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	r := httptest.NewRequest(method, path, rd)
	r.RemoteAddr = "198.51.100.7:4242"
	r.Header.Set("Content-Type", "application/json")
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, r)
	if out != nil && w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			f.t.Fatalf("%s %s: %d %s: %v", method, path, w.Code, w.Body.String(), err)
		}
	}
	return w.Code
}

func TestTheNeedsAPIFollowsTheDesksPermissions(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		// Two providers besides the member's own organisation (orgA).
		valid := time.Now().AddDate(2, 0, 0)
		mk := func(name string) directory.Organisation {
			o, err := f.srv.Directory.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: "sme", Membership: "member",
				City: "Lyon", Sectors: []string{"medtech"}, DescriptionFR: "Stérilisation de dispositifs médicaux",
				Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}}})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		other := mk("Stérilyon")
		buyer := f.apiToken("buyer")

		// A buyer creates a need; bad input is a 422 with per-field messages.
		var bad struct {
			Error struct{ Fields map[string]string }
		}
		if code := f.api("POST", "/api/v1/needs", buyer, map[string]any{"title": "", "description": "x"}, &bad); code != http.StatusUnprocessableEntity || bad.Error.Fields["title"] == "" {
			t.Fatalf("empty title: %d %+v", code, bad)
		}
		if code := f.api("POST", "/api/v1/needs", buyer, map[string]any{"title": "x", "unknown": 1}, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("unknown field: %d", code)
		}
		var created apiNeed
		code := f.api("POST", "/api/v1/needs", buyer, map[string]any{"title": "Stérilisation d'implants", "description": "Stérilisation de dispositifs médicaux, 5 000 par an.",
			"sector": "medtech", "certifications": []string{"ISO 13485"}, "anonymous": true, "deadline": "2099-06-30", "budget_max_cents": 5_000_000}, &created)
		if code != http.StatusCreated || created.Status != matchmaking.StatusNew || created.Buyer == nil || created.Buyer.Email != "buyer@test.example" {
			t.Fatalf("create: %d %+v", code, created)
		}
		if code := f.api("POST", "/api/v1/needs", f.apiToken("expert"), map[string]any{"title": "x", "description": "y"}, nil); code != http.StatusForbidden {
			t.Errorf("an expert posting: %d", code)
		}
		path := "/api/v1/needs/" + strconv.FormatInt(created.ID, 10)

		// Staff shortlist the member's organisation and another provider.
		for _, org := range []int64{f.orgA.ID, other.ID} {
			if err := f.srv.Matchmaking.AddCandidate(ctx, created.ID, org, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.srv.Matchmaking.ValidateShortlist(ctx, created.ID); err != nil {
			t.Fatal(err)
		}
		var staffView apiNeed
		if code := f.api("GET", path, f.apiToken("staff"), nil, &staffView); code != 200 || len(staffView.Candidates) != 2 {
			t.Fatalf("staff: %d %+v", code, staffView)
		}

		// The provider (member of orgA) sees the need, its own answer, not
		// the buyer, not the other provider.
		member := f.apiToken("member")
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+member)
		f.srv.Handler().ServeHTTP(w, r)
		if w.Code != 200 || strings.Contains(w.Body.String(), "buyer@test.example") || strings.Contains(w.Body.String(), "Stérilyon") ||
			!strings.Contains(w.Body.String(), `"state": "notified"`) {
			t.Fatalf("provider's view: %d %s", w.Code, w.Body.String())
		}
		// Another buyer and an unrelated user get a 404.
		if code := f.api("GET", path, f.apiToken("target"), nil, nil); code != http.StatusNotFound {
			t.Errorf("another buyer: %d", code)
		}
		if code := f.api("GET", path, f.apiToken("funder"), nil, nil); code != http.StatusNotFound {
			t.Errorf("a funder: %d", code)
		}

		// The member's organisation accepts; the buyer sees it, without its
		// contact until consenting.
		c, err := f.srv.Matchmaking.InvitationFor(ctx, ptr(f.users["member"]), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.srv.Matchmaking.Respond(ctx, c.ID, true, "Avec plaisir", matchmaking.Responder{Name: "Member Test", Email: "member@test.example"}); err != nil {
			t.Fatal(err)
		}
		var bv apiNeed
		f.api("GET", path, buyer, nil, &bv)
		if len(bv.Providers) != 1 || bv.Providers[0].Contact != nil || bv.Asked == nil || *bv.Asked != 2 || *bv.Waiting != 1 {
			t.Fatalf("buyer before consent: %+v", bv)
		}
		if _, err := f.srv.Matchmaking.Decide(ctx, created.ID, bv.Providers[0].CandidateID, true); err != nil {
			t.Fatal(err)
		}
		f.api("GET", path, buyer, nil, &bv)
		if bv.Providers[0].Contact == nil || bv.Providers[0].Contact.Email != "member@test.example" {
			t.Errorf("buyer after the introduction: %+v", bv.Providers[0])
		}
		var pv apiNeed
		f.api("GET", path, member, nil, &pv)
		if pv.Buyer == nil || pv.Buyer.Email != "buyer@test.example" {
			t.Errorf("provider after the introduction: %+v", pv.Buyer)
		}

		// Each side lists the introduction; a third party lists none.
		var list struct {
			Total   int
			Results []apiIntroduction
		}
		f.api("GET", "/api/v1/introductions", buyer, nil, &list)
		if list.Total != 1 || list.Results[0].Role != "buyer" || list.Results[0].Provider.Email != "member@test.example" {
			t.Errorf("buyer's introductions: %+v", list)
		}
		f.api("GET", "/api/v1/introductions", member, nil, &list)
		if list.Total != 1 || list.Results[0].Role != "provider" || list.Results[0].Buyer.Email != "buyer@test.example" {
			t.Errorf("provider's introductions: %+v", list)
		}
		f.api("GET", "/api/v1/introductions", f.apiToken("target"), nil, &list)
		if list.Total != 0 {
			t.Errorf("a third party lists %d introductions", list.Total)
		}
		var mine struct {
			Total   int
			Results []apiNeed
		}
		if code := f.api("GET", "/api/v1/needs", buyer, nil, &mine); code != 200 || mine.Total != 1 {
			t.Errorf("buyer's needs: %d %+v", code, mine)
		}
		if code := f.api("GET", "/api/v1/needs?status=bogus", f.apiToken("staff"), nil, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("bad status filter: %d", code)
		}
	})
}

func ptr[T any](v T) *T { return &v }
