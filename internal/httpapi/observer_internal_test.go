package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// observed is one ObserveAPIRequest call.
type observed struct {
	family, method, route string
	status                int
	errorCode             string
}

// recordingObserver keeps what it is told.
type recordingObserver struct {
	mu       sync.Mutex
	requests []observed
}

func (o *recordingObserver) ObserveAPIRequest(family, method, route string, status int, errorCode string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests = append(o.requests, observed{family, method, route, status, errorCode})
}
func (o *recordingObserver) ObserveBouncerPull(string, string, int, int, time.Duration) {}
func (o *recordingObserver) ObserveBouncerDenied()                                      {}

// A request is labelled by the pattern of the route that served it, never
// by its path with ids; what no route serves is "unmatched" whatever its
// path or method, so clients cannot create series.
func TestRequestLabels(t *testing.T) {
	t.Parallel()
	obs := &recordingObserver{}
	h := NewServer(DefaultConfig(), Deps{Logger: testLogger(t), Observer: obs})
	const pid = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		method, path string
		want         observed
	}{
		{"GET", "/v1/" + pid + "/waf/policy/5f0e3c", observed{"waf", "GET", "/v1/{project_id}/waf/policy/{policy_id}", 401, "APIGW.0301"}},
		{"PUT", "/v2/" + pid + "/access-policy/ap-1/objects", observed{"workspace", "PUT", "/v2/{project_id}/access-policy/{access_policy_id}/objects", 401, "APIGW.0301"}},
		{"POST", "/v1/" + pid + "/workspaces/w-9/soc/policys/search", observed{"secmaster", "POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/policys/search", 401, "APIGW.0301"}},
		{"GET", "/v1/" + pid + "/rampart/decisions", observed{"gateway", "GET", "/v1/{project_id}/rampart/decisions", 401, "APIGW.0301"}},
		{"GET", "/v3/projects", observed{"iam", "GET", "/v3/projects", 401, "APIGW.0301"}},
		{"GET", "/v1/decisions/stream", observed{"crowdsec", "GET", "/v1/decisions/stream", 404, ""}},
		{"GET", "/v1/" + pid + "/no/such/api", observed{"gateway", "GET", RouteUnmatched, 404, "APIGW.0101"}},
		{"BREW", "/v1/" + pid + "/waf/teapot", observed{"waf", "other", RouteUnmatched, 404, "APIGW.0101"}},
		{"GET", "/v1/" + pid + "//waf/policy", observed{"waf", "GET", RouteUnmatched, 404, "APIGW.0101"}},
	} {
		obs.requests = nil
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if len(obs.requests) != 1 {
			t.Fatalf("%s %s: observed %d times, want once", tc.method, tc.path, len(obs.requests))
		}
		if got := obs.requests[0]; got != tc.want {
			t.Errorf("%s %s (status %d): observed %+v, want %+v", tc.method, tc.path, rec.Code, got, tc.want)
		}
	}
}

// However many different ids and unknown paths are asked for, the labels
// stay a handful.
func TestRequestLabelsBounded(t *testing.T) {
	t.Parallel()
	obs := &recordingObserver{}
	h := NewServer(DefaultConfig(), Deps{Logger: testLogger(t), Observer: obs})
	for i := range 500 {
		for _, p := range []string{"/v1/%032x/waf/instance/%d", "/v1/%032x/unknown/%d", "/x%032x/%d"} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, fmt.Sprintf(p, i, i), nil))
		}
	}
	labels := map[[3]string]bool{}
	for _, o := range obs.requests {
		labels[[3]string{o.family, o.method, o.route}] = true
	}
	if len(obs.requests) != 1500 || len(labels) != 2 {
		t.Fatalf("%d requests labelled %d ways, want 1500 in 2: %v", len(obs.requests), len(labels), labels)
	}
}

func TestRouteLabelsOfPatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, fam, method, path string
		want                       [3]string
	}{
		{"GET /healthz", "", "GET", "/healthz", [3]string{"probe", "GET", "/healthz"}},
		{"GET /readyz", "", "HEAD", "/readyz", [3]string{"probe", "GET", "/readyz"}},
		{"GET /v1/decisions", "", "GET", "/v1/decisions", [3]string{"crowdsec", "GET", "/v1/decisions"}},
		{"POST /v3/auth/tokens", "", "POST", "/v3/auth/tokens", [3]string{"iam", "POST", "/v3/auth/tokens"}},
		{"GET /v1/{project_id}/waf/event/{eventid}", "waf", "GET", "/v1/p/waf/event/e1", [3]string{"waf", "GET", "/v1/{project_id}/waf/event/{eventid}"}},
		{"/", "", "DELETE", "/v3/nothing", [3]string{"iam", "DELETE", RouteUnmatched}},
		{"", "", "M-SEARCH", "/v1/p/waf/x", [3]string{"waf", "other", RouteUnmatched}},
	} {
		f, m, r := routeLabels(tc.pattern, tc.fam, tc.method, tc.path)
		if got := [3]string{f, m, r}; got != tc.want {
			t.Errorf("routeLabels(%q, %q, %q, %q) = %v, want %v", tc.pattern, tc.fam, tc.method, tc.path, got, tc.want)
		}
	}
}
