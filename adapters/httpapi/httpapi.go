// Package httpapi is Kente's inbound HTTP adapter: the Gin router, its
// middleware (request IDs, recovery, access log, CORS, body limits, metrics),
// bearer authentication and role guards, the one table mapping fault kinds to
// HTTP statuses, and the OpenAPI document that describes every route.
//
// Each bounded context keeps its own route file (routes_<context>.go) and
// OpenAPI fragment (openapi/<context>.yaml), so contexts grow in parallel.
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/app/geosvc"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// DefaultBodyLimit is the request body cap used when Options.BodyLimit is zero.
const DefaultBodyLimit int64 = 1 << 20

// Options configure the adapter. The zero value is usable.
type Options struct {
	// CORSOrigins are the origins allowed on /api/v1; ["*"] when empty.
	// /api always answers with the AskOzzy contract's CORS headers
	// (Access-Control-Allow-Origin: *).
	CORSOrigins []string
	// BodyLimit caps request bodies in bytes; DefaultBodyLimit when zero.
	// Larger bodies are refused with 413.
	BodyLimit int64
	// TrustedProxies lists the peers whose X-Forwarded-For is believed. The
	// client IP is the socket peer unless the peer is in this list; then it
	// is the rightmost untrusted address of X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// Version is reported as info.version in /openapi.json.
	Version string
}

// Validate reports unusable options.
func (o Options) Validate() error {
	if o.BodyLimit < 0 {
		return errors.New("httpapi: body limit must not be negative")
	}
	for _, p := range o.TrustedProxies {
		if !p.IsValid() {
			return errors.New("httpapi: invalid trusted proxy prefix")
		}
	}
	for _, origin := range o.CORSOrigins {
		if origin == "" {
			return errors.New("httpapi: empty CORS origin")
		}
	}
	return nil
}

