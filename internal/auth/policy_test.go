package auth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"filiere/internal/auth"
)

// TestEveryActionConstantHasAPolicyEntry reads policy.go's source, so that a
// new Action constant without a rule fails here rather than being denied to
// everyone in production.
func TestEveryActionConstantHasAPolicyEntry(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "policy.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
				continue
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Errorf("%s: value is not a string literal", name.Name)
					continue
				}
				seen++
				a := auth.Action(lit.Value[1 : len(lit.Value)-1])
				if !auth.Known(a) {
					t.Errorf("%s (%q) has no Policy entry", name.Name, a)
				}
			}
		}
	}
	if seen != len(auth.Policy) {
		t.Errorf("policy.go declares %d Action constants, Policy has %d entries", seen, len(auth.Policy))
	}
	if auth.Known("no.such.action") {
		t.Error("Known reports an action that has no entry")
	}
}

// TestPolicyAnswers pins who may do what. Columns: anonymous, then each role
// (with an organisation of its own, 10), asked about organisation 10 (own)
// and organisation 20 (another); the member column is split in two.
func TestPolicyAnswers(t *testing.T) {
	const own, other = 10, 20
	type answers struct {
		anon                   bool
		admin, staff           bool
		memberOwn, memberOther bool
		buyer, expert, funder  bool
	}
	table := map[auth.Action]answers{
		auth.ActPublic:        {anon: true, admin: true, staff: true, memberOwn: true, memberOther: true, buyer: true, expert: true, funder: true},
		auth.ActSignedIn:      {anon: false, admin: true, staff: true, memberOwn: true, memberOther: true, buyer: true, expert: true, funder: true},
		auth.ActUsersView:     {admin: true, staff: true},
		auth.ActUsersManage:   {admin: true},
		auth.ActAuditView:     {admin: true, staff: true},
		auth.ActOrgView:       {anon: true, admin: true, staff: true, memberOwn: true, memberOther: true, buyer: true, expert: true, funder: true},
		auth.ActOrgCreate:     {admin: true, staff: true},
		auth.ActOrgEdit:       {admin: true, staff: true, memberOwn: true},
		auth.ActOrgValidate:   {admin: true, staff: true},
		auth.ActTaxonomy:      {admin: true, staff: true},
		auth.ActMetrics:       {admin: true, staff: true},
		auth.ActNeedPost:      {admin: true, staff: true, memberOwn: true, memberOther: true, buyer: true},
		auth.ActNeedsManage:   {admin: true, staff: true},
		auth.ActEventsManage:  {admin: true, staff: true},
		auth.ActSurveysManage: {admin: true, staff: true},
		auth.ActCallsApply:    {admin: true, staff: true, memberOwn: true, memberOther: true, buyer: true},
		auth.ActCallsEvaluate: {admin: true, staff: true, expert: true},
		auth.ActCallsManage:   {admin: true, staff: true},
		auth.ActCallsStats:    {admin: true, staff: true, funder: true},
	}
	if len(table) != len(auth.Policy) {
		t.Fatalf("the table pins %d actions, Policy has %d: add the new ones here", len(table), len(auth.Policy))
	}
	user := func(r auth.Role) *auth.User { return &auth.User{ID: 1, Role: r, OrganisationID: own} }
	for a, want := range table {
		check := func(who string, u *auth.User, org int64, want bool) {
			t.Helper()
			if got := auth.Can(u, a, org); got != want {
				t.Errorf("Can(%s, %s, org %d) = %v, want %v", who, a, org, got, want)
			}
		}
		check("anonymous", nil, own, want.anon)
		check("anonymous", nil, 0, want.anon)
		byRole := map[auth.Role]bool{auth.RoleAdmin: want.admin, auth.RoleStaff: want.staff, auth.RoleBuyer: want.buyer, auth.RoleExpert: want.expert, auth.RoleFunder: want.funder}
		for r, w := range byRole {
			// Other roles' answers do not depend on the organisation.
			check(string(r)+" (own org)", user(r), own, w)
			check(string(r)+" (other org)", user(r), other, w)
			check(string(r)+" (no org)", user(r), 0, w)
		}
		check("member (own org)", user(auth.RoleMember), own, want.memberOwn)
		check("member (other org)", user(auth.RoleMember), other, want.memberOther)
		check("member (no target org)", user(auth.RoleMember), 0, want.memberOther)
		orgless := &auth.User{ID: 2, Role: auth.RoleMember}
		check("member without organisation", orgless, 0, want.memberOther)

		for _, r := range auth.Roles {
			disabled := user(r)
			disabled.Disabled = true
			check("disabled "+string(r), disabled, own, want.anon) // a disabled account is treated as anonymous
		}
	}
}

func TestUnknownActionsAndRolesAreDenied(t *testing.T) {
	admin := &auth.User{Role: auth.RoleAdmin}
	if auth.Can(admin, "no.such.action", 0) || auth.Can(nil, "no.such.action", 0) {
		t.Error("an unknown action was allowed")
	}
	if auth.Can(&auth.User{Role: "root"}, auth.ActSignedIn, 0) {
		t.Error("an unknown role was allowed")
	}
}
