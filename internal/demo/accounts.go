package demo

import (
	"errors"
	"fmt"
	"strings"

	"filiere/internal/auth"
	"filiere/internal/directory"
)

// loginDomain is the domain of the demo's own accounts (the cluster's team
// and the role logins), under the reserved .example TLD.
const loginDomain = "demo.filiere.example"

// account is a user to create once the organisations have their IDs.
type account struct {
	role     auth.Role
	email    string
	name     string
	lang     string
	password string
	org      *draft // nil for the cluster's team
	login    bool   // one of the role logins Generate returns
}

// password is the demo password of a role: deterministic, printed by the
// CLI, long enough for the password policy.
func password(role auth.Role) string { return "demo-" + string(role) + "-2026" }

// accounts plans the users: one login per role (the member works at a member
// SME, the buyer buys for a large group, the expert is a hospital
// practitioner, the funder works at the regional council), then more staff
// and members so that lists look alive. It may add or retitle contacts, so
// it runs before the insert.
func (g *generator) accounts(drafts []*draft) ([]account, error) {
	first := func(match func(*draft) bool, what string) (*draft, error) {
		for _, d := range drafts {
			if match(d) {
				return d, nil
			}
		}
		return nil, fmt.Errorf("demo: the generated cluster has no %s", what)
	}
	memberOrg, err := first(func(d *draft) bool {
		return d.org.Kind == "sme" && d.org.Membership == directory.Member
	}, "member SME")
	if err != nil {
		return nil, err
	}
	buyerOrg, err := first(func(d *draft) bool { return d.org.Kind == "large" }, "large group")
	if err != nil {
		return nil, err
	}
	expertOrg, err := first(func(d *draft) bool { return d.org.Kind == "hospital" }, "hospital")
	if err != nil {
		return nil, err
	}
	funderOrg, err := first(func(d *draft) bool { return strings.HasPrefix(d.org.Name, "Conseil régional") }, "regional council")
	if err != nil {
		return nil, err
	}

	taken := map[string]bool{}
	team := func(role auth.Role, email string) account {
		first, last := g.teamName(taken)
		if email == "" {
			email = emailPart(first) + "." + emailPart(last) + "@" + loginDomain
		}
		return account{role: role, email: email, name: first + " " + last, lang: "fr", password: password(role)}
	}
	contact := func(role auth.Role, p *directory.Person, d *draft) account {
		return account{role: role, email: string(role) + "@" + loginDomain, name: p.Name(), lang: "fr",
			password: password(role), org: d, login: true}
	}

	admin := team(auth.RoleAdmin, "admin@"+loginDomain)
	admin.login = true
	staff := team(auth.RoleStaff, "staff@"+loginDomain)
	staff.login = true
	out := []account{
		admin, staff,
		contact(auth.RoleMember, &memberOrg.people[0], memberOrg),
		contact(auth.RoleBuyer, g.withTitle(buyerOrg, titleBuyer), buyerOrg),
		contact(auth.RoleExpert, g.withTitle(expertOrg, titlePractitio), expertOrg),
		contact(auth.RoleFunder, g.withTitle(funderOrg, titleHealthOff), funderOrg),
	}
	for range extraStaff {
		out = append(out, team(auth.RoleStaff, ""))
	}

	var members []*draft
	for _, d := range drafts {
		if d.org.Membership == directory.Member && d != memberOrg && d != funderOrg {
			members = append(members, d)
		}
	}
	if len(members) < extraMembers {
		return nil, errors.New("demo: too few member organisations for the member accounts")
	}
	for i, d := range sample(g.r, members, extraMembers) {
		p := pick(g.r, d.people)
		lang := "fr"
		if i%4 == 3 {
			lang = "en"
		}
		out = append(out, account{role: auth.RoleMember, email: p.Email, name: p.Name(), lang: lang,
			password: password(auth.RoleMember), org: d})
	}
	return out, nil
}

// teamName returns a name for a member of the cluster's team not yet in
// taken.
func (g *generator) teamName(taken map[string]bool) (first, last string) {
	for {
		if g.r.IntN(2) == 0 {
			first = pick(g.r, firstNamesF)
		} else {
			first = pick(g.r, firstNamesM)
		}
		last = pick(g.r, lastNames)
		if !taken[first+" "+last] {
			taken[first+" "+last] = true
			return first, last
		}
	}
}

// RoleLogins are the role logins Generate creates (e-mail and password; no
// name or organisation), so that later starts can print them again.
func RoleLogins() []Login {
	out := make([]Login, 0, len(auth.Roles))
	for _, r := range auth.Roles {
		out = append(out, Login{Role: string(r), Email: string(r) + "@" + loginDomain, Password: password(r)})
	}
	return out
}
