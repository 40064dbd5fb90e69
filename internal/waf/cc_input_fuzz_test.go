package waf

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
)

// ccInputOf is the input that describes r, as a client reading the rule
// back and sending it again would.
func ccInputOf(r *CCRule) *CCRuleInput {
	in := &CCRuleInput{Name: &r.Name, Description: &r.Description, Mode: &r.Mode, TagType: &r.TagType,
		LimitNum: &r.LimitNum, LimitPeriod: &r.LimitPeriod, LockTime: &r.LockTime,
		DomainAggregation: &r.DomainAggregation, RegionAggregation: &r.RegionAggregation,
		Priority: r.Priority, CCPriority: r.CCPriority, Conditions: r.Conditions, TagCondition: r.TagCondition}
	a := r.Action
	in.Action = &a
	if r.Mode == 0 {
		in.URL, in.Prefix = &r.URL, &r.Prefix
	}
	if r.TagIndex != "" {
		in.TagIndex = &r.TagIndex
	}
	if r.Action.Category == "dynamic_block" {
		in.UnlockNum = &r.UnlockNum
	}
	return in
}

// FuzzCCRuleInput: whatever a CC rule body holds, apply either refuses it
// with a WAF code and leaves the rule alone, or produces a rule within
// every documented bound that, sent back, is accepted unchanged.
func FuzzCCRuleInput(f *testing.F) {
	for _, s := range []string{
		`{"Mode":1,"Conditions":[{"Category":"url","LogicOperation":"prefix","Contents":["/a"]}],"Action":{"Category":"block"},"TagType":"ip","LimitNum":1,"LimitPeriod":1}`,
		`{"Name":"x","Mode":0,"URL":"/api","Prefix":true,"Action":{"Category":"log"},"TagType":"cookie","TagIndex":"sid","LimitNum":2147483647,"LimitPeriod":3600,"LockTime":65535}`,
		`{"Mode":1,"Conditions":[{"Category":"ip","LogicOperation":"equal_any","ValueListID":"v1"}],"Action":{"Category":"dynamic_block","Response":{"ContentType":"text/xml","Content":"<a/>"}},"TagType":"other","TagCondition":{"Category":"referer","Contents":["r"]},"LimitNum":5,"LimitPeriod":9,"UnlockNum":0,"Priority":100,"CCPriority":0}`,
		`{"Mode":1,"Conditions":[{"Category":"header","Index":"h","LogicOperation":"exist"}],"Action":{"Category":"captcha"},"TagType":"header","TagIndex":"x","LimitNum":0,"LimitPeriod":1}`,
		`{"Mode":2}`, `{}`, `{"Mode":0,"URL":"a"}`, `{"Mode":1,"Conditions":[{"Category":"asn"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in CCRuleInput
		if json.Unmarshal(raw, &in) != nil {
			return
		}
		var r CCRule
		if err := in.apply(&r); err != nil {
			e := rampart.AsError(err)
			if e.Kind != rampart.KindInvalid || !strings.HasPrefix(e.Code, "WAF.000") || e.Message == "" {
				t.Fatalf("error %#v", e)
			}
			if !reflect.DeepEqual(r, CCRule{}) {
				t.Fatalf("a refused input changed the rule: %+v", r)
			}
			return
		}
		switch {
		case r.Mode == 0 && (!strings.HasPrefix(r.URL, "/") || len(r.Conditions) != 0):
			t.Fatalf("mode 0 rule %+v", r)
		case r.Mode == 1 && (r.URL != "" || r.Prefix || len(r.Conditions) == 0 || len(r.Conditions) > maxCCConditions):
			t.Fatalf("mode 1 rule %+v", r)
		case r.Mode != 0 && r.Mode != 1,
			r.LimitNum < 1, r.LimitPeriod < 1 || r.LimitPeriod > maxCCLimitPeriod, r.LockTime < 0 || r.LockTime > maxCCLockTime,
			r.UnlockNum != 0 && r.Action.Category != "dynamic_block", r.UnlockNum < 0,
			r.Priority != nil && (*r.Priority < 1 || *r.Priority > maxCCPriority),
			r.CCPriority != nil && (*r.CCPriority < 0 || *r.CCPriority > maxCCCCPriority):
			t.Fatalf("out of bounds: %+v", r)
		case !ccTagTypes[r.TagType], (r.TagType == "cookie" || r.TagType == "header") != (r.TagIndex != ""),
			(r.TagType == "other") != (r.TagCondition != nil):
			t.Fatalf("rate key: %+v", r)
		case r.Action.Response != nil && r.Action.Category != "block" && r.Action.Category != "dynamic_block":
			t.Fatalf("response with %s", r.Action.Category)
		}
		var again CCRule
		if err := ccInputOf(&r).apply(&again); err != nil {
			t.Fatalf("the rule read back is refused: %v (%+v)", err, r)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("read back and sent again:\n%+v\nwant\n%+v", again, r)
		}
	})
}

// FuzzPunishmentRuleInput: an accepted known-attack-source rule has a
// category of the list, a unit and a block time within the SDK's table,
// and an update cannot change its category.
func FuzzPunishmentRuleInput(f *testing.F) {
	for _, s := range []string{
		`{"Category":"long_ip_block","BlockTime":301}`, `{"Category":"short_ip_block","TimeUnit":"SECOND","BlockTime":300}`,
		`{"Category":"long_cookie_block","TimeUnit":"MONTH","BlockTime":3}`, `{"Category":"short_header_block","TimeUnit":"DAY","BlockTime":1}`,
		`{"Category":"x","BlockTime":1}`, `{"BlockTime":1}`, `{"Category":"long_params_block","TimeUnit":"WEEK","BlockTime":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in PunishmentRuleInput
		if json.Unmarshal(raw, &in) != nil {
			return
		}
		var r PunishmentRule
		if err := in.apply(&r); err != nil {
			if e := rampart.AsError(err); e.Kind != rampart.KindInvalid || !strings.HasPrefix(e.Code, "WAF.000") || r != (PunishmentRule{}) {
				t.Fatalf("error %#v, rule %+v", e, r)
			}
			return
		}
		lo, hi, ok := blockTimeRange(r.Category, r.TimeUnit)
		if !punishmentCategories[r.Category] || !ok || r.BlockTime < lo || r.BlockTime > hi {
			t.Fatalf("accepted %+v", r)
		}
		other := "long_ip_block"
		if r.Category == other {
			other = "short_ip_block"
		}
		before := r
		if err := (&PunishmentRuleInput{Category: &other, TimeUnit: &r.TimeUnit, BlockTime: &r.BlockTime}).apply(&r); err == nil || r != before {
			t.Fatalf("category %s changed to %s: %v", before.Category, other, err)
		}
	})
}
