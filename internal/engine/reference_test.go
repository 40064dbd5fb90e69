package engine_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
)

// refModel is the slow reference: the rules as given, decided by linear
// scans that follow docs/decisions.md literally.
type refModel struct {
	geo       engine.Locator
	emergency []engine.EmergencyEntry
	policies  map[string]*refPolicy
	hosts     map[string]string // host or "*.suffix" -> policy ID
}

type refPolicy struct {
	opts engine.Options
	wb   map[string]engine.WhiteBlackRule
	geo  map[string]engine.GeoRule
	rep  map[string]engine.ReputationRule
}

func newRefModel(p *engine.Project, geo engine.Locator) *refModel {
	m := &refModel{geo: geo, policies: map[string]*refPolicy{}, hosts: map[string]string{}}
	m.emergency = slices.Clone(p.Emergency)
	for _, wp := range p.WAF {
		rp := m.policy(wp.ID)
		rp.opts = wp.Options
		for _, h := range wp.Hosts {
			m.hosts[h] = wp.ID
		}
		for _, r := range wp.WhiteBlack {
			rp.wb[r.ID] = r
		}
		for _, r := range wp.Geo {
			rp.geo[r.ID] = r
		}
		for _, r := range wp.Reputation {
			rp.rep[r.ID] = r
		}
	}
	return m
}

func (m *refModel) policy(id string) *refPolicy {
	rp := m.policies[id]
	if rp == nil {
		rp = &refPolicy{wb: map[string]engine.WhiteBlackRule{}, geo: map[string]engine.GeoRule{}, rep: map[string]engine.ReputationRule{}}
		m.policies[id] = rp
	}
	return rp
}

func (m *refModel) removeEmergency(en engine.EmergencyEntry) {
	for i, x := range m.emergency {
		if x.Layer == en.Layer && x.Category == en.Category && x.PolicyID == en.PolicyID && x.Prefix == en.Prefix &&
			x.User == en.User && x.Domain == en.Domain && x.Expires.Equal(en.Expires) {
			m.emergency = slices.Delete(m.emergency, i, i+1)
			return
		}
	}
}

// cand is one candidate match: prefix, expiry (zero: never) and rule ID.
type cand struct {
	p   netip.Prefix
	exp time.Time
	id  string
}

func canon(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked()
}

func live(exp, now time.Time) bool { return exp.IsZero() || now.Before(exp) }

// best picks the most specific live candidate, then the latest expiry,
// then the smallest ID.
func best(cs []cand, ip netip.Addr, now time.Time) (cand, bool) {
	var b cand
	found := false
	for _, c := range cs {
		if !canon(c.p).Contains(ip) || !live(c.exp, now) {
			continue
		}
		if !found || better(c, b) {
			b, found = c, true
		}
	}
	return b, found
}

func better(a, b cand) bool {
	if a.p.Bits() != b.p.Bits() {
		return a.p.Bits() > b.p.Bits()
	}
	ka, kb := a.exp, b.exp
	if !ka.Equal(kb) {
		if ka.IsZero() {
			return true
		}
		if kb.IsZero() {
			return false
		}
		return ka.After(kb)
	}
	return a.id < b.id
}

func (m *refModel) emCands(layer engine.Layer, cat engine.Category) []cand {
	var cs []cand
	for _, en := range m.emergency {
		if en.Layer == layer && en.Category == cat && en.Prefix.IsValid() {
			cs = append(cs, cand{canon(en.Prefix), en.Expires, en.PolicyID})
		}
	}
	return cs
}

func (m *refModel) emName(layer engine.Layer, cat engine.Category, user, domain string, now time.Time) (cand, bool) {
	var b cand
	found := false
	for _, en := range m.emergency {
		if en.Layer != layer || en.Category != cat || !live(en.Expires, now) {
			continue
		}
		if (user != "" && en.User == user) || (domain != "" && en.Domain == domain) {
			c := cand{exp: en.Expires, id: en.PolicyID}
			if !found || better(c, b) {
				b, found = c, true
			}
		}
	}
	return b, found
}

func emDecision(a engine.Action, c cand, m engine.Match) engine.Decision {
	return engine.Decision{Action: a, RuleType: engine.RuleEmergency, RuleID: c.id, PolicyID: c.id, Match: m}
}

