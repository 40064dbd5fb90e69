// Package enforce connects the decision engine to the stored policies: it
// loads one project's SecMaster enforcement sets, WAF policies and
// Workspace access policies into the engine's input model, and keeps one
// compiled engine per project current by polling the per-family revision
// counters and applying what changed incrementally. It also keeps, for the
// projects a client follows, each layer's emergency entries with a bounded
// log of their changes (decision.Feed: the change stream and the firewall
// feeds).
package enforce

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// EnforcementSource returns what a SecMaster layer enforces in a project
// now (delivered, unexpired rows). *secmaster.Service implements it.
type EnforcementSource interface {
	Enforcements(ctx context.Context, targetProjectID, layer string) ([]secmaster.Enforcement, error)
}

// WAFSource reads a project's WAF resources. waf.Store implements it.
type WAFSource interface {
	FindPolicies(ctx context.Context, f waf.PolicyFilter) ([]*waf.Policy, int, error)
	FindHosts(ctx context.Context, f waf.HostFilter) ([]*waf.Host, int, error)
	FindIPGroups(ctx context.Context, f waf.IPGroupFilter) ([]*waf.IPGroup, int, error)
	FindWhiteBlackIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.WhiteBlackIPRule, int, error)
	FindGeoIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.GeoIPRule, int, error)
	FindReputationRules(ctx context.Context, f waf.RuleFilter) ([]*waf.ReputationRule, int, error)
}

// WorkspaceSource returns a project's Workspace access policies with their
// objects. *workspace.Service implements it.
type WorkspaceSource interface {
	Policies(ctx context.Context, projectID string) ([]*workspace.AccessPolicy, int64, error)
}

// WhiteBlackIPLog tells which whiteblackip rules were written since a
// cursor, so an update reads those rules rather than every rule of the
// project. *sqlite.DB implements it.
type WhiteBlackIPLog interface {
	// WhiteBlackIPCursor returns the position of the latest write.
	WhiteBlackIPCursor(ctx context.Context) (int64, error)
	// WhiteBlackIPChanges returns the IDs of the project's rules written
	// after the cursor and the cursor to pass next; complete is false when
	// the log no longer reaches back to after.
	WhiteBlackIPChanges(ctx context.Context, projectID string, after int64) (ids []string, cursor int64, complete bool, err error)
	// WhiteBlackIPRulesByID returns the project's rules among ids.
	WhiteBlackIPRulesByID(ctx context.Context, projectID string, ids []string) ([]*waf.WhiteBlackIPRule, error)
}

// Sources are the family services and stores a project's state is read
// from. Every field is required but WAFLog (nil: an update of the WAF
// family reads every whiteblackip rule) and SecMasterLog.
type Sources struct {
	SecMaster EnforcementSource
	WAF       WAFSource
	WAFLog    WhiteBlackIPLog
	Workspace WorkspaceSource
	Revisions Revisions
	// SecMasterLog (nil: an update of the SecMaster family reads every
	// enforcement row).
	SecMasterLog EnforcementLog
}

// Revisions reads the change counters: one project's when it is first
// built, every project's at once when the registry polls.
type Revisions interface {
	rampart.RevisionStore
	rampart.RevisionLister
}

// layers maps SecMaster defense layers to the engine's.
var layers = []struct {
	name  string
	layer engine.Layer
}{
	{secmaster.LayerWAF, engine.LayerWAF},
	{secmaster.LayerCFW, engine.LayerCFW},
	{secmaster.LayerVPC, engine.LayerVPC},
	{secmaster.LayerIAM, engine.LayerIAM},
}

// Load reads one project's state and builds the engine's input model.
// Rows that cannot be enforced (an unknown category or object type, an
// address that does not parse, an unknown location or tag) are skipped:
// the families validated them on write, so such a row is a newer format
// this build does not know.
func Load(ctx context.Context, src Sources, projectID string) (*engine.Project, error) {
	p := &engine.Project{}
	var err error
	if p.Emergency, err = loadEmergency(ctx, src.SecMaster, projectID); err != nil {
		return nil, err
	}
	if p.WAF, err = loadWAF(ctx, src.WAF, projectID); err != nil {
		return nil, err
	}
	if p.Workspace, err = loadWorkspace(ctx, src.Workspace, projectID); err != nil {
		return nil, err
	}
	return p, nil
}

// loadEmergency reads the SecMaster enforcements of every layer.
func loadEmergency(ctx context.Context, src EnforcementSource, projectID string) ([]engine.EmergencyEntry, error) {
	var out []engine.EmergencyEntry
	for _, l := range layers {
		rows, err := src.Enforcements(ctx, projectID, l.name)
		if err != nil {
			return nil, fmt.Errorf("secmaster %s enforcements: %w", l.name, err)
		}
		for i := range rows {
			if en, ok := emergencyEntry(l.layer, &rows[i]); ok {
				out = append(out, en)
			}
		}
	}
	return out, nil
}

