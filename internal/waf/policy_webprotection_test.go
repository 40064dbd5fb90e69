package waf

import (
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
)

// The basic web protection settings are read from the options, the level
// and the extend switches, in both spellings clients send them.
func TestPolicyWebProtection(t *testing.T) {
	base := func(extend map[string]string) *Policy {
		p := newPolicy("p", "0", "n", time.Time{})
		p.Extend = extend
		return p
	}
	if got, want := base(nil).WebProtection(), (inspect.Config{Enabled: true, Common: true, Level: 2}); got != want {
		t.Fatalf("a new policy: %+v, want %+v", got, want)
	}
	for _, tc := range []struct {
		name    string
		extend  map[string]string
		headers bool
		decode  bool
	}{
		{"own keys", map[string]string{"check_all_headers": "true", "deep_decode": "TRUE"}, true, true},
		{"own keys off", map[string]string{"check_all_headers": "false", "deep_decode": "0"}, false, false},
		{"nested booleans (Terraform)", map[string]string{"extend": `{"check_all_headers":true,"deep_decode":false,"shiro_rememberMe_enable":true}`}, true, false},
		{"nested strings", map[string]string{"extend": `{"deep_decode":"true"}`}, false, true},
		{"nested wins", map[string]string{"deep_decode": "true", "extend": `{"deep_decode":false}`}, false, false},
		{"nested not JSON", map[string]string{"extend": `deep_decode`}, false, false},
	} {
		got := base(tc.extend).WebProtection()
		if got.CheckAllHeaders != tc.headers || got.DeepDecode != tc.decode {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
	p := base(nil)
	p.Options["webattack"], p.Options["common"], p.Options["webshell"], p.Level = false, false, true, 3
	if got, want := p.WebProtection(), (inspect.Config{Webshell: true, Level: 3}); got != want {
		t.Fatalf("switches: %+v, want %+v", got, want)
	}
}
