package bouncer

import (
	"strings"
)

// Origin is the origin of every decision Rampart sends.
const Origin = "rampart"

// ScenarioPrefix starts every decision's scenario; ":" and the SecMaster
// policy that gives the ban its expiry follow it when known.
const ScenarioPrefix = "secmaster/emergency-block"

// Scenario returns the scenario a ban is sent with.
func Scenario(b Ban) string {
	if b.Policy == "" {
		return ScenarioPrefix
	}
	return ScenarioPrefix + ":" + b.Policy
}

// Scope returns the ban's CrowdSec scope: Ip for one address, else Range.
func Scope(b Ban) string {
	if isHost(b.Value) {
		return "Ip"
	}
	return "Range"
}

// Filter selects the bans a pull answers, as CrowdSec's stream filters
// them: by scope (lower-case ip, range), origin, and the scenario
// containing any of ScenariosContaining and none of
// ScenariosNotContaining. Empty lists select everything (for Scopes:
// ip and range, the stream's default in CrowdSec's Local API).
type Filter struct {
	Scopes                 []string
	Origins                []string
	ScenariosContaining    []string
	ScenariosNotContaining []string
}

// Keep reports whether the filter selects b.
func (f *Filter) Keep(b Ban) bool {
	if f.Scopes != nil && !containsFold(f.Scopes, strings.ToLower(Scope(b))) {
		return false
	}
	if len(f.Origins) > 0 && !containsFold(f.Origins, Origin) {
		return false
	}
	if len(f.ScenariosContaining) == 0 && len(f.ScenariosNotContaining) == 0 {
		return true
	}
	sc := Scenario(b)
	if len(f.ScenariosContaining) > 0 && !anySubstring(sc, f.ScenariosContaining) {
		return false
	}
	return !anySubstring(sc, f.ScenariosNotContaining)
}

// Apply returns the bans f keeps, in place.
func (f *Filter) Apply(bans []Ban) []Ban {
	out := bans[:0]
	for _, b := range bans {
		if f.Keep(b) {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

func anySubstring(s string, subs []string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}
