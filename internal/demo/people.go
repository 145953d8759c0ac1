package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/directory"
)

// peopleWeights is how many contacts an organisation has: 1 to 5, two on
// average.
var peopleWeights = []int{40, 35, 13, 8, 4}

// people gives every organisation its contacts: the head first, then others
// with titles that fit the kind.
func (g *generator) people(drafts []*draft) {
	for _, d := range drafts {
		n := 1 + weighted(g.r, peopleWeights)
		if d.org.Kind == "hospital" || d.org.Kind == "large" {
			n = min(n+1, 5)
		}
		used := map[string]bool{}
		g.addPerson(d, pick(g.r, kindLeaders[d.org.Kind]), used)
		// Different titles while the kind has enough of them.
		titles := kindTitles[d.org.Kind]
		order := g.r.Perm(len(titles))
		for i := range n - 1 {
			g.addPerson(d, titles[order[i%len(order)]], used)
		}
	}
}

// addPerson appends a new contact with title t to d. used holds the e-mail
// local parts taken in d.
func (g *generator) addPerson(d *draft, t title, used map[string]bool) *directory.Person {
	female := g.r.IntN(2) == 0
	first, job := pick(g.r, firstNamesM), t.m
	if female {
		first, job = pick(g.r, firstNamesF), t.f
	}
	last := pick(g.r, lastNames)
	local := emailPart(first) + "." + emailPart(last)
	if used == nil {
		used = map[string]bool{}
		for _, p := range d.people {
			used[strings.SplitN(p.Email, "@", 2)[0]] = true
		}
	}
	for i := 2; used[local]; i++ {
		local = fmt.Sprintf("%s.%s%d", emailPart(first), emailPart(last), i)
	}
	used[local] = true
	created := d.org.CreatedAt.Add(time.Duration(g.r.IntN(90*24)) * time.Hour)
	if created.After(now) {
		created = now
	}
	d.people = append(d.people, directory.Person{
		FirstName: first, LastName: last, JobTitle: job,
		Email:     local + "@" + d.domain,
		Phone:     g.phone(d.org.Region, d.org.Departement),
		CreatedAt: created, UpdatedAt: created,
	})
	return &d.people[len(d.people)-1]
}

// withTitle returns a contact of d holding title t, giving the title to the
// last non-head contact, or adding one, when nobody holds it.
func (g *generator) withTitle(d *draft, t title) *directory.Person {
	for i := range d.people {
		if p := &d.people[i]; p.JobTitle == t.m || p.JobTitle == t.f {
			return p
		}
	}
	if len(d.people) < 2 {
		return g.addPerson(d, t, nil)
	}
	p := &d.people[len(d.people)-1]
	p.JobTitle = t.m
	if slices.Contains(firstNamesF, p.FirstName) {
		p.JobTitle = t.f
	}
	return p
}

// emailPart turns a name into an e-mail address part: "Jean-Marc" →
// "jean-marc", "Le Gall" → "legall", "Léa" → "lea".
func emailPart(name string) string {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(directory.Fold(p), " ", "")
	}
	return strings.Join(parts, "-")
}

// phone returns a French number in international format: a landline of the
// region, or a mobile.
func (g *generator) phone(region, departement string) string {
	first := phoneDigit[region]
	if departement == "34" { // Montpellier dials like the south-east
		first = "4"
	}
	if first == "" || g.chance(0.3) {
		first = pick(g.r, []string{"6", "7"})
	}
	return fmt.Sprintf("+33 %s %02d %02d %02d %02d", first, 10+g.r.IntN(90), g.r.IntN(100), g.r.IntN(100), g.r.IntN(100))
}
