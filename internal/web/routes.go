package web

import "filiere/internal/auth"

// registerRoutes is the one list of every route and the action guarding it.
func (s *Server) registerRoutes() {
	// Public pages and operations.
	s.handle("GET /{$}", auth.ActPublic, s.home)
	s.handle("GET /static/{hash}/{name}", auth.ActPublic, s.serveStatic)
	s.handle("GET /healthz", auth.ActPublic, s.healthz)
	s.handle("GET /metrics", auth.ActPublic, s.serveMetrics) // staff session or scraper token, checked inside
	s.handle("POST /lang", auth.ActPublic, s.switchLang)
	s.handle("GET /login", auth.ActPublic, s.loginForm)
	s.handle("POST /login", auth.ActPublic, s.login)
	s.handle("GET /forgot", auth.ActPublic, s.forgotForm)
	s.handle("POST /forgot", auth.ActPublic, s.forgot)
	s.handle("GET /reset/{token}", auth.ActPublic, s.resetForm)
	s.handle("POST /reset/{token}", auth.ActPublic, s.reset)
	s.handle("/", auth.ActPublic, s.catchAll)

	// Every signed-in user.
	s.handle("POST /logout", auth.ActSignedIn, s.logout)
	s.handle("GET /dashboard", auth.ActSignedIn, s.dashboard)
	s.handle("GET /account", auth.ActSignedIn, s.account)
	s.handle("POST /account", auth.ActSignedIn, s.updateAccount)
	s.handle("POST /account/password", auth.ActSignedIn, s.changePassword)
	s.handle("POST /account/tokens", auth.ActSignedIn, s.createToken)
	s.handle("POST /account/tokens/{id}/revoke", auth.ActSignedIn, s.revokeToken)
	s.handle("POST /account/logout-everywhere", auth.ActSignedIn, s.logoutEverywhere)

	// Organisations (the directory issue grows these).
	s.handle("GET /organisations", auth.ActOrgView, s.organisations)
	s.handle("GET /organisations/new", auth.ActOrgCreate, s.newOrganisationForm)
	s.handle("POST /organisations/new", auth.ActOrgCreate, s.createOrganisation)
	s.handle("GET /organisations/import", auth.ActOrgCreate, s.importForm)
	s.handle("POST /organisations/import", auth.ActOrgCreate, s.importOrganisations)
	s.handle("GET /organisations/import/template", auth.ActOrgCreate, s.importTemplateFile)
	s.handle("GET /organisations/{id}", auth.ActOrgView, s.organisation)
	s.handleOrg("GET /organisations/{id}/edit", "id", auth.ActOrgEdit, s.editOrganisationForm)
	s.handleOrg("POST /organisations/{id}/edit", "id", auth.ActOrgEdit, s.editOrganisation)
	s.handle("GET /coverage", auth.ActOrgView, s.coverage)
	s.handle("POST /organisations/searches", auth.ActSignedIn, s.saveSearch)
	s.handle("POST /organisations/searches/{id}/delete", auth.ActSignedIn, s.deleteSavedSearch)
	s.handle("GET /organisations/booklet.pdf", auth.ActOrgView, s.organisationsBooklet)
	s.handle("GET /organisations/export.csv", auth.ActOrgView, s.organisationsExport)
	s.handle("GET /organisations/export.xlsx", auth.ActOrgView, s.organisationsExport)
	s.handle("GET /organisations/{id}/logo", auth.ActOrgView, s.organisationLogo)
	s.handleOrg("POST /organisations/{id}/logo", "id", auth.ActOrgEdit, s.uploadLogo)

	// Back office.
	s.handle("GET /admin/taxonomy", auth.ActTaxonomy, s.taxonomy)
	s.handle("POST /admin/taxonomy/{vocabulary}", auth.ActTaxonomy, s.saveTerm)
	s.handle("POST /admin/taxonomy/{vocabulary}/merge", auth.ActTaxonomy, s.mergeTerm)
	s.handle("GET /admin/changes", auth.ActOrgValidate, s.changes)
	s.handle("POST /admin/changes/{id}/accept", auth.ActOrgValidate, s.acceptChange)
	s.handle("POST /admin/changes/{id}/reject", auth.ActOrgValidate, s.rejectChange)
	s.handle("GET /admin/users", auth.ActUsersView, s.users)
	s.handle("GET /admin/users/new", auth.ActUsersManage, s.newUserForm)
	s.handle("POST /admin/users/new", auth.ActUsersManage, s.createUser)
	s.handle("GET /admin/users/{id}", auth.ActUsersView, s.user)
	s.handle("POST /admin/users/{id}", auth.ActUsersManage, s.updateUser)
	s.handle("POST /admin/users/{id}/disable", auth.ActUsersManage, s.disableUser)
	s.handle("POST /admin/users/{id}/enable", auth.ActUsersManage, s.enableUser)
	s.handle("POST /admin/users/{id}/reset", auth.ActUsersManage, s.sendReset)
	s.handle("POST /admin/users/{id}/logout-everywhere", auth.ActUsersManage, s.logoutUserEverywhere)
	s.handle("GET /admin/audit", auth.ActAuditView, s.auditLog)
	s.handle("GET /admin/operations", auth.ActMetrics, s.operations)

	// JSON API (docs/api.md).
	s.handleAPI("GET /api/v1/me", auth.ActSignedIn, s.apiMe)
	s.handleAPI("GET /api/v1/organisations", auth.ActOrgView, s.apiOrganisations)
	s.handleAPI("GET /api/v1/organisations/{id}", auth.ActOrgView, s.apiOrganisation)
	s.needAPIRoutes()
	s.handleAPI("/api/", auth.ActPublic, s.apiNotFound)
	s.needRoutes()
	s.eventRoutes()
	s.surveyRoutes()
	s.meetingRoutes()
	s.callRoutes()
}
