package waf

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// Event list limits.
const (
	maxEventRange    = 30 * 24 * time.Hour // from..to
	maxEventPageSize = 1000
	maxEventTerms    = 100 // values of one list parameter
)

// listEventAttacks are the attack types ListEvent accepts in attacks and
// nattacks (the SDK's enumeration).
var listEventAttacks = strings.Fields(`xss botm webshell vuln sqli robot rfi rce ptr lfi antileakage iprank
	custom_whiteblackip custom_whiteip custom_blackip custom_robot custom_geoip custom_idc_ip custom_custom cmdi cc
	antitamper anticrawler third_bot_river antiscan_high_freq_scan antiscan_dir_traversal illegal followed_action
	advanced_bot llm_prompt_injection llm_prompt_sensitive llm_response_sensitive`)

// listEventActions are the protective actions ListEvent accepts.
var listEventActions = strings.Fields(`block pass log captcha cache mask js_challenge advanced_captcha abort_response desensitize`)

// eventSortKeys maps ListEvent's sort_key to a field; component has no
// Rampart counterpart and sorts by time.
var eventSortKeys = map[string]EventField{
	"attack_time": EventFieldTime, "sort_ip": EventFieldClientIP, "host": EventFieldHost, "geo_str": EventFieldLocation,
	"component": EventFieldTime, "rule": EventFieldRuleID, "attack": EventFieldAttack,
}

