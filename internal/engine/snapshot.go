package engine

import (
	"math/bits"
	"net/netip"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/workspace"
)

// Locator tells where an address is and which data centre it belongs to.
// *geodata.DB implements it. Lookup must not allocate and must be safe for
// concurrent use.
type Locator interface {
	Lookup(addr netip.Addr) (country, province origin.Code, tags origin.TagSet)
}

// wafPolicy is the compiled form of a WAF policy.
type wafPolicy struct {
	id   string
	opts Options
	wb   mtable[[3]value] // categories: White
	geo  *geoIndex        // nil: no enabled geolocation rule
	rep  *repIndex        // nil: no enabled IP-reputation rule
}

// geoIndex gives, per location code and per White action, the ref of the
// enabled geolocation rule with the smallest ID that lists the code (0:
// none).
type geoIndex [origin.MaxCode + 1][3]uint32

// repIndex gives, per IDC tag and per ReputationCategory, the ref of the
// enabled IP-reputation rule with the smallest ID that lists the tag, and
// per category the set of tags that have one (so that a decision finds
// the first matching tag with one AND instead of a loop over the tags).
type repIndex struct {
	ref [origin.NumTags + 1][3]uint32
	has [3]origin.TagSet
}

// Snapshot is one immutable, compiled version of a project's policies.
// All methods are safe for concurrent use, take no lock and allocate
// nothing (see the package comment for the one exception). A Snapshot must
// not be copied; obtain it from Engine.Snapshot.
type Snapshot struct {
	version  uint64
	refs     []refInfo
	em       [numLayers]mtable[[2]value] // categories: Category
	emUser   [numLayers][2]map[string]value
	emDomain [numLayers][2]map[string]value
	policies []*wafPolicy // by policy index; nil once removed
	hosts    map[string]int32
	hostList []hostBinding    // hosts again when it has at most hostListMax entries
	wild     map[string]int32 // ".example.com" for a binding of "*.example.com"
	geo      Locator
	ws       []*workspace.AccessPolicy
}

// Version counts the writes applied by the Engine since it was created.
func (s *Snapshot) Version() uint64 { return s.version }

func (s *Snapshot) decide(a Action, v value, m Match) Decision {
	r := &s.refs[v.ref()]
	return Decision{Action: a, RuleType: r.ruleType, RuleID: r.ruleID, PolicyID: r.policyID, Match: m}
}

func (s *Snapshot) nameHit(m map[string]value, name string, now int64) (value, bool) {
	if len(m) == 0 {
		return 0, false
	}
	v, ok := m[name]
	return v, ok && v.live(now)
}

// DecideIP decides a source address at the CFW or VPC layer (or any
// layer's emergency IP entries): a live WHITE entry allows, else a live
// BLOCK entry blocks, else the default allow. IPv4-mapped IPv6 addresses
// are decided as IPv4.
func (s *Snapshot) DecideIP(layer Layer, ip netip.Addr, now time.Time) Decision {
	if layer >= numLayers {
		return Decision{}
	}
	ip = ip.Unmap()
	n := relMs(now)
	t := &s.em[layer]
	if t.empty() {
		return Decision{}
	}
	var pr probe[[2]value]
	t.probe(ip, &pr)
	for c := CategoryWhite; c <= CategoryBlock; c++ {
		if v, p, ok := t.match(&pr, ip, int(c), n); ok {
			return s.decide(categoryAction(c), v, Match{Kind: MatchPrefix, Prefix: p})
		}
	}
	return Decision{}
}

// DecideUser decides an IAM user name against the IAM layer's emergency
// entries: WHITE allows, else BLOCK blocks, else the default allow.
func (s *Snapshot) DecideUser(name string, now time.Time) Decision {
	n := relMs(now)
	for c := CategoryWhite; c <= CategoryBlock; c++ {
		if v, ok := s.nameHit(s.emUser[LayerIAM][c], name, n); ok {
			return s.decide(categoryAction(c), v, Match{Kind: MatchUser, Name: name})
		}
	}
	return Decision{}
}

// DecideDomain decides a domain name against a layer's emergency domain
// entries (exact match): WHITE allows, else BLOCK blocks.
func (s *Snapshot) DecideDomain(layer Layer, name string, now time.Time) Decision {
	if layer >= numLayers {
		return Decision{}
	}
	n := relMs(now)
	for c := CategoryWhite; c <= CategoryBlock; c++ {
		if v, ok := s.nameHit(s.emDomain[layer][c], name, n); ok {
			return s.decide(categoryAction(c), v, Match{Kind: MatchDomain, Name: name})
		}
	}
	return Decision{}
}

