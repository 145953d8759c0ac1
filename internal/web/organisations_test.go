package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestTheOrganisationFormSavesTheGroupThatPageAndAPIShow(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		b := f.orgB
		b.Group = "Groupe Lépine"
		if _, err := f.srv.Directory.UpdateOrganisation(ctx, b); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(f.orgA.ID, 10)
		staff := f.session("staff")

		form := f.do("GET", "/organisations/"+id+"/edit", staff, nil, nil).Body.String()
		for _, want := range []string{`<label for="f-group">Groupe</label>`, `name="group"`, `<option value="Groupe Lépine">`} {
			if !strings.Contains(form, want) {
				t.Errorf("the form lacks %s", want)
			}
		}

		values := orgValues(f.orgA)
		values.Set("group", "  Groupe   Lépine ")
		if w := f.do("POST", "/organisations/"+id+"/edit", staff, values, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", w.Code, w.Body.String())
		}
		groups, err := f.srv.Directory.SameGroup(ctx, []int64{f.orgA.ID, f.orgB.ID})
		if err != nil || groups[f.orgA.ID] != "Groupe Lépine" || groups[f.orgB.ID] != "Groupe Lépine" {
			t.Fatalf("groups after saving: %v, %v", groups, err)
		}
		if page := f.do("GET", "/organisations/"+id, "", nil, nil).Body.String(); !strings.Contains(page, "<dt>Groupe</dt><dd>Groupe Lépine</dd>") {
			t.Error("the organisation page does not show its group to the public")
		}
		if api := f.do("GET", "/api/v1/organisations/"+id, f.session("buyer"), nil, nil).Body.String(); !strings.Contains(api, `"group": "Groupe Lépine"`) {
			t.Errorf("the API does not give the group: %s", api)
		}

		// A member's change of group is identity, public: it waits for the staff.
		values.Set("group", "")
		if w := f.do("POST", "/organisations/"+id+"/edit", f.session("member"), values, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("member save: %d", w.Code)
		}
		if o, _ := f.srv.Directory.Organisation(ctx, f.orgA.ID); o.Group != "Groupe Lépine" {
			t.Errorf("a member's change of group applied at once: %q", o.Group)
		}
		changes, err := f.srv.Directory.PendingChanges(ctx, f.orgA.ID)
		if err != nil || len(changes) != 1 || len(changes[0].Diff) != 1 || changes[0].Diff[0].Part != "group" {
			t.Fatalf("pending: %+v, %v", changes, err)
		}
		if page := f.do("GET", "/admin/changes", staff, nil, nil).Body.String(); !strings.Contains(page, `<th scope="row">Groupe</th>`) {
			t.Error("the staff's review does not name the group")
		}

		values.Set("group", strings.Repeat("g", 201))
		w := f.do("POST", "/organisations/"+id+"/edit", staff, values, nil)
		if body := w.Body.String(); w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-group"`) {
			t.Errorf("a too long group: %d", w.Code)
		}
	})
}