// loadWorkspace reads the Workspace access policies.
func loadWorkspace(ctx context.Context, src WorkspaceSource, projectID string) ([]*workspace.AccessPolicy, error) {
	ws, _, err := src.Policies(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("workspace access policies: %w", err)
	}
	return ws, nil
}

// emergencyEntry converts one SecMaster enforcement row.
func emergencyEntry(layer engine.Layer, r *secmaster.Enforcement) (engine.EmergencyEntry, bool) {
	en := engine.EmergencyEntry{Layer: layer, PolicyID: r.PolicyID, Expires: r.ExpiresAt}
	switch r.Category {
	case secmaster.CategoryWhite:
		en.Category = engine.CategoryWhite
	case secmaster.CategoryBlock:
		en.Category = engine.CategoryBlock
	default:
		return en, false
	}
	switch r.ObjectType {
	case secmaster.TypeSourceIP:
		pfx, ok := parsePrefix(r.Object)
		if !ok {
			return en, false
		}
		en.Prefix = pfx
	case secmaster.TypeUserName:
		if r.Object == "" {
			return en, false
		}
		en.User = r.Object
	case secmaster.TypeDomainName:
		if r.Object == "" {
			return en, false
		}
		en.Domain = strings.ToLower(r.Object)
	default:
		return en, false
	}
	return en, true
}

// parsePrefix parses an address (as a single-address prefix) or a CIDR.
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

var all = waf.Page{Limit: -1}

// wafLoad is what one load of the WAF family leaves for the next.
type wafLoad struct {
	policies []engine.WAFPolicy        // the policies loaded
	groups   map[string][]netip.Prefix // the IP group members their rules were resolved with
	cursor   int64                     // whiteblackip change-log position the rules are current to
	changed  map[string]bool           // when the rules were kept from the previous load: the IDs read again
}

// loadWAF reads the WAF policies with their rules, IP groups and hosts.
func loadWAF(ctx context.Context, st WAFSource, projectID string) ([]engine.WAFPolicy, error) {
	l, err := loadWAFFamily(ctx, st, nil, projectID, nil)
	if err != nil {
		return nil, err
	}
	return l.policies, nil
}