// ParseEventQuery validates the query of ListEvent (GET
// /v1/{project_id}/waf/event) and returns the filter it selects. recent
// (yesterday, today, 3days, 1week, 1month; calendar days in UTC for
// yesterday and today, rolling windows otherwise) wins over from/to;
// one of them is mandatory; from and to are Unix milliseconds, from <= to,
// at most 30 days apart. List parameters are repeated (as the SDK sends
// them); IDs may also be comma-separated.
func ParseEventQuery(projectID string, q url.Values, now time.Time) (EventFilter, error) {
	ep, err := ParseEnterpriseProject(q.Get("enterprise_project_id"), false)
	if err != nil {
		return EventFilter{}, err
	}
	f := EventFilter{ProjectID: projectID, EnterpriseProjectID: ep, Terms: map[EventField]EventTerms{}}
	if f.From, f.To, err = eventWindow(q.Get("recent"), q.Get("from"), q.Get("to"), now.UTC()); err != nil {
		return EventFilter{}, err
	}
	if f.Page, err = PageBySize(q.Get("page"), q.Get("pagesize"), 10, maxEventPageSize, false, CodePaging); err != nil {
		return EventFilter{}, err
	}
	key := q.Get("sort_key")
	if key != "" {
		field, ok := eventSortKeys[key]
		if !ok {
			return EventFilter{}, invalid(CodeURLParam, "sort_key", "sort_key %q must be one of attack_time, sort_ip, host, geo_str, component, rule, attack.", key)
		}
		f.SortBy = field
	}
	switch d := q.Get("sort_direction"); d {
	case "", "desc":
	case "asc":
		f.Ascending = true
	default:
		return EventFilter{}, invalid(CodeURLParam, "sort_direction", "sort_direction %q must be desc or asc.", d)
	}
	exact := false
	switch m := q.Get("query_mode"); m {
	case "", "include":
	case "equal":
		exact = true
	default:
		return EventFilter{}, invalid(CodeURLParam, "query_mode", "query_mode %q must be equal or include.", m)
	}

	ids := func(name string) ([]string, error) {
		var out []string
		for _, v := range q[name] {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					if err := CheckID(name, id); err != nil {
						return nil, err
					}
					out = append(out, id)
				}
			}
		}
		return out, nil
	}
	values := func(name string, allowed []string) ([]string, error) {
		var out []string
		for _, v := range q[name] {
			if v == "" {
				continue
			}
			if len(v) > 2048 {
				return nil, invalid(CodeURLParam, name, "%s values must be at most 2048 characters.", name)
			}
			if allowed != nil && !slices.Contains(allowed, v) {
				return nil, invalid(CodeURLParam, name, "%s %q must be one of %s.", name, v, strings.Join(allowed, ", "))
			}
			out = append(out, v)
		}
		return out, nil
	}
	type list struct {
		name    string
		field   EventField
		not     bool
		allowed []string
		isID    bool
	}
	for _, l := range []list{
		{"ids", EventFieldID, false, nil, true}, {"nids", EventFieldID, true, nil, true},
		{"hosts", EventFieldHostID, false, nil, true}, {"instances", EventFieldHostID, false, nil, true},
		{"rules", EventFieldRuleID, false, nil, true}, {"nrules", EventFieldRuleID, true, nil, true},
		{"sips", EventFieldClientIP, false, nil, false}, {"nsips", EventFieldClientIP, true, nil, false},
		{"urls", EventFieldURL, false, nil, false}, {"nurls", EventFieldURL, true, nil, false},
		{"domains", EventFieldHost, false, nil, false},
		{"actions", EventFieldAction, false, listEventActions, false}, {"nactions", EventFieldAction, true, listEventActions, false},
		{"attacks", EventFieldAttack, false, listEventAttacks, false}, {"nattacks", EventFieldAttack, true, listEventAttacks, false},
		{"ip_countries", EventFieldLocation, false, nil, false}, {"nip_countries", EventFieldLocation, true, nil, false},
		{"ip_regions", EventFieldLocation, false, nil, false}, {"nip_regions", EventFieldLocation, true, nil, false},
	} {
		var vs []string
		if l.isID {
			vs, err = ids(l.name)
		} else {
			vs, err = values(l.name, l.allowed)
		}
		if err != nil {
			return EventFilter{}, err
		}
		if len(vs) > maxEventTerms {
			return EventFilter{}, invalid(CodeExceedLimit, l.name, "%s lists more than %d values.", l.name, maxEventTerms)
		}
		if len(vs) == 0 {
			continue
		}
		if l.name == "ip_countries" || l.name == "nip_countries" {
			vs = countriesWithProvinces(vs)
		}
		t := f.Terms[l.field]
		if l.not {
			t.NotIn = append(t.NotIn, vs...)
		} else if (l.field == EventFieldHostID || l.field == EventFieldLocation) && len(t.In) > 0 {
			// hosts and instances, ip_countries and ip_regions: both restrict
			t.In = intersect(t.In, vs)
			if len(t.In) == 0 {
				t.In = []string{""} // nothing matches
			}
		} else {
			t.In = append(t.In, vs...)
		}
		f.Terms[l.field] = t
	}
	// Single-value searches: sip and url (exact under query_mode=equal),
	// domain / ndomain (substring; domain wins), payload (substring of the
	// excerpt of a web attack; address-rule events have none).
	for _, s := range []struct {
		name  string
		field EventField
	}{{"sip", EventFieldClientIP}, {"url", EventFieldURL}} {
		v := q.Get(s.name)
		if v == "" {
			continue
		}
		t := f.Terms[s.field]
		switch {
		case !exact:
			t.Contains = v
		case len(t.In) > 0: // both the list and the value restrict
			if t.In = intersect(t.In, []string{v}); len(t.In) == 0 {
				t.In = []string{""}
			}
		default:
			t.In = []string{v}
		}
		f.Terms[s.field] = t
	}
	if d := q.Get("domain"); d != "" {
		t := f.Terms[EventFieldHost]
		t.Contains = d
		f.Terms[EventFieldHost] = t
	} else if d := q.Get("ndomain"); d != "" {
		t := f.Terms[EventFieldHost]
		t.NotContains = d
		f.Terms[EventFieldHost] = t
	}
	if v := q.Get("payload"); v != "" {
		f.Terms[EventFieldPayload] = EventTerms{Contains: v}
	}
	if codes, err := values("response_codes", nil); err != nil {
		return EventFilter{}, err
	} else if len(codes) > 0 {
		f.Terms[EventFieldStatus] = EventTerms{In: codes}
	}
	return f, nil
}

// eventWindow resolves recent / from / to into inclusive bounds.
func eventWindow(recent, from, to string, now time.Time) (time.Time, time.Time, error) {
	day := now.Truncate(24 * time.Hour)
	switch recent {
	case "yesterday":
		return day.Add(-24 * time.Hour), day.Add(-time.Millisecond), nil
	case "today":
		return day, now, nil
	case "3days":
		return now.Add(-3 * 24 * time.Hour), now, nil
	case "1week":
		return now.Add(-7 * 24 * time.Hour), now, nil
	case "1month":
		return now.Add(-30 * 24 * time.Hour), now, nil
	case "":
	default:
		return time.Time{}, time.Time{}, invalid(CodeURLParam, "recent", "recent %q must be one of yesterday, today, 3days, 1week, 1month.", recent)
	}
	if from == "" && to == "" {
		return time.Time{}, time.Time{}, invalid(CodeURLParam, "recent", "recent, or from and to, is mandatory.")
	}
	return dashboardWindow(from, to)
}

// countriesWithProvinces adds to a list of countries the provinces within
// them, once each.
func countriesWithProvinces(countries []string) []string {
	var out []string
	for _, c := range countries {
		for _, l := range locationsWithin(c) {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
