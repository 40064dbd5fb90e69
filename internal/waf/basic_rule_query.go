package waf

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Catalogue query limits.
const (
	maxCatalogueOffset = 2147483645 // the SDK's range of offset
	maxCataloguePage   = 1000       // the SDK's range of limit
	maxCatalogueText   = 256        // a text filter (id, description, cve_number, an application type)
)

// ParseBasicRuleQuery validates the query of ListWebBasicProtectionRules
// (GET /v1/{project_id}/waf/policy/basic-protection/default-rules) and
// returns the filter it selects: offset (from 0) and limit (1 to 1000,
// default 10), from and to (Unix milliseconds, together, on the rules'
// update time), level and risk_level (1, 2 or 3), id (exact),
// description and cve_number (held, in any case), protection_type_names
// (Huawei's names) and application_type_names; the last two may be
// repeated or comma-separated and select rules of any of them.
func ParseBasicRuleQuery(q url.Values) (BasicRuleFilter, error) {
	var f BasicRuleFilter
	var err error
	if _, err = ParseEnterpriseProject(q.Get("enterprise_project_id"), false); err != nil {
		return f, err
	}
	if f.Page, err = ParseCataloguePage(q.Get("offset"), q.Get("limit"), 0); err != nil {
		return f, err
	}
	if f.Updated, err = ParseTimeWindow(q.Get("from"), q.Get("to")); err != nil {
		return f, err
	}
	if f.Level, err = oneToThree(q, "level"); err != nil {
		return f, err
	}
	if f.RiskLevel, err = oneToThree(q, "risk_level"); err != nil {
		return f, err
	}
	for _, t := range []struct {
		name string
		dst  *string
	}{{"id", &f.ID}, {"description", &f.Description}, {"cve_number", &f.CVENumber}} {
		if *t.dst = q.Get(t.name); len(*t.dst) > maxCatalogueText {
			name := t.name
			return f, invalid(CodeURLParam, name, "%s must be at most %d characters.", name, maxCatalogueText)
		}
	}
	if f.ProtectionTypes, err = nameList(q, "protection_type_names", BasicProtectionTypes); err != nil {
		return f, err
	}
	f.ApplicationTypes, err = nameList(q, "application_type_names", nil)
	return f, err
}

// ParseCataloguePage reads offset and limit of a catalogue list: offset
// counts from first (0 or 1; below first is taken as first) up to
// 2147483645, limit is 1 to 1000 and defaults to 10.
func ParseCataloguePage(offset, limit string, first int) (Page, error) {
	o, err := atoiDefault(offset, first)
	if err != nil || o < 0 || o > maxCatalogueOffset {
		return Page{}, invalid(CodePaging, "offset", "offset %q must be an integer from %d to %d.", offset, first, maxCatalogueOffset)
	}
	n, err := atoiDefault(limit, 10)
	if err != nil || n < 1 || n > maxCataloguePage {
		return Page{}, invalid(CodePaging, "limit", "limit %q must be an integer from 1 to %d.", limit, maxCataloguePage)
	}
	return Page{Offset: max(o, first) - first, Limit: n}, nil
}

// ParseTimeWindow reads from and to, Unix milliseconds given together with
// from <= to; neither gives the zero window.
func ParseTimeWindow(from, to string) (TimeWindow, error) {
	if from == "" && to == "" {
		return TimeWindow{}, nil
	}
	if from == "" || to == "" {
		return TimeWindow{}, invalid(CodeURLParam, "from", "from and to must be given together.")
	}
	f, err1 := strconv.ParseInt(from, 10, 64)
	t, err2 := strconv.ParseInt(to, 10, 64)
	switch {
	case err1 != nil || f < 0:
		return TimeWindow{}, invalid(CodeURLParam, "from", "from %q must be a Unix time in milliseconds.", from)
	case err2 != nil || t < 0:
		return TimeWindow{}, invalid(CodeURLParam, "to", "to %q must be a Unix time in milliseconds.", to)
	case f > t:
		return TimeWindow{}, invalid(CodeURLParam, "from", "from must not be after to.")
	}
	return TimeWindow{From: time.UnixMilli(f).UTC(), To: time.UnixMilli(t).UTC()}, nil
}

// oneToThree reads a level parameter: absent (0), 1, 2 or 3.
func oneToThree(q url.Values, name string) (int, error) {
	switch v := q.Get(name); v {
	case "":
		return 0, nil
	case "1", "2", "3":
		return int(v[0] - '0'), nil
	default:
		return 0, invalid(CodeURLParam, name, "%s %q must be 1, 2 or 3.", name, v)
	}
}

// nameList reads a repeated and/or comma-separated list of names; when
// allowed is not nil every name must be one of it.
func nameList(q url.Values, name string, allowed []string) ([]string, error) {
	var out []string
	for _, v := range q[name] {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			if len(n) > maxCatalogueText || len(out) >= maxEventTerms {
				return nil, invalid(CodeURLParam, name, "%s names at most %d values of at most %d characters.", name, maxEventTerms, maxCatalogueText)
			}
			if allowed != nil && !slices.Contains(allowed, n) {
				return nil, invalid(CodeURLParam, name, "%s %q must be one of %s.", name, n, strings.Join(allowed, ", "))
			}
			out = append(out, n)
		}
	}
	return out, nil
}
