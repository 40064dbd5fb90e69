package httpapi

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// FuzzDecisionParams feeds arbitrary query strings and batch bodies to the
// decision API's parameter parsing: it must never panic, every refusal is a
// KindInvalid error with the API's code, and an accepted check has what its
// layer needs.
func FuzzDecisionParams(f *testing.F) {
	for _, s := range []string{
		"layer=waf&ip=1.2.3.4&host=www.example.com",
		"layer=cfw&ip=2001:db8::1",
		"layer=vpc&ip=::ffff:10.0.0.1",
		"layer=iam&user=alice",
		"layer=workspace&user=u&groups=g1,g2&ip=10.1.2.3",
		"layer=WAF&ip=1.2.3.4&ip=1.2.3.5",
		"layer=workspace&user=u&groups=,&ip=10.1.2.3",
		"layer=cfw&ip=fe80::1%25eth0",
		"%zz",
	} {
		f.Add(s, `{"checks":[{"layer":"iam","user":"u"}]}`)
	}
	f.Add("", `{"checks":[{"layer":"workspace","user":"u","ip":"1.2.3.4","groups":["a","b"]}]}`)
	f.Add("", `{"checks":[{"layer":"workspace","user":"u","ip":"1.2.3.4","groups":7}]}`)
	f.Fuzz(func(t *testing.T, query, body string) {
		check := func(c decisionCheck, err error) {
			if err != nil {
				e := rampart.AsError(err)
				if e.Kind != rampart.KindInvalid || e.Code != codeDecisionParam || e.Message == "" {
					t.Fatalf("error %#v", e)
				}
				return
			}
			switch c.layer {
			case decision.LayerIAM:
				if c.user == "" {
					t.Fatal("iam check without user")
				}
			case layerWorkspace:
				if c.user == "" || !c.ip.IsValid() || len(c.groups) > maxDecisionGroups {
					t.Fatalf("workspace check %+v", c)
				}
				for _, g := range c.groups {
					if g == "" || len(g) > maxDecisionField {
						t.Fatalf("group %q", g)
					}
				}
			case decision.LayerWAF, decision.LayerCFW, decision.LayerVPC:
				if !c.ip.IsValid() || c.ip.Zone() != "" {
					t.Fatalf("ip check %+v", c)
				}
				if len(c.host) > maxDecisionField || strings.ContainsAny(c.host, " \t\r\n") || c.host != strings.ToLower(c.host) {
					t.Fatalf("host %q", c.host)
				}
			default:
				t.Fatalf("layer %d", c.layer)
			}
			if len(c.user) > maxDecisionField {
				t.Fatalf("user %q", c.user)
			}
		}
		if q, err := url.ParseQuery(query); err == nil {
			p, err := decisionQueryParams(q)
			if err != nil {
				check(decisionCheck{}, err)
			} else {
				check(parseDecision(p, ""))
			}
		}
		var req struct {
			Checks []decisionParams `json:"checks"`
		}
		if json.Unmarshal([]byte(body), &req) == nil {
			for i := range req.Checks {
				check(parseDecision(&req.Checks[i], "checks[0]."))
			}
		}
	})
}