// loadWAFFamily reads the WAF policies with their rules, IP groups and
// hosts. Given a change log and the previous load, it reads only the
// whiteblackip rules written since then and keeps the others from prev,
// unless the log was trimmed past prev or an IP group changed (then it
// reads every rule). Hosts whose protect_status is not 1 (suspended or
// bypassed) are bound to no policy: only WAF emergency entries apply to
// them.
func loadWAFFamily(ctx context.Context, st WAFSource, wbLog WhiteBlackIPLog, projectID string, prev *wafLoad) (*wafLoad, error) {
	out := &wafLoad{}
	var changed []string
	complete := false
	if wbLog != nil {
		var err error
		if prev != nil {
			changed, out.cursor, complete, err = wbLog.WhiteBlackIPChanges(ctx, projectID, prev.cursor)
		} else {
			out.cursor, err = wbLog.WhiteBlackIPCursor(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("waf whiteblackip changes: %w", err)
		}
	}
	pols, _, err := st.FindPolicies(ctx, waf.PolicyFilter{ProjectID: projectID, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: all})
	if err != nil {
		return nil, fmt.Errorf("waf policies: %w", err)
	}
	idx := make(map[string]int, len(pols))
	p := &engine.Project{WAF: make([]engine.WAFPolicy, len(pols))}
	for i, pol := range pols {
		idx[pol.ID] = i
		p.WAF[i] = engine.WAFPolicy{ID: pol.ID, Options: engine.Options{
			WhiteBlackIP: pol.Options["whiteblackip"],
			Geoip:        pol.Options["geoip"],
			IPReputation: true,
		}}
	}
	out.policies = p.WAF
	hosts, _, err := st.FindHosts(ctx, waf.HostFilter{ProjectID: projectID, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: all})
	if err != nil {
		return nil, fmt.Errorf("waf hosts: %w", err)
	}
	for _, h := range hosts {
		if i, ok := idx[h.PolicyID]; ok && h.ProtectStatus == 1 {
			p.WAF[i].Hosts = append(p.WAF[i].Hosts, strings.ToLower(h.Hostname))
		}
	}
	groups, _, err := st.FindIPGroups(ctx, waf.IPGroupFilter{ProjectID: projectID, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: all})
	if err != nil {
		return nil, fmt.Errorf("waf ip groups: %w", err)
	}
	members := make(map[string][]netip.Prefix, len(groups))
	for _, g := range groups {
		members[g.ID] = g.Prefixes()
	}
	out.groups = members
	rf := waf.RuleFilter{ProjectID: projectID, Page: all}
	var wbs []*waf.WhiteBlackIPRule
	if complete && maps.EqualFunc(prev.groups, members, slices.Equal) {
		keepRules(p.WAF, prev.policies, changed)
		out.changed = make(map[string]bool, len(changed))
		for _, id := range changed {
			out.changed[id] = true
		}
		if len(changed) > 0 {
			if wbs, err = wbLog.WhiteBlackIPRulesByID(ctx, projectID, changed); err != nil {
				return nil, fmt.Errorf("waf whiteblackip rules: %w", err)
			}
		}
	} else if wbs, _, err = st.FindWhiteBlackIPRules(ctx, rf); err != nil {
		return nil, fmt.Errorf("waf whiteblackip rules: %w", err)
	}
	for _, r := range wbs {
		i, ok := idx[r.PolicyID]
		if !ok {
			continue
		}
		if rule, ok := wbRule(r, members); ok {
			p.WAF[i].WhiteBlack = append(p.WAF[i].WhiteBlack, rule)
		}
	}
	geos, _, err := st.FindGeoIPRules(ctx, rf)
	if err != nil {
		return nil, fmt.Errorf("waf geoip rules: %w", err)
	}
	for _, r := range geos {
		i, ok := idx[r.PolicyID]
		if !ok || r.White < 0 || r.White > 2 {
			continue
		}
		rule := engine.GeoRule{ID: r.ID, White: engine.White(r.White), Enabled: r.Status == 1}
		for _, c := range r.Codes {
			if code, ok := origin.Parse(c); ok {
				rule.Codes = append(rule.Codes, code)
			}
		}
		p.WAF[i].Geo = append(p.WAF[i].Geo, rule)
	}
	reps, _, err := st.FindReputationRules(ctx, rf)
	if err != nil {
		return nil, fmt.Errorf("waf ip-reputation rules: %w", err)
	}
	for _, r := range reps {
		i, ok := idx[r.PolicyID]
		if !ok {
			continue
		}
		rule := engine.ReputationRule{ID: r.ID, Enabled: r.Status == 1}
		switch r.Action {
		case "block":
			rule.Category = engine.ReputationBlock
		case "log":
			rule.Category = engine.ReputationLog
		case "pass":
			rule.Category = engine.ReputationPass
		default:
			continue
		}
		for _, t := range r.Tags {
			if tag, ok := origin.ParseTag(t); ok {
				rule.Tags |= origin.TagSetOf(tag)
			}
		}
		p.WAF[i].Reputation = append(p.WAF[i].Reputation, rule)
	}
	return out, nil
}

// keepRules gives each policy of cur the whiteblackip rules it had in
// prev, less the rules named in changed (which the caller reads again).
// Slices of prev are never modified.
func keepRules(cur, prev []engine.WAFPolicy, changed []string) {
	drop := make(map[string]bool, len(changed))
	for _, id := range changed {
		drop[id] = true
	}
	old := make(map[string][]engine.WhiteBlackRule, len(prev))
	for i := range prev {
		old[prev[i].ID] = prev[i].WhiteBlack
	}
	for i := range cur {
		rules := old[cur[i].ID]
		if slices.ContainsFunc(rules, func(r engine.WhiteBlackRule) bool { return drop[r.ID] }) {
			rules = slices.DeleteFunc(slices.Clone(rules), func(r engine.WhiteBlackRule) bool { return drop[r.ID] })
		}
		cur[i].WhiteBlack = slices.Clip(rules)
	}
}

// wbRule converts a whiteblackip rule; members resolves its IP group. It
// reports false for a rule that cannot be enforced.
func wbRule(r *waf.WhiteBlackIPRule, members map[string][]netip.Prefix) (engine.WhiteBlackRule, bool) {
	rule := engine.WhiteBlackRule{ID: r.ID, White: engine.White(r.White), Enabled: r.Status == 1}
	if r.IPGroupID != "" {
		rule.Prefixes = members[r.IPGroupID]
	} else if pfx, ok := parsePrefix(r.Addr); ok {
		rule.Prefixes = []netip.Prefix{pfx}
	}
	if r.TimeMode == "customize" {
		if r.Start > 0 {
			rule.Start = time.Unix(r.Start, 0)
		}
		if r.Terminal > 0 {
			rule.Terminal = time.Unix(r.Terminal, 0)
		}
	}
	return rule, r.White >= 0 && r.White <= 2 && len(rule.Prefixes) > 0
}