func (m *refModel) decideIP(layer engine.Layer, ip netip.Addr, now time.Time) engine.Decision {
	ip = ip.Unmap()
	if c, ok := best(m.emCands(layer, engine.CategoryWhite), ip, now); ok {
		return emDecision(engine.ActionAllow, c, engine.Match{Kind: engine.MatchPrefix, Prefix: c.p})
	}
	if c, ok := best(m.emCands(layer, engine.CategoryBlock), ip, now); ok {
		return emDecision(engine.ActionBlock, c, engine.Match{Kind: engine.MatchPrefix, Prefix: c.p})
	}
	return engine.Decision{}
}

func (m *refModel) decideUser(name string, now time.Time) engine.Decision {
	for _, cat := range []engine.Category{engine.CategoryWhite, engine.CategoryBlock} {
		if c, ok := m.emName(engine.LayerIAM, cat, name, "", now); ok {
			a := engine.ActionAllow
			if cat == engine.CategoryBlock {
				a = engine.ActionBlock
			}
			return emDecision(a, c, engine.Match{Kind: engine.MatchUser, Name: name})
		}
	}
	return engine.Decision{}
}

func (m *refModel) policyFor(host string) (string, *refPolicy) {
	if id, ok := m.hosts[host]; ok {
		return id, m.policies[id]
	}
	for rest := host; ; {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			return "", nil
		}
		if id, ok := m.hosts["*"+rest[dot:]]; ok {
			return id, m.policies[id]
		}
		rest = rest[dot+1:]
	}
}

func (rp *refPolicy) wbCands(w engine.White, now time.Time) []cand {
	var cs []cand
	for _, r := range rp.wb {
		if !r.Enabled || r.White != w || (!r.Start.IsZero() && now.Before(r.Start)) {
			continue
		}
		for _, p := range r.Prefixes {
			cs = append(cs, cand{canon(p), r.Terminal, r.ID})
		}
	}
	return cs
}

func (m *refModel) decideWAF(host string, ip netip.Addr, now time.Time) engine.Decision {
	ip = ip.Unmap()
	pid, rp := m.policyFor(host)
	wbOn := rp != nil && rp.opts.WhiteBlackIP
	wbDecision := func(a engine.Action, c cand) engine.Decision {
		return engine.Decision{Action: a, RuleType: engine.RuleWhiteBlackIP, RuleID: c.id, PolicyID: pid,
			Match: engine.Match{Kind: engine.MatchPrefix, Prefix: c.p}}
	}
	if c, ok := best(m.emCands(engine.LayerWAF, engine.CategoryWhite), ip, now); ok {
		return emDecision(engine.ActionAllow, c, engine.Match{Kind: engine.MatchPrefix, Prefix: c.p})
	}
	if c, ok := m.emName(engine.LayerWAF, engine.CategoryWhite, "", host, now); ok {
		return emDecision(engine.ActionAllow, c, engine.Match{Kind: engine.MatchDomain, Name: host})
	}
	if wbOn {
		if c, ok := best(rp.wbCands(engine.WhiteAllow, now), ip, now); ok {
			return wbDecision(engine.ActionAllow, c)
		}
	}
	if c, ok := best(m.emCands(engine.LayerWAF, engine.CategoryBlock), ip, now); ok {
		return emDecision(engine.ActionBlock, c, engine.Match{Kind: engine.MatchPrefix, Prefix: c.p})
	}
	if c, ok := m.emName(engine.LayerWAF, engine.CategoryBlock, "", host, now); ok {
		return emDecision(engine.ActionBlock, c, engine.Match{Kind: engine.MatchDomain, Name: host})
	}
	if rp == nil {
		return engine.Decision{}
	}
	var logged engine.Decision
	if wbOn {
		if c, ok := best(rp.wbCands(engine.WhiteBlock, now), ip, now); ok {
			return wbDecision(engine.ActionBlock, c)
		}
		if c, ok := best(rp.wbCands(engine.WhiteLog, now), ip, now); ok {
			logged = wbDecision(engine.ActionLog, c)
		}
	}
	var country, province origin.Code
	var tags origin.TagSet
	if m.geo != nil {
		country, province, tags = m.geo.Lookup(ip)
	}
	if rp.opts.Geoip && m.geo != nil {
		for _, w := range []engine.White{engine.WhiteAllow, engine.WhiteBlock, engine.WhiteLog} {
			id, code := "", origin.Code(0)
			for _, loc := range []origin.Code{province, country} {
				if loc == 0 {
					continue
				}
				for _, r := range rp.geo {
					if r.Enabled && r.White == w && slices.Contains(r.Codes, loc) && (id == "" || r.ID < id) {
						id, code = r.ID, loc
					}
				}
				if id != "" {
					break
				}
			}
			if id == "" {
				continue
			}
			d := engine.Decision{RuleType: engine.RuleGeolocation, RuleID: id, PolicyID: pid, Match: engine.Match{Kind: engine.MatchLocation, Code: code}}
			switch w {
			case engine.WhiteAllow:
				if logged.RuleType != engine.RuleNone {
					return logged
				}
				return d
			case engine.WhiteBlock:
				d.Action = engine.ActionBlock
				return d
			}
			if logged.RuleType == engine.RuleNone {
				d.Action = engine.ActionLog
				logged = d
			}
			break
		}
	}
	if rp.opts.IPReputation && m.geo != nil {
		for _, c := range []engine.ReputationCategory{engine.ReputationPass, engine.ReputationBlock, engine.ReputationLog} {
			for t := origin.Tag(1); t <= origin.NumTags; t++ {
				if !tags.Has(t) {
					continue
				}
				id := ""
				for _, r := range rp.rep {
					if r.Enabled && r.Category == c && r.Tags.Has(t) && (id == "" || r.ID < id) {
						id = r.ID
					}
				}
				if id == "" {
					continue
				}
				d := engine.Decision{RuleType: engine.RuleIPReputation, RuleID: id, PolicyID: pid, Match: engine.Match{Kind: engine.MatchTag, Tag: t}}
				switch c {
				case engine.ReputationPass:
					if logged.RuleType != engine.RuleNone {
						return logged
					}
					return d
				case engine.ReputationBlock:
					d.Action = engine.ActionBlock
					return d
				}
				if logged.RuleType == engine.RuleNone {
					d.Action = engine.ActionLog
					logged = d
				}
				return logged
			}
		}
	}
	return logged
}