// DecideWorkspace reports whether a Workspace user in the given groups may
// connect from client: block names the denying access policy and the
// reason; otherwise allow. See workspace.Decide for the rules.
func (s *Snapshot) DecideWorkspace(user string, groups []string, client netip.Addr) Decision {
	v := workspace.Decide(s.ws, workspace.Subject{UserID: user, GroupIDs: groups}, client)
	if v.Allowed {
		return Decision{}
	}
	return Decision{Action: ActionBlock, RuleType: RuleWorkspace, RuleID: v.PolicyID, PolicyID: v.PolicyID,
		Match: Match{Kind: MatchReason, Name: v.Reason}}
}

func categoryAction(c Category) Action {
	if c == CategoryWhite {
		return ActionAllow
	}
	return ActionBlock
}

// hostBinding is an exact host binding: the host name and the policy
// index.
type hostBinding struct {
	name   string
	policy int32
}

// hostListMax is the number of exact host bindings up to which they are
// also kept as a list (Snapshot.hostList) and found by comparing names: a
// few string comparisons cost less than a map lookup, which hashes the
// name.
const hostListMax = 8

// indexHosts rebuilds s.hostList from s.hosts (call after every change of
// s.hosts).
func (s *Snapshot) indexHosts() {
	s.hostList = nil
	if len(s.hosts) > hostListMax {
		return
	}
	for h, i := range s.hosts {
		s.hostList = append(s.hostList, hostBinding{h, i})
	}
}

// policyFor returns the policy bound to host: an exact binding, else the
// most specific wildcard binding.
func (s *Snapshot) policyFor(host string) *wafPolicy {
	if len(s.hosts) <= hostListMax {
		for i := range s.hostList {
			if s.hostList[i].name == host {
				return s.policies[s.hostList[i].policy]
			}
		}
	} else if i, ok := s.hosts[host]; ok {
		return s.policies[i]
	}
	if len(s.wild) == 0 {
		return nil
	}
	for rest := host; ; {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			return nil
		}
		suffix := rest[dot:]
		if i, ok := s.wild[suffix]; ok {
			return s.policies[i]
		}
		rest = suffix[1:]
	}
}