func (o Options) withDefaults() Options {
	if len(o.CORSOrigins) == 0 {
		o.CORSOrigins = []string{"*"}
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	return o
}

// Deps are the services and infrastructure the adapter drives.
type Deps struct {
	// Identity runs registration, login and sessions. Required.
	Identity *identitysvc.Service
	// Passkeys runs WebAuthn registration and login. Optional: without it
	// the passkey routes answer 503.
	Passkeys *passkeysvc.Service
	// Audit lists and verifies the audit log. Optional: without it the
	// audit routes answer 503.
	Audit *auditsvc.Service
	// Programmes runs the Oomus accounts (/api/v1 auth and admin
	// programmes). Optional: without it those routes answer 503.
	Programmes *programmesvc.Service
	// Tiers runs pricing, usage, trials and the rate limits of every
	// authenticated route. Optional: without it the tier routes answer 503
	// and requests are not rate-limited.
	Tiers *tiersvc.Service
	// Billing runs Paystack checkouts and webhooks. Optional: without it the
	// payment routes answer 503.
	Billing *billingsvc.Service
	// MPI runs the Oomus master patient index and the Health Trust Score.
	// Optional: without it the /api/v1/mpi routes answer 503.
	MPI *mpisvc.Service
	// Wallet runs the Sovereign Wallet (/api/v1/wallet). Optional: without
	// it the wallet routes answer 503.
	Wallet *walletsvc.Service
	// BillingV1 runs the Oomus plans, balance, ledger, recharges, modules
	// and invoices. Optional: without it the /api/v1 billing routes answer
	// 503.
	BillingV1 *billingv1svc.Service
	// Campaigns runs the Oomus campaigns, card-generation jobs, card
	// verification and distribution events. Optional: without it those
	// routes answer 503.
	Campaigns *campaignsvc.Service
	// Insights runs the AI Campaign Optimizer (/api/v1/ai) and the
	// analytics (/api/v1/analytics). Optional: without it those routes
	// answer 503.
	Insights *insightsvc.Service
	// Geo runs the Geospatial Command Center (/api/v1/geo). Optional:
	// without it the geo routes answer 503.
	Geo *geosvc.Service
	// Chat runs conversations, streaming chat, memories, agents and
	// folders. Optional: without it those routes answer 503.
	Chat *chatsvc.Service
	// Ready are pinged by /readyz.
	Ready []ports.Pinger
	// Logger receives the access log and 5xx causes; discarded when nil.
	Logger *slog.Logger
	// Metrics receives the HTTP metrics and is served at /metrics; a new
	// registry when nil.
	Metrics *prometheus.Registry
}

// Route is one entry of the route table: method, Gin path template and the
// auth level its guard enforces.
type Route struct {
	Method string
	Path   string
	Level  identity.Level
}

// Routes returns the route table, in registration order. It is built by the
// same registration functions as the router, so the two cannot drift.
func Routes() []Route {
	r := &router{}
	registerAll(r, &server{})
	return r.routes
}

// New builds the Gin engine with every route and middleware. It returns an
// error for invalid options or missing dependencies.
func New(d Deps, o Options) (http.Handler, error) {
	e, err := newEngine(d, o)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// server holds what handlers need.
type server struct {
	id      *identitysvc.Service
	audit   *auditsvc.Service
	ready   []ports.Pinger
	log     *slog.Logger
	metrics *prometheus.Registry
	opts    Options
	openapi []byte
	// bodyLimits holds the routes ("METHOD /path") whose body cap differs
	// from opts.BodyLimit; written only while routes are registered.
	bodyLimits map[string]int64

	passkeys *passkeysvc.Service // nil: the passkey routes answer 503

	programmes *programmesvc.Service // nil: the /api/v1 account routes answer 503

	tiers   *tiersvc.Service    // nil: tier routes answer 503; no rate limits
	billing *billingsvc.Service // nil: payment routes answer 503

	mpi *mpisvc.Service // nil: the /api/v1/mpi routes answer 503

	wallet *walletsvc.Service // nil: the wallet routes answer 503

	billingV1 *billingv1svc.Service // nil: the /api/v1 billing routes answer 503
	chat      *chatsvc.Service      // nil: the chat routes answer 503

	campaigns *campaignsvc.Service // nil: the campaign routes answer 503

	insights *insightsvc.Service // nil: the /api/v1/ai and /api/v1/analytics routes answer 503

	geo *geosvc.Service // nil: the /api/v1/geo routes answer 503
}

func newEngine(d Deps, o Options) (*gin.Engine, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if d.Identity == nil {
		return nil, errors.New("httpapi: Deps.Identity is required")
	}
	o = o.withDefaults()
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	doc, err := buildOpenAPI(o.Version)
	if err != nil {
		return nil, err
	}
	m, err := newHTTPMetrics(d.Metrics)
	if err != nil {
		return nil, err
	}
	s := &server{id: d.Identity, audit: d.Audit, ready: d.Ready, log: d.Logger, metrics: d.Metrics, opts: o, openapi: doc, bodyLimits: map[string]int64{}}
	s.passkeys = d.Passkeys
	s.programmes = d.Programmes
	s.tiers, s.billing = d.Tiers, d.Billing
	s.mpi = d.MPI
	s.wallet = d.Wallet
	s.billingV1 = d.BillingV1
	s.chat = d.Chat
	s.campaigns = d.Campaigns
	s.insights = d.Insights
	s.geo = d.Geo

	if gin.Mode() != gin.ReleaseMode {
		gin.SetMode(gin.ReleaseMode) // atomic; silences gin's debug route printing
	}
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	e.ForwardedByClientIP = true
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	e.TrustedPlatform = ""
	proxies := make([]string, len(o.TrustedProxies))
	for i, p := range o.TrustedProxies {
		proxies[i] = p.String()
	}
	if err := e.SetTrustedProxies(proxies); err != nil {
		return nil, err
	}

	e.Use(
		requestID(),
		observe(s.log, m),
		recovery(),
		cors(o.CORSOrigins),
		bodyLimit(o.BodyLimit, s.bodyLimits),
	)
	e.NoRoute(func(c *gin.Context) {
		renderStatus(c, http.StatusNotFound, "not_found", "Not found")
	})
	e.NoMethod(func(c *gin.Context) {
		renderStatus(c, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed")
	})

	r := &router{g: e, s: s}
	registerAll(r, s)
	return e, nil
}

// registerAll calls every context's registration function. Add one line per
// bounded context.
func registerAll(r *router, s *server) {
	registerSystem(r, s)
	registerIdentity(r, s)
	registerPasskeys(r, s)
	registerAudit(r, s)
	registerProgramme(r, s)
	registerTiers(r, s)
	registerBilling(r, s)
	registerMPI(r, s)
	registerWallet(r, s)
	registerBillingV1(r, s)
	registerChat(r, s)
	registerKnowledgeBase(r, s)
	registerCampaigns(r, s)
	registerInsights(r, s)
	registerGeo(r, s)
}

// router registers routes on the engine (when there is one) and records them
// in the route table with their auth level.
type router struct {
	g      *gin.Engine // nil when only the table is wanted
	s      *server
	routes []Route
}

// handle registers h at method and path behind the guard for level. Routes
// taking a body (POST, PUT, PATCH) require a JSON Content-Type when the body
// is not empty.
//
// Every authenticated route is rate-limited per user (ratelimit.go); pass
// sendsMessage for a route that sends a message to a model.
func (r *router) handle(method, path string, level identity.Level, h gin.HandlerFunc, opts ...limitOpt) {
	r.routes = append(r.routes, Route{Method: method, Path: path, Level: level})
	if r.g == nil {
		return
	}
	chain := make([]gin.HandlerFunc, 0, 4)
	if level != identity.Public {
		var cfg limitConfig
		for _, o := range opts {
			o(&cfg)
		}
		chain = append(chain, authenticate(r.s.id), require(level), r.s.rateLimit(cfg))
	}
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		chain = append(chain, requireJSON())
	}
	chain = append(chain, h)
	r.g.Handle(method, path, chain...)
}
