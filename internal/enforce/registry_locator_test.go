package enforce_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/waf"
)

// countryLocator places every address in one country.
type countryLocator string

func (c countryLocator) Lookup(netip.Addr) (country, province origin.Code, tags origin.TagSet) {
	code, _ := origin.Parse(string(c))
	return code, 0, 0
}

// New address data reaches engines already built and engines built later.
func TestRegistrySetLocator(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.reg.SetLocator(countryLocator("DE"))
	name := "geo.example.com"
	proxy := false
	h, err := e.waf.CreateHost(ctx, projA, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	geo, block := "DE", 0
	if _, err := e.waf.CreateGeoIPRules(ctx, projA, "0", []string{h.PolicyID}, &waf.GeoIPRuleChange{Name: &geo, Geoip: &geo, White: &block}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "geoip block under the first data", func() bool {
		d := e.engine(t, projA).DecideWAF(name, ip1, time.Now())
		return d.Action == engine.ActionBlock && d.RuleType == engine.RuleGeolocation && d.Match.Code.String() == "DE"
	})
	e.reg.SetLocator(countryLocator("FR"))
	// Enforcement points that record locations (the data plane's events)
	// ask the registry, and see the new data too.
	if c, _, _ := e.reg.Lookup(ip1); c.String() != "FR" {
		t.Fatalf("registry Lookup after SetLocator: %v", c)
	}
	if d := e.engine(t, projA).DecideWAF(name, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("built engine still uses the old data: %+v", d)
	}
	// A project first built after the change uses the new data too.
	hb, err := e.waf.CreateHost(ctx, projB, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	fr := "FR"
	if _, err := e.waf.CreateGeoIPRules(ctx, projB, "0", []string{hb.PolicyID}, &waf.GeoIPRuleChange{Name: &fr, Geoip: &fr, White: &block}); err != nil {
		t.Fatal(err)
	}
	if d := e.engine(t, projB).DecideWAF(name, ip1, time.Now()); d.Action != engine.ActionBlock || d.Match.Code.String() != "FR" {
		t.Fatalf("project built after the change: %+v", d)
	}
}