// gen draws random rules and addresses from small spaces so that prefixes
// nest and collide often.
type gen struct{ r *rand.Rand }

func (g gen) addr() netip.Addr {
	if g.r.IntN(3) == 0 {
		var b [16]byte
		copy(b[:], []byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(g.r.IntN(3))})
		b[7] = byte(g.r.IntN(4))
		b[15] = byte(g.r.IntN(8))
		return netip.AddrFrom16(b)
	}
	return netip.AddrFrom4([4]byte{10, 0, byte(g.r.IntN(4)), byte(g.r.IntN(16))})
}

func (g gen) prefix() netip.Prefix {
	a := g.addr()
	var bits int
	if a.Is4() {
		bits = []int{24, 28, 28, 30, 30, 30, 32, 32, 32, 32, 32, 32}[g.r.IntN(12)]
		if g.r.IntN(60) == 0 {
			bits = []int{8, 16}[g.r.IntN(2)]
		}
	} else {
		bits = []int{48, 56, 64, 126, 126, 128, 128, 128}[g.r.IntN(8)]
		if g.r.IntN(60) == 0 {
			bits = 32
		}
	}
	p := netip.PrefixFrom(a, bits)
	if g.r.IntN(8) == 0 { // non-canonical forms must be accepted
		if a.Is4() {
			p = netip.PrefixFrom(netip.AddrFrom16(a.As16()), bits+96)
		}
		return p
	}
	return p.Masked()
}

// at returns a whole-second time around t0, or the zero time.
func (g gen) at(pZero float64) time.Time {
	if g.r.Float64() < pZero {
		return time.Time{}
	}
	return t0.Add(time.Duration(g.r.IntN(7200)-600) * time.Second)
}

var refCodes = []string{"CN", "GD", "BJ", "US", "UK", "HK"}

func (g gen) geoLocator() *fakeGeo {
	geo := new(fakeGeo)
	for x := 0; x < 4; x++ {
		for y := 0; y < 16; y += 4 {
			cc := refCodes[g.r.IntN(len(refCodes))]
			prov := ""
			if cc == "CN" && g.r.IntN(2) == 0 {
				prov = []string{"GD", "BJ"}[g.r.IntN(2)]
			}
			geo.add(fmt.Sprintf("10.0.%d.%d/30", x, y), cc, prov, g.tags().Tags()...)
		}
	}
	geo.add("2001:db8::/32", "US", "", origin.TagAmazon)
	geo.add("2001:db8:0:1::/64", "CN", "GD", origin.TagHW)
	return geo
}

func (g gen) tags() origin.TagSet {
	var s origin.TagSet
	for t := origin.Tag(1); t <= 3; t++ { // a few tags, to collide
		if g.r.IntN(3) == 0 {
			s = s.With(t)
		}
	}
	return s
}

