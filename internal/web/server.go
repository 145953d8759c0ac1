// Package web translates HTTP into calls on the domain services and renders
// the result: server-rendered pages for every role, the JSON API under
// /api/v1, and the operations endpoints. It holds no business rules.
package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/config"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/matchmaking"
	"filiere/internal/meetings"
	"filiere/internal/surveys"
)

// Deps are the services the web layer calls.
type Deps struct {
	DB        *db.DB
	Auth      *auth.Service
	Directory *directory.Store
	// Matchmaking is the business desk; New makes one over DB, Directory
	// and Auth when it is nil.
	Matchmaking *matchmaking.Service
	// Events runs events and registrations; New makes one when nil.
	Events *events.Service
	// Surveys runs questionnaires; New makes one when nil.
	Surveys *surveys.Service
	// Meetings runs events' one-to-one business meetings; New makes one
	// over Events when nil.
	Meetings *meetings.Programme
	// Calls runs calls for projects, their evaluation and labels; New
	// makes one when nil.
	Calls   *calls.Service
	Config  config.Config
	Logger  *slog.Logger
	Version string
}

// Server serves filiere over HTTP.
type Server struct {
	Deps
	mux     *http.ServeMux
	routes  []Route
	views   *views
	assets  *assets
	metrics *metrics
	handler http.Handler
}

// Route is one registered pattern and the policy action guarding it.
type Route struct {
	Pattern  string      // e.g. "GET /organisations/{id}"
	Action   auth.Action // checked with auth.Can before the handler runs
	OrgParam string      // path parameter naming the target organisation, for ownership rules
	API      bool        // JSON errors and bearer tokens instead of pages and redirects
}

// New builds the server and registers every route.
func New(deps Deps) (*Server, error) {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.DB == nil || deps.Auth == nil || deps.Directory == nil {
		return nil, fmt.Errorf("web: DB, Auth and Directory are required")
	}
	if deps.Matchmaking == nil {
		deps.Matchmaking = matchmaking.New(deps.DB, deps.Directory, deps.Auth, deps.Config.BaseURL)
	}
	if deps.Events == nil {
		deps.Events = events.New(deps.DB, deps.Directory, deps.Auth, deps.Config.BaseURL)
	}
	if deps.Surveys == nil {
		deps.Surveys = surveys.New(deps.DB, deps.Directory, deps.Config.BaseURL)
	}
	if deps.Meetings == nil {
		deps.Meetings = meetings.NewProgramme(deps.DB, deps.Events, deps.Config.BaseURL)
	}
	if deps.Calls == nil {
		deps.Calls = calls.New(deps.DB, deps.Directory, deps.Config.BaseURL)
	}
	s := &Server{Deps: deps, mux: http.NewServeMux()}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.views, err = loadViews(s.assets); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(deps.DB)
	s.registerRoutes()
	s.handler = s.middleware(s.mux)
	return s, nil
}

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes lists every registered route, for the policy test and the docs.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// handle registers a page route guarded by action.
func (s *Server) handle(pattern string, action auth.Action, h http.HandlerFunc) {
	s.register(Route{Pattern: pattern, Action: action}, h)
}

// handleOrg registers a page route whose {param} names the target organisation.
func (s *Server) handleOrg(pattern, param string, action auth.Action, h http.HandlerFunc) {
	s.register(Route{Pattern: pattern, Action: action, OrgParam: param}, h)
}

// handleAPI registers a JSON API route.
func (s *Server) handleAPI(pattern string, action auth.Action, h http.HandlerFunc) {
	s.register(Route{Pattern: pattern, Action: action, API: true}, h)
}

func (s *Server) register(rt Route, h http.HandlerFunc) {
	if !auth.Known(rt.Action) {
		panic("web: route " + rt.Pattern + " uses action " + string(rt.Action) + " which has no policy entry")
	}
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.Pattern, s.guard(rt, h))
}
