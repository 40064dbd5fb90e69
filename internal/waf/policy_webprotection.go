package waf

import (
	"encoding/json"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
)

// WebProtection returns the basic web protection settings of the policy:
// options.webattack, options.common, options.webshell, the level and the
// extend switches check_all_headers and deep_decode.
//
// An extend switch is read from its own key ("deep_decode": "true") or
// from the JSON object the SDK and Terraform nest under the key "extend"
// ("extend": "{\"deep_decode\":true}"), where it may be a boolean or the
// string "true". The nested value wins when both are present.
func (p *Policy) WebProtection() inspect.Config {
	return inspect.Config{
		Enabled:         p.Options["webattack"],
		Common:          p.Options["common"],
		Webshell:        p.Options["webshell"],
		Level:           p.Level,
		CheckAllHeaders: p.extendSwitch("check_all_headers"),
		DeepDecode:      p.extendSwitch("deep_decode"),
	}
}

// extendSwitch reads a boolean switch of Extend.
func (p *Policy) extendSwitch(name string) bool {
	on := isTrue(p.Extend[name])
	if nested, ok := p.Extend["extend"]; ok {
		var m map[string]any
		if json.Unmarshal([]byte(nested), &m) == nil {
			switch v := m[name].(type) {
			case bool:
				on = v
			case string:
				on = isTrue(v)
			}
		}
	}
	return on
}

// isTrue reads "true" (any case) or "1" as on.
func isTrue(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, "true") || s == "1"
}