func (g gen) emergency() engine.EmergencyEntry {
	en := engine.EmergencyEntry{
		Layer:    engine.Layer(g.r.IntN(4)),
		Category: engine.Category(min(g.r.IntN(6), 1)),
		PolicyID: fmt.Sprintf("sm%02d", g.r.IntN(20)),
		Expires:  g.at(0.6),
	}
	switch g.r.IntN(30) {
	case 0, 1, 2:
		en.Layer = engine.LayerIAM
		en.User = fmt.Sprintf("user%d", g.r.IntN(5))
	case 3:
		en.Layer = engine.LayerWAF
		en.Domain = fmt.Sprintf("h%d.example.com", g.r.IntN(4))
	default:
		en.Prefix = g.prefix()
	}
	return en
}

func (g gen) wb(id string) engine.WhiteBlackRule {
	r := engine.WhiteBlackRule{ID: id, White: engine.White(g.r.IntN(3)), Enabled: g.r.IntN(7) != 0}
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		r.Prefixes = append(r.Prefixes, g.prefix())
	}
	if g.r.IntN(3) == 0 {
		r.Terminal = g.at(0.3)
		// Starts only at t0-1h, t0+10m or t0+40m, so that comparisons
		// between sweeps never straddle a start.
		r.Start = []time.Time{{}, t0.Add(-time.Hour), t0.Add(10 * time.Minute), t0.Add(40 * time.Minute)}[g.r.IntN(4)]
	}
	return r
}

func (g gen) geoRule(tb testing.TB, id string) engine.GeoRule {
	r := engine.GeoRule{ID: id, White: engine.White(g.r.IntN(3)), Enabled: g.r.IntN(7) != 0}
	for _, c := range refCodes {
		if g.r.IntN(3) == 0 {
			r.Codes = append(r.Codes, mustCode(tb, c))
		}
	}
	return r
}

func (g gen) repRule(id string) engine.ReputationRule {
	return engine.ReputationRule{ID: id, Category: engine.ReputationCategory(g.r.IntN(3)), Enabled: g.r.IntN(7) != 0, Tags: g.tags()}
}

func (g gen) options() engine.Options {
	return engine.Options{WhiteBlackIP: g.r.IntN(6) != 0, Geoip: g.r.IntN(6) != 0, IPReputation: g.r.IntN(6) != 0}
}

func (g gen) project(tb testing.TB) *engine.Project {
	p := &engine.Project{}
	for range 60 {
		p.Emergency = append(p.Emergency, g.emergency())
	}
	for i := range 3 {
		wp := engine.WAFPolicy{ID: fmt.Sprintf("pol%d", i), Options: g.options(), Hosts: []string{fmt.Sprintf("h%d.example.com", i)}}
		if i == 2 {
			wp.Hosts = append(wp.Hosts, "*.example.org")
		}
		for j := range 12 {
			wp.WhiteBlack = append(wp.WhiteBlack, g.wb(fmt.Sprintf("wb%d-%02d", i, j)))
		}
		for j := range 5 {
			wp.Geo = append(wp.Geo, g.geoRule(tb, fmt.Sprintf("geo%d-%d", i, j)))
		}
		for j := range 4 {
			wp.Reputation = append(wp.Reputation, g.repRule(fmt.Sprintf("rep%d-%d", i, j)))
		}
		p.WAF = append(p.WAF, wp)
	}
	return p
}

var refHosts = []string{"h0.example.com", "h1.example.com", "h2.example.com", "h3.example.com", "a.example.org", "x.y.example.org", "none.test"}

func compareAll(t *testing.T, g gen, e *engine.Engine, m *refModel, now time.Time, label string) {
	t.Helper()
	s := e.Snapshot()
	fails := 0
	for range 600 {
		ip := g.addr()
		h := refHosts[g.r.IntN(len(refHosts))]
		if got, want := s.DecideWAF(h, ip, now), m.decideWAF(h, ip, now); got != want {
			t.Errorf("%s: DecideWAF(%s, %s) = %+v, want %+v", label, h, ip, got, want)
			fails++
		}
		layer := engine.Layer(g.r.IntN(4))
		if got, want := s.DecideIP(layer, ip, now), m.decideIP(layer, ip, now); got != want {
			t.Errorf("%s: DecideIP(%s, %s) = %+v, want %+v", label, layer, ip, got, want)
			fails++
		}
		if fails > 10 {
			t.Fatalf("%s: too many differences", label)
		}
	}
	for i := range 6 {
		u := fmt.Sprintf("user%d", i)
		if got, want := s.DecideUser(u, now), m.decideUser(u, now); got != want {
			t.Errorf("%s: DecideUser(%s) = %+v, want %+v", label, u, got, want)
		}
	}
}

