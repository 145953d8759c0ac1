package auth

// Role is what a user is in the cluster; the Policy maps it to actions.
type Role string

// The roles, from the cluster's team to its funders.
const (
	RoleAdmin  Role = "admin"  // the cluster's team, with user management
	RoleStaff  Role = "staff"  // the cluster's team
	RoleMember Role = "member" // a person at a member organisation
	RoleBuyer  Role = "buyer"  // an industrial or hospital buyer ("donneur d'ordre")
	RoleExpert Role = "expert" // an evaluator on a committee or jury
	RoleFunder Role = "funder" // a region, metropolis, the State, the EU
)

// Roles lists every role, in display order.
var Roles = []Role{RoleAdmin, RoleStaff, RoleMember, RoleBuyer, RoleExpert, RoleFunder}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// IsStaff reports whether r belongs to the cluster's team (admin or staff).
func (r Role) IsStaff() bool { return r == RoleAdmin || r == RoleStaff }

// MessageKey is the i18n key of the role's display name, e.g. "auth.role.admin".
func (r Role) MessageKey() string { return "auth.role." + string(r) }
