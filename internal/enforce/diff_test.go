package enforce

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
)

// locator places addresses by their second octet (or second IPv6 group):
// a country code and one IDC tag each, so geolocation and reputation rules
// take part in the comparison.
type locator struct{ codes []origin.Code }

func (l locator) Lookup(a netip.Addr) (origin.Code, origin.Code, origin.TagSet) {
	b := a.As16()
	i := int(b[13])
	if a.Is6() && !a.Is4In6() {
		i = int(b[3])
	}
	tag := origin.Tag(1 + i%int(origin.NumTags))
	return l.codes[i%len(l.codes)], 0, origin.TagSetOf(tag)
}

// gen draws random project models from small pools, so that successive
// models share and change the same entries, prefixes nest and overlap, and
// hosts move between policies.
type gen struct {
	r     *rand.Rand
	now   time.Time
	pfx   []netip.Prefix
	codes []origin.Code
}

func newGen(seed uint64, now time.Time) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b9)), now: now}
	for _, s := range []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "10.1.2.4/32", "10.2.0.0/16",
		"192.0.2.0/24", "192.0.2.7/32", "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::7/128", "0.0.0.0/0"} {
		g.pfx = append(g.pfx, netip.MustParsePrefix(s))
	}
	for _, c := range []string{"CN", "US", "DE", "JP"} {
		code, ok := origin.Parse(c)
		if !ok {
			panic(c)
		}
		g.codes = append(g.codes, code)
	}
	return g
}

var (
	hostPool = []string{"a.example.com", "b.example.com", "*.example.com", "c.example.org"}
	userPool = []string{"alice", "bob", "mallory"}
	domPool  = []string{"evil.example", "bad.example"}
)

func (g *gen) expiry() time.Time {
	switch g.r.IntN(4) {
	case 0:
		return g.now.Add(-time.Duration(1+g.r.IntN(3600)) * time.Second) // expired
	case 1:
		return g.now.Add(time.Duration(1+g.r.IntN(3600)) * time.Second)
	}
	return time.Time{}
}

func (g *gen) emergency() engine.EmergencyEntry {
	en := engine.EmergencyEntry{Layer: engine.Layer(g.r.IntN(int(decision.NumLayers))), Category: engine.Category(g.r.IntN(2)),
		PolicyID: fmt.Sprintf("sm-%d", g.r.IntN(6)), Expires: g.expiry()}
	switch g.r.IntN(4) {
	case 0:
		en.User = userPool[g.r.IntN(len(userPool))]
	case 1:
		en.Domain = domPool[g.r.IntN(len(domPool))]
	default:
		en.Prefix = g.pfx[g.r.IntN(len(g.pfx))]
	}
	return en
}

func (g *gen) wbRule(id string) engine.WhiteBlackRule {
	r := engine.WhiteBlackRule{ID: id, White: engine.White(g.r.IntN(3)), Enabled: g.r.IntN(5) > 0}
	for range 1 + g.r.IntN(2) {
		r.Prefixes = append(r.Prefixes, g.pfx[g.r.IntN(len(g.pfx))])
	}
	if g.r.IntN(3) == 0 {
		r.Terminal = g.expiry()
	}
	return r
}

