package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestASavedSearchComesBackOnTheSearchPageAndOnlyForItsOwner(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		member := f.session("member")
		w := f.do("POST", "/organisations/searches", member, url.Values{
			"search_name": {"Medtech à Dijon"}, "query": {"q=cardio&sector=medtech&offset=20"}}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/organisations?q=cardio&sector=medtech" {
			t.Fatalf("save: %d %q", w.Code, w.Header().Get("Location"))
		}
		page := f.do("GET", "/organisations", member, nil, nil).Body.String()
		if !strings.Contains(page, `href="/organisations?q=cardio&amp;sector=medtech">Medtech à Dijon</a>`) {
			t.Errorf("the saved search is not listed on the member's page")
		}
		// Another user (staff) does not see a member's search, and cannot
		// delete it.
		staff := f.session("staff")
		if strings.Contains(f.do("GET", "/organisations", staff, nil, nil).Body.String(), "Medtech à Dijon") {
			t.Error("staff see a member's private search")
		}
		saved, err := f.srv.Directory.SavedSearches(t.Context(), f.users["member"].ID, false)
		if err != nil || len(saved) != 1 {
			t.Fatalf("%v %v", saved, err)
		}
		del := "/organisations/searches/" + strconv.FormatInt(saved[0].ID, 10) + "/delete"
		if w := f.do("POST", del, staff, url.Values{}, nil); w.Code != http.StatusNotFound {
			t.Errorf("staff deleting a member's search: %d", w.Code)
		}
		// A member may not share; the refusal keeps the page and the name.
		w = f.do("POST", "/organisations/searches", member, url.Values{
			"search_name": {"Pour tous"}, "query": {"q=cardio"}, "shared": {"1"}}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="Pour tous"`) {
			t.Errorf("sharing as a member: %d", w.Code)
		}
		w = f.do("POST", "/organisations/searches", member, url.Values{"search_name": {""}, "query": {"q=cardio"}}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Ce champ est obligatoire.") {
			t.Errorf("no name: %d", w.Code)
		}
		// Staff share theirs with the other staff.
		if w := f.do("POST", "/organisations/searches", staff, url.Values{
			"search_name": {"Livret salon"}, "query": {"certification=iso13485"}, "shared": {"1"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("staff save: %d", w.Code)
		}
		if !strings.Contains(f.do("GET", "/organisations", f.session("admin"), nil, nil).Body.String(), "Livret salon") {
			t.Error("a shared search is missing from another staff member's page")
		}
		if strings.Contains(f.do("GET", "/organisations", member, nil, nil).Body.String(), "Livret salon") {
			t.Error("a member sees staff's shared search")
		}
		if w := f.do("POST", del, member, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Errorf("owner delete: %d", w.Code)
		}
		if strings.Contains(f.do("GET", "/organisations", member, nil, nil).Body.String(), "Medtech à Dijon") {
			t.Error("deleted search still listed")
		}
	})
}