// DecideWAF decides a request from ip to a WAF host, following the table
// in docs/decisions.md:
//
//  1. a live emergency WHITE entry of the WAF layer (address, or the host
//     as a domain), then an allow whiteblackip rule of the host's policy,
//     allow;
//  2. a live emergency BLOCK entry (address, then domain), then a block
//     whiteblackip rule, block;
//  3. a log whiteblackip rule is remembered and evaluation continues;
//  4. geolocation: an allow rule ends evaluation, a block rule blocks, a
//     log rule is remembered;
//  5. IP reputation: pass ends evaluation, block blocks, log is
//     remembered;
//  6. otherwise the first remembered log hit, else allow (naming the rule
//     that ended evaluation, if any).
//
// Whiteblackip, geolocation and reputation rules apply only when the host
// is bound to a policy whose option for the module is on.
func (s *Snapshot) DecideWAF(host string, ip netip.Addr, now time.Time) (d Decision) {
	ip = ip.Unmap()
	n := relMs(now)
	pol := s.policyFor(host)
	em := &s.em[LayerWAF]
	emOn := !em.empty()
	var wbOn, geo, rep bool
	if pol != nil {
		wbOn = pol.opts.WhiteBlackIP && !pol.wb.empty()
		geo = pol.opts.Geoip && pol.geo != nil && s.geo != nil
		rep = pol.opts.IPReputation && pol.rep != nil && s.geo != nil
	}

	// Each address table is probed once and the address data looked up
	// once, before any stage; the stages below read the results. For
	// IPv4 the memory of both tables is located first and the address
	// data looked up before either table is read, so that the CPU
	// overlaps their cache misses instead of taking them one after the
	// other; for IPv6 the host buckets are located first. An invalid
	// address matches no table and no location.
	var emP probe[[2]value]
	var wbP probe[[3]value]
	var (
		country, province origin.Code
		tags              origin.TagSet
	)
	if ip.Is4() {
		k := key4(ip)
		var emA at4[[2]value]
		var wbA at4[[3]value]
		if emOn {
			em.locate4(k, &emA)
		}
		if wbOn {
			pol.wb.locate4(k, &wbA)
		}
		if geo || rep {
			country, province, tags = s.geo.Lookup(ip)
		}
		if emOn {
			em.probe4(&emA, &emP, ip, k)
		}
		if wbOn {
			pol.wb.probe4(&wbA, &wbP, ip, k)
		}
	} else if ip.Is6() {
		k := key6(ip)
		var emA at6[[2]value]
		var wbA at6[[3]value]
		if emOn {
			em.locate6(k, &emA)
		}
		if wbOn {
			pol.wb.locate6(k, &wbA)
		}
		if geo || rep {
			country, province, tags = s.geo.Lookup(ip)
		}
		if emOn {
			em.probe6(&emA, &emP, ip, k)
		}
		if wbOn {
			pol.wb.probe6(&wbA, &wbP, ip, k)
		}
	}

	// 1. allow lists
	if emOn {
		if v, p, ok := em.match(&emP, ip, int(CategoryWhite), n); ok {
			return s.decide(ActionAllow, v, Match{Kind: MatchPrefix, Prefix: p})
		}
	}
	if v, ok := s.nameHit(s.emDomain[LayerWAF][CategoryWhite], host, n); ok {
		return s.decide(ActionAllow, v, Match{Kind: MatchDomain, Name: host})
	}
	if wbOn {
		if v, p, ok := pol.wb.match(&wbP, ip, int(WhiteAllow), n); ok {
			return s.decide(ActionAllow, v, Match{Kind: MatchPrefix, Prefix: p})
		}
	}
	// 2. block lists
	if emOn {
		if v, p, ok := em.match(&emP, ip, int(CategoryBlock), n); ok {
			return s.decide(ActionBlock, v, Match{Kind: MatchPrefix, Prefix: p})
		}
	}
	if v, ok := s.nameHit(s.emDomain[LayerWAF][CategoryBlock], host, n); ok {
		return s.decide(ActionBlock, v, Match{Kind: MatchDomain, Name: host})
	}
	if wbOn {
		if v, p, ok := pol.wb.match(&wbP, ip, int(WhiteBlock), n); ok {
			return s.decide(ActionBlock, v, Match{Kind: MatchPrefix, Prefix: p})
		}
		// 3. log whiteblackip: remembered in d, evaluation continues
		if v, p, ok := pol.wb.match(&wbP, ip, int(WhiteLog), n); ok {
			d = s.decide(ActionLog, v, Match{Kind: MatchPrefix, Prefix: p})
		}
	}
	// 4. geolocation
	if geo {
		g := pol.geo
		for _, w := range [3]White{WhiteAllow, WhiteBlock, WhiteLog} {
			code := province
			ref := g[province][w]
			if ref == 0 {
				code, ref = country, g[country][w]
			}
			if ref == 0 {
				continue
			}
			if s.stageHit([3]Action{WhiteAllow: ActionAllow, WhiteBlock: ActionBlock, WhiteLog: ActionLog}[w],
				ref, MatchLocation, code, 0, &d) {
				return d
			}
			break
		}
	}
	// 5. IP reputation
	if rep && !tags.Empty() {
		r := pol.rep
		for _, c := range [3]ReputationCategory{ReputationPass, ReputationBlock, ReputationLog} {
			hit := tags & r.has[c]
			if hit.Empty() {
				continue
			}
			t := origin.Tag(bits.TrailingZeros32(uint32(hit)) + 1) // the first tag, as TagSet.First
			ref := r.ref[t][c]
			if s.stageHit([3]Action{ReputationPass: ActionAllow, ReputationBlock: ActionBlock, ReputationLog: ActionLog}[c],
				ref, MatchTag, 0, t, &d) {
				return d
			}
			break
		}
	}
	return d
}

// stageHit applies a geolocation or IP-reputation hit whose rule acts as a
// (allow: ends evaluation; block; log: remembered unless a log hit already
// is) to the remembered log hit in *d, matching by kind (code or tag). It
// reports whether evaluation ends there, the decision then being *d. The
// decision is written field by field in place: a Decision is about a
// hundred bytes, most of them zero here.
func (s *Snapshot) stageHit(a Action, ref uint32, kind MatchKind, code origin.Code, tag origin.Tag, d *Decision) bool {
	switch a {
	case ActionAllow:
		if d.RuleType != RuleNone {
			return true // the remembered log hit is the decision
		}
	case ActionBlock:
		*d = Decision{}
	default:
		if d.RuleType != RuleNone {
			return false // the first log hit is kept
		}
	}
	// d is the zero Decision here.
	r := &s.refs[ref]
	d.Action, d.RuleType, d.RuleID, d.PolicyID = a, r.ruleType, r.ruleID, r.policyID
	d.Match.Kind, d.Match.Code, d.Match.Tag = kind, code, tag
	return a != ActionLog
}
