package httpapi

import (
	"net/http"
	"strings"
	"time"
)

// Observer is told of every request the API answers and of every pull of
// a CrowdSec bouncer, for metrics. Labels it receives are bounded: a route
// is the pattern of routes.go that served the request (never the raw path,
// which holds ids), or RouteUnmatched.
type Observer interface {
	// ObserveAPIRequest records one answered request: the family whose
	// envelope it was answered in (FamilyLabels), the method and pattern of
	// its route, the status written, the error code of the envelope ("" for
	// success or an envelope without a code) and how long it took.
	ObserveAPIRequest(family, method, route string, status int, errorCode string, took time.Duration)
	// ObserveBouncerPull records one answered pull of a bouncer: kind is
	// "startup", "delta" or "query"; added and deleted are the decisions
	// sent.
	ObserveBouncerPull(bouncer, kind string, added, deleted int, took time.Duration)
	// ObserveBouncerDenied records a pull refused with 403 (a missing,
	// wrong or deleted key).
	ObserveBouncerDenied()
}

// RouteUnmatched is the route label of a request no route of routes.go
// served (an unknown API, an unclean path, a body refused before routing).
const RouteUnmatched = "unmatched"

// Family labels beside the product families of the error envelopes.
const (
	familyLabelCrowdSec = "crowdsec"
	familyLabelProbe    = "probe"
)

// FamilyLabels are every family label ObserveAPIRequest receives.
var FamilyLabels = []string{"gateway", "iam", "waf", "secmaster", "workspace", familyLabelCrowdSec, familyLabelProbe}

// label is the family's metric label.
func (f family) label() string {
	switch f {
	case familyIAM:
		return "iam"
	case familyWAF:
		return "waf"
	case familySecMaster:
		return "secmaster"
	case familyWorkspace:
		return "workspace"
	}
	return "gateway"
}

// knownMethods are the method labels of unmatched requests; any other
// method is labelled "other", so that a client cannot create series.
var knownMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

// routeLabels returns the family, method and route labels of a request
// answered by the route pattern ("" or "/" when no route of routes.go
// served it). family is the family authn chose, "" when authn did not run.
func routeLabels(pattern, fam, method, path string) (string, string, string) {
	m, route, ok := strings.Cut(pattern, " ")
	if !ok || route == "/" || route == "" {
		m = "other"
		for _, k := range knownMethods {
			if method == k {
				m = k
				break
			}
		}
		return familyOf(path).label(), m, RouteUnmatched
	}
	switch {
	case fam != "":
	case strings.HasPrefix(route, "/v1/decisions"):
		fam = familyLabelCrowdSec
	case route == "/healthz" || route == "/readyz":
		fam = familyLabelProbe
	default:
		fam = familyOf(route).label()
	}
	return fam, m, route
}

// noteErrorCode remembers the code of the error envelope written for r,
// for the metrics.
func noteErrorCode(r *http.Request, code string) {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		ri.errorCode = code
	}
}

// observer is the server's Observer, or one that observes nothing.
func (s *server) observer() Observer {
	if s.obs == nil {
		return nopObserver{}
	}
	return s.obs
}

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) ObserveAPIRequest(string, string, string, int, string, time.Duration) {}
func (nopObserver) ObserveBouncerPull(string, string, int, int, time.Duration)           {}
func (nopObserver) ObserveBouncerDenied()                                                {}