// TestAgainstReference compiles seeded random projects, compares every
// lookup with the reference model at several times (before and after
// sweeps), then applies random incremental changes to both and compares
// again.
func TestAgainstReference(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			g := gen{rand.New(rand.NewPCG(seed, 99))}
			geo := g.geoLocator()
			p := g.project(t)
			now := t0
			e := MustEngine(t, p, geo, &now)
			m := newRefModel(p, geo)
			compareAll(t, g, e, m, t0, "compiled")
			compareAll(t, g, e, m, t0.Add(5*time.Minute), "t0+5m unswept")
			e.Sweep(t0.Add(20 * time.Minute))
			compareAll(t, g, e, m, t0.Add(20*time.Minute), "t0+20m swept")
			compareAll(t, g, e, m, t0.Add(35*time.Minute), "t0+35m unswept")

			// Incremental changes at t0+45m.
			now = t0.Add(45 * time.Minute)
			e.Sweep(now)
			for step := range 300 {
				g.change(t, e, m, step)
				if step%50 == 49 {
					compareAll(t, g, e, m, now, fmt.Sprintf("after %d changes", step+1))
				}
			}
			later := now.Add(30 * time.Minute)
			compareAll(t, g, e, m, later, "after changes, +30m unswept")
			e.Sweep(later)
			compareAll(t, g, e, m, later, "after changes, +30m swept")

			// A fresh compile of the same rules at the same time agrees too.
			now = t0.Add(3 * time.Hour)
			e.Sweep(now)
			compareAll(t, g, e, m, now, "t0+3h swept")
		})
	}
}

// change applies one random change to the engine and the model.
func (g gen) change(t *testing.T, e *engine.Engine, m *refModel, step int) {
	t.Helper()
	pol := fmt.Sprintf("pol%d", g.r.IntN(4)) // pol3 is new
	rp := m.policy(pol)
	switch g.r.IntN(10) {
	case 9:
		if g.r.IntN(5) != 0 {
			return
		}
		e.RemovePolicy(pol)
		m.policies[pol] = nil
		m.policy(pol) // empty, options off
		for h, p := range m.hosts {
			if p == pol {
				delete(m.hosts, h)
			}
		}
	case 0, 1:
		en := g.emergency()
		if en.Prefix.IsValid() {
			en.Prefix = canon(en.Prefix) // the model compares prefixes as given
		}
		if err := e.AddEmergency(en); err != nil {
			t.Fatal(err)
		}
		m.emergency = append(m.emergency, en)
	case 2:
		if len(m.emergency) == 0 {
			return
		}
		en := m.emergency[g.r.IntN(len(m.emergency))]
		if _, err := e.RemoveEmergency(en); err != nil {
			t.Fatal(err)
		}
		m.removeEmergency(en)
	case 3:
		id := fmt.Sprintf("wb%s-%02d", pol[3:], g.r.IntN(16))
		r := g.wb(id)
		if err := e.PutWhiteBlack(pol, r); err != nil {
			t.Fatal(err)
		}
		rp.wb[id] = r
	case 4:
		id := fmt.Sprintf("wb%s-%02d", pol[3:], g.r.IntN(16))
		e.RemoveWhiteBlack(pol, id)
		delete(rp.wb, id)
	case 5:
		id := fmt.Sprintf("geo%s-%d", pol[3:], g.r.IntN(7))
		if g.r.IntN(3) == 0 {
			e.RemoveGeo(pol, id)
			delete(rp.geo, id)
			return
		}
		r := g.geoRule(t, id)
		if err := e.PutGeo(pol, r); err != nil {
			t.Fatal(err)
		}
		rp.geo[id] = r
	case 6:
		id := fmt.Sprintf("rep%s-%d", pol[3:], g.r.IntN(6))
		if g.r.IntN(3) == 0 {
			e.RemoveReputation(pol, id)
			delete(rp.rep, id)
			return
		}
		r := g.repRule(id)
		if err := e.PutReputation(pol, r); err != nil {
			t.Fatal(err)
		}
		rp.rep[id] = r
	case 7:
		o := g.options()
		if err := e.SetOptions(pol, o); err != nil {
			t.Fatal(err)
		}
		rp.opts = o
	case 8:
		h := refHosts[g.r.IntN(4)]
		if g.r.IntN(4) == 0 {
			e.UnbindHost(h)
			delete(m.hosts, h)
			return
		}
		if err := e.BindHost(h, pol); err != nil {
			t.Fatal(err)
		}
		m.hosts[h] = pol
	}
}