func (g *gen) mutate(p *engine.Project) *engine.Project {
	n := &engine.Project{Emergency: slices.Clone(p.Emergency), Workspace: p.Workspace}
	for _, pol := range p.WAF {
		pol.Hosts = slices.Clone(pol.Hosts)
		pol.WhiteBlack = slices.Clone(pol.WhiteBlack)
		pol.Geo = slices.Clone(pol.Geo)
		pol.Reputation = slices.Clone(pol.Reputation)
		n.WAF = append(n.WAF, pol)
	}
	for range 1 + g.r.IntN(4) {
		switch g.r.IntN(12) {
		case 0, 1, 2:
			n.Emergency = append(n.Emergency, g.emergency())
		case 3, 4:
			if len(n.Emergency) > 0 {
				i := g.r.IntN(len(n.Emergency))
				n.Emergency = slices.Delete(n.Emergency, i, i+1)
			}
		case 5:
			if len(n.Emergency) > 0 {
				n.Emergency[g.r.IntN(len(n.Emergency))].Expires = g.expiry()
			}
		case 6:
			id := fmt.Sprintf("pol-%d", g.r.IntN(3))
			if !slices.ContainsFunc(n.WAF, func(p engine.WAFPolicy) bool { return p.ID == id }) {
				n.WAF = append(n.WAF, engine.WAFPolicy{ID: id})
			}
		case 7:
			if len(n.WAF) > 0 && g.r.IntN(3) == 0 {
				i := g.r.IntN(len(n.WAF))
				n.WAF = slices.Delete(n.WAF, i, i+1)
			}
		case 8:
			if len(n.WAF) > 0 {
				n.WAF[g.r.IntN(len(n.WAF))].Options = engine.Options{WhiteBlackIP: g.r.IntN(4) > 0, Geoip: g.r.IntN(2) == 0, IPReputation: g.r.IntN(2) == 0}
			}
		case 9:
			if len(n.WAF) > 0 { // move or bind a host
				h := hostPool[g.r.IntN(len(hostPool))]
				for i := range n.WAF {
					n.WAF[i].Hosts = slices.DeleteFunc(n.WAF[i].Hosts, func(x string) bool { return x == h })
				}
				if g.r.IntN(4) > 0 {
					i := g.r.IntN(len(n.WAF))
					n.WAF[i].Hosts = append(n.WAF[i].Hosts, h)
				}
			}
		case 10:
			if len(n.WAF) > 0 { // put or remove a whiteblackip rule
				pol := &n.WAF[g.r.IntN(len(n.WAF))]
				id := fmt.Sprintf("wb-%d", g.r.IntN(8))
				pol.WhiteBlack = slices.DeleteFunc(pol.WhiteBlack, func(r engine.WhiteBlackRule) bool { return r.ID == id })
				if g.r.IntN(4) > 0 {
					pol.WhiteBlack = append(pol.WhiteBlack, g.wbRule(id))
				}
			}
		case 11:
			if len(n.WAF) > 0 { // put or remove a geolocation or reputation rule
				pol := &n.WAF[g.r.IntN(len(n.WAF))]
				id := fmt.Sprintf("r-%d", g.r.IntN(4))
				pol.Geo = slices.DeleteFunc(pol.Geo, func(r engine.GeoRule) bool { return r.ID == id })
				pol.Reputation = slices.DeleteFunc(pol.Reputation, func(r engine.ReputationRule) bool { return r.ID == id })
				switch g.r.IntN(3) {
				case 0:
					pol.Geo = append(pol.Geo, engine.GeoRule{ID: id, White: engine.White(g.r.IntN(3)), Enabled: g.r.IntN(4) > 0,
						Codes: []origin.Code{g.codes[g.r.IntN(len(g.codes))]}})
				case 1:
					pol.Reputation = append(pol.Reputation, engine.ReputationRule{ID: id, Category: engine.ReputationCategory(g.r.IntN(3)),
						Enabled: g.r.IntN(4) > 0, Tags: origin.TagSetOf(origin.Tag(1 + g.r.IntN(int(origin.NumTags))))})
				}
			}
		}
	}
	return n
}

// probes are the addresses every comparison decides: inside, at the edge
// of and outside the pool's prefixes.
var probes = func() []netip.Addr {
	var out []netip.Addr
	for _, s := range []string{"10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.9.9", "10.2.3.4", "10.9.9.9", "192.0.2.7", "192.0.2.8",
		"198.51.100.1", "2001:db8:1::7", "2001:db8:1::8", "2001:db8:2::1", "2001:db9::1", "::ffff:10.1.2.3"} {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}()

// sameDecisions fails unless a and b decide every probe alike.
func sameDecisions(t *testing.T, step int, a, b *engine.Engine, now time.Time) {
	t.Helper()
	for _, ip := range probes {
		for l := range decision.NumLayers {
			if x, y := a.DecideIP(l, ip, now), b.DecideIP(l, ip, now); x != y {
				t.Fatalf("step %d: DecideIP(%s, %s): incremental %+v, full build %+v", step, l, ip, x, y)
			}
		}
		for _, h := range append(slices.Clone(hostPool), "x.example.com", "none.test") {
			if x, y := a.DecideWAF(h, ip, now), b.DecideWAF(h, ip, now); x != y {
				t.Fatalf("step %d: DecideWAF(%s, %s): incremental %+v, full build %+v", step, h, ip, x, y)
			}
		}
	}
	for _, u := range userPool {
		if x, y := a.DecideUser(u, now), b.DecideUser(u, now); x != y {
			t.Fatalf("step %d: DecideUser(%s): incremental %+v, full build %+v", step, u, x, y)
		}
	}
}

// Applying the differences between successive random models to one
// engine decides exactly like a fresh full build of the latest model, at
// every step of seeded random sequences of changes (emergency entries with
// and without expiry, WAF policies appearing and vanishing, options, hosts
// moving, whiteblackip, geolocation and reputation rules put and removed).
func TestIncrementalMatchesFullBuild(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			g := newGen(seed, now)
			geo := locator{codes: g.codes}
			model := &engine.Project{}
			inc, err := engine.New(model, geo, clock)
			if err != nil {
				t.Fatal(err)
			}
			for step := range 150 {
				next := g.mutate(model)
				v := inc.Snapshot().Version()
				if err := inc.Apply(func(b *engine.Batch) error {
					_, err := applyProject(b, model, next, nil)
					return err
				}); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				if got := inc.Snapshot().Version(); got != v+1 {
					t.Fatalf("step %d: the update published %d versions, want 1", step, got-v)
				}
				model = next
				full, err := engine.New(model, geo, clock)
				if err != nil {
					t.Fatalf("step %d: full build: %v", step, err)
				}
				sameDecisions(t, step, inc, full, now)
			}
		})
	}
}
