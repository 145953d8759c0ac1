package auth

// Action is something a request does; every web route and API call is
// registered with one, and Can decides it from the Policy.
type Action string

// The actions. Add the Policy entry with the constant: a test fails otherwise.
const (
	ActPublic        Action = "public"                 // anyone, even anonymous
	ActSignedIn      Action = "signed_in"              // any signed-in user: dashboard, own account, language, own API tokens, logout
	ActUsersView     Action = "users.view"             // the team: list and read accounts
	ActUsersManage   Action = "users.manage"           // admins: create, edit, disable accounts, reset others
	ActAuditView     Action = "audit.view"             // the team: read the audit log
	ActOrgCreate     Action = "organisations.create"   // the team: add an organisation to the directory
	ActOrgView       Action = "organisations.view"     // anyone: the public directory (each sees what their level may)
	ActOrgEdit       Action = "organisations.edit"     // the team; a member for their own organisation only
	ActOrgValidate   Action = "organisations.validate" // the team: accept or reject members' edits of public fields
	ActTaxonomy      Action = "taxonomy.manage"        // the team: add, relabel and merge taxonomy terms
	ActMetrics       Action = "ops.metrics"            // the team: operational metrics
	ActNeedPost      Action = "needs.post"             // buyers, members and the team: post a need to the matchmaking desk
	ActNeedsManage   Action = "needs.manage"           // the team: the desk's queue, shortlists, settings, statistics
	ActEventsManage  Action = "events.manage"          // the team: events, registrations, check-in, badges, meetings, statistics
	ActSurveysManage Action = "surveys.manage"         // the team: questionnaires, invitations, results
	ActCallsApply    Action = "calls.apply"            // members and buyers: apply to calls for their organisation, follow their applications
	ActCallsEvaluate Action = "calls.evaluate"         // experts (and the team): their assignments, reviews and committee sessions
	ActCallsManage   Action = "calls.manage"           // the team: calls, pre-selection, experts, assignment, sessions, decisions, outcomes
	ActCallsStats    Action = "calls.stats"            // the team and funders: the calls' statistics
)

// Rule says who may perform an action.
type Rule struct {
	Roles       []Role // roles allowed whatever the target organisation
	OwnOrgRoles []Role // roles allowed only when the target organisation is their own
	Anonymous   bool   // anyone, signed in or not, may
}

// allRoles is every role, for actions any signed-in user may perform.
var allRoles = Roles

// team is the cluster's own staff.
var team = []Role{RoleAdmin, RoleStaff}

// Policy is the one permission table: action × role × ownership.
var Policy = map[Action]Rule{
	ActPublic:        {Anonymous: true},
	ActSignedIn:      {Roles: allRoles},
	ActUsersView:     {Roles: team},
	ActUsersManage:   {Roles: []Role{RoleAdmin}},
	ActAuditView:     {Roles: team},
	ActOrgView:       {Anonymous: true, Roles: allRoles},
	ActOrgCreate:     {Roles: team},
	ActOrgEdit:       {Roles: team, OwnOrgRoles: []Role{RoleMember}},
	ActOrgValidate:   {Roles: team},
	ActTaxonomy:      {Roles: team},
	ActMetrics:       {Roles: team},
	ActNeedPost:      {Roles: []Role{RoleAdmin, RoleStaff, RoleBuyer, RoleMember}},
	ActNeedsManage:   {Roles: team},
	ActEventsManage:  {Roles: team},
	ActSurveysManage: {Roles: team},
	ActCallsApply:    {Roles: []Role{RoleAdmin, RoleStaff, RoleMember, RoleBuyer}},
	ActCallsEvaluate: {Roles: []Role{RoleAdmin, RoleStaff, RoleExpert}},
	ActCallsManage:   {Roles: team},
	ActCallsStats:    {Roles: []Role{RoleAdmin, RoleStaff, RoleFunder}},
}

// Known reports whether the Policy has an entry for a.
func Known(a Action) bool {
	_, ok := Policy[a]
	return ok
}

// Can reports whether u (nil when anonymous) may perform a on the
// organisation orgID (0 when the action targets none). Unknown actions are
// denied; a disabled user may do only what anonymous visitors may.
func Can(u *User, a Action, orgID int64) bool {
	rule, ok := Policy[a]
	if !ok {
		return false
	}
	if rule.Anonymous {
		return true
	}
	if u == nil || u.Disabled || !u.Role.Valid() {
		return false
	}
	if hasRole(rule.Roles, u.Role) {
		return true
	}
	return orgID != 0 && u.OrganisationID == orgID && hasRole(rule.OwnOrgRoles, u.Role)
}

func hasRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
