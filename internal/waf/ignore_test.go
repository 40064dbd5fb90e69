package waf_test

import (
	"slices"
	"testing"

	"github.com/rampartsec/rampart/internal/waf"
)

func TestParseIgnoreTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in              string
		ids, categories []string
	}{
		{"bypass", nil, nil},
		{"all", nil, nil},
		{"illegal", nil, nil},
		{"040001", []string{"040001"}, nil},
		{"040001;041002", []string{"040001", "041002"}, nil},
		{"xss;webshell", nil, []string{"xss", "webshell"}},
		{"sqli;xss;cmdi;lfi;rfi;webshell;robot;vuln", nil, []string{"sqli", "xss", "cmdi", "lfi", "rfi", "webshell", "robot", "vuln"}},
		{"sqli;040001", []string{"040001"}, []string{"sqli"}},
	} {
		ids, cats, err := waf.ParseIgnoreTarget(tc.in)
		if err != nil || !slices.Equal(ids, tc.ids) || !slices.Equal(cats, tc.categories) {
			t.Errorf("%q: ids %v categories %v err %v", tc.in, ids, cats, err)
		}
	}
	for _, bad := range []string{"", ";", "sqli;", "SQLI", "04000", "0400011", "04000a", "all;sqli", "bypass;xss", "sql injection"} {
		_, _, err := waf.ParseIgnoreTarget(bad)
		wantCode(t, err, waf.CodeBody)
	}
}

func TestParseRuleTypeAcceptsIgnore(t *testing.T) {
	t.Parallel()
	if rt, err := waf.ParseRuleType("ignore"); err != nil || rt != waf.RuleIgnore {
		t.Fatalf("ignore: %q, %v", rt, err)
	}
}

func TestParseRuleTypeAcceptsCustom(t *testing.T) {
	t.Parallel()
	if rt, err := waf.ParseRuleType("custom"); err != nil || rt != waf.RuleCustom {
		t.Fatalf("custom: %q, %v", rt, err)
	}
	if rt, err := waf.ParseRuleType("cc"); err != nil || rt != waf.RuleCC {
		t.Fatalf("cc: %q, %v", rt, err)
	}
	_, err := waf.ParseRuleType("privacy")
	wantCode(t, err, waf.CodeFeature)
	_, err = waf.ParseRuleType("punishment") // no rule_type of the SDK's generic operations
	wantCode(t, err, waf.CodeURLParam)
}
