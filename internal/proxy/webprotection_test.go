package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// fakePolicies serves policies by ID; a missing one is not found.
type fakePolicies struct {
	byID map[string]*waf.Policy
	err  error
}

func (f fakePolicies) FindPolicy(_ context.Context, _, id string) (*waf.Policy, error) {
	if f.err != nil {
		return nil, f.err
	}
	if p, ok := f.byID[id]; ok {
		return p, nil
	}
	return nil, rampart.Errorf(rampart.KindNotFound, "no policy %s", id)
}

func blockingPolicy(id string) *waf.Policy {
	return &waf.Policy{ID: id, Level: 2, Action: "block", Options: map[string]bool{"webattack": true, "common": true}}
}

// pathMasker masks every verdict on one host and path, and remembers what
// it was asked.
type pathMasker struct {
	host, path string
	mu         sync.Mutex
	asked      []inspect.Verdict
}

func (m *pathMasker) Masks(host string, req *inspect.Request, v inspect.Verdict) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, v)
	return "mask-1", host == m.host && req.Path == m.path
}

type fakeMaskers map[string]Masker

func (f fakeMaskers) Masker(_ context.Context, pol *waf.Policy) (Masker, error) {
	return f[pol.ID], nil
}

// A verdict the policy's Masker masks is neither blocked nor recorded;
// others are; without a MaskerSource nothing is masked.
func TestMaskedVerdictIsForwardedAndNotRecorded(t *testing.T) {
	_, srv := upstreamServer(t, "a")
	h := newHost("p1", "mask.example.com", 1, srv)
	st := &fakeStore{}
	st.set(h)
	m := &pathMasker{host: "mask.example.com", path: "/search"}
	for _, withMasker := range []bool{true, false} {
		tp := &testProxy{sink: &fakeSink{}, dec: &fakeDecider{}}
		deps := Deps{Hosts: st, Revisions: st, Decisions: fakeSource{tp.dec}, Events: tp.sink,
			Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: blockingPolicy(h.PolicyID)}}}
		if withMasker {
			deps.Maskers = fakeMaskers{h.PolicyID: m}
		}
		tp.p = New(Config{}, deps)
		if _, err := tp.p.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		serve := func(path string) int {
			req, _ := http.NewRequest("GET", "http://mask.example.com"+path+"?id=1'+OR+1=1--", nil)
			rec := httptest.NewRecorder()
			tp.p.ServeHTTP(rec, req)
			return rec.Code
		}
		masked, wantEvents := 418, 2
		if withMasker {
			masked, wantEvents = 200, 1
		}
		if got := serve("/search"); got != masked {
			t.Fatalf("masker %v: masked path answered %d, want %d", withMasker, got, masked)
		}
		if got := serve("/other"); got != 418 {
			t.Fatalf("masker %v: unmasked path answered %d", withMasker, got)
		}
		if evs := tp.sink.events(); len(evs) != wantEvents || evs[len(evs)-1].Attack != "sqli" {
			t.Fatalf("masker %v: events %+v", withMasker, evs)
		}
		tp.p.Close()
	}
	if len(m.asked) != 2 || m.asked[0].Attack != "sqli" || m.asked[0].Location != inspect.LocationParams {
		t.Fatalf("masker asked %+v", m.asked)
	}
}

// A host whose policy is gone is served without inspection; a policy
// store that cannot be read fails the refresh and keeps the table.
func TestWebProtectionPolicyReadFailures(t *testing.T) {
	_, srv := upstreamServer(t, "a")
	h := newHost("p1", "gone.example.com", 1, srv)
	st := &fakeStore{}
	st.set(h)
	pols := &fakePolicies{byID: map[string]*waf.Policy{}}
	dec := &fakeDecider{}
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{dec}, Policies: pols})
	defer p.Close()
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatalf("refresh with the policy gone: %v", err)
	}
	if rt := p.table.Load().lookup("gone.example.com"); rt == nil || rt.web != nil {
		t.Fatalf("route %+v", rt)
	}
	pols.err = errors.New("disk on fire")
	st.set(h)
	if _, err := p.Refresh(context.Background()); err == nil {
		t.Fatal("refresh succeeded although policies could not be read")
	}
	if p.table.Load().lookup("gone.example.com") == nil {
		t.Fatal("the table in force was dropped")
	}
}

// Policies with the same settings share one compiled inspector.
func TestPoliciesWithTheSameSettingsShareAnInspector(t *testing.T) {
	_, srv := upstreamServer(t, "a")
	hs := []*waf.Host{newHost("p1", "a.example.com", 1, srv), newHost("p1", "b.example.com", 1, srv), newHost("p1", "c.example.com", 1, srv)}
	pols := fakePolicies{byID: map[string]*waf.Policy{}}
	for i, h := range hs {
		pol := blockingPolicy(h.PolicyID)
		if i == 2 {
			pol.Level = 3
		}
		pols.byID[h.PolicyID] = pol
	}
	st := &fakeStore{}
	st.set(hs...)
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}}, Policies: pols})
	defer p.Close()
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	tb := p.table.Load()
	a, b, c := tb.lookup("a.example.com").web, tb.lookup("b.example.com").web, tb.lookup("c.example.com").web
	if a == nil || a.inspector != b.inspector || a.inspector == c.inspector || p.inspectors.Len() != 2 {
		t.Fatalf("inspectors: %p %p %p, %d compiled", a.inspector, b.inspector, c.inspector, p.inspectors.Len())
	}
}

// Over HTTP/2 (TLS, ALPN h2), where a body may come without a length, an
// attack in the body is blocked and a clean body larger than the
// inspection limit reaches the origin whole.
func TestWebProtectionOverHTTP2(t *testing.T) {
	got := make(chan int, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got <- int(n)
	}))
	t.Cleanup(up.Close)
	srv := serverOf(t, up.Listener.Addr().String(), 1)
	srv.FrontProtocol = "HTTPS"
	h := newHost("p1", "h2.test", 1, srv)
	st := &fakeStore{}
	st.set(h)
	certPEM, keyPEM := selfSigned(t, "h2.test")
	def, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	sink := &fakeSink{}
	p := New(Config{DefaultCertificate: &def}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}}, Events: sink,
		Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: blockingPolicy(h.PolicyID)}}})
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := serveProxy(t, p, true)
	post := func(body io.Reader) *http.Response {
		req, _ := http.NewRequest("POST", ts.URL+"/comment", body)
		req.Host = "h2.test"
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 {
			t.Fatalf("protocol %s", resp.Proto)
		}
		return resp
	}
	if resp := post(io.MultiReader(strings.NewReader(`{"q":"1' OR '1'='1"}`))); resp.StatusCode != 418 {
		t.Fatalf("attack over HTTP/2: %d", resp.StatusCode)
	}
	if evs := sink.events(); len(evs) != 1 || evs[0].AttackLocation != inspect.LocationBody {
		t.Fatalf("events %+v", evs)
	}
	clean := `{"comment":"` + strings.Repeat("lovely weather today ", 5000) + `"}`
	if resp := post(io.MultiReader(strings.NewReader(clean))); resp.StatusCode != 200 {
		t.Fatalf("clean body over HTTP/2: %d", resp.StatusCode)
	}
	if n := <-got; n != len(clean) {
		t.Fatalf("origin got %d bytes of %d", n, len(clean))
	}
}
