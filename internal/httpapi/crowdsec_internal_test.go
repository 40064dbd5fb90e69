package httpapi

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
)

// FuzzCrowdSecTarget: the address or range a GET /v1/decisions names is
// parsed without panicking, and a result is a valid, masked prefix.
func FuzzCrowdSecTarget(f *testing.F) {
	for _, s := range [][4]string{{"192.0.2.1", "", "", ""}, {"", "10.0.0.0/8", "", ""}, {"", "", "Ip", "2001:db8::1"},
		{"", "", "range", "10.1.0.0/33"}, {"fe80::1%eth0", "", "", ""}, {"", "", "country", "FR"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, ip, rng, scope, value string) {
		p, none, msg := crowdsecTarget(ip, rng, scope, value)
		if msg != "" || none || !p.IsValid() {
			return
		}
		if p != p.Masked() {
			t.Fatalf("%v is not masked", p)
		}
	})
}

// FuzzAppendDecision: every ban is written as valid JSON that CrowdSec's
// decision model decodes back to the same value and scope.
func FuzzAppendDecision(f *testing.F) {
	f.Add([]byte{192, 0, 2, 1}, uint8(32), int64(0), "p1")
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(48), int64(1_800_000_000_000_000_000), "p\"\\\n")
	f.Fuzz(func(t *testing.T, addr []byte, bits uint8, until int64, policy string) {
		a, ok := netip.AddrFromSlice(addr)
		if !ok {
			return
		}
		p, err := a.Prefix(int(bits) % (a.BitLen() + 1))
		if err != nil {
			return
		}
		if until <= 0 {
			until = bouncer.Never
		}
		b := bouncer.Ban{Value: p, Until: until, Policy: policy}
		raw := appendDecision(nil, b, time.Unix(0, 0))
		var d struct {
			Value, Scope, Scenario, Duration string
			ID                               int64
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var scenario string // as encoding/json writes and reads it back
		sj, _ := json.Marshal(bouncer.Scenario(b))
		_ = json.Unmarshal(sj, &scenario)
		if d.Scope != bouncer.Scope(b) || d.ID <= 0 || d.Scenario != scenario {
			t.Fatalf("%s decoded as %+v", raw, d)
		}
		if _, err := time.ParseDuration(d.Duration); err != nil {
			t.Fatalf("duration %q: %v", d.Duration, err)
		}
		back, err := netip.ParsePrefix(d.Value)
		if err != nil {
			back = netip.PrefixFrom(netip.MustParseAddr(d.Value), p.Addr().BitLen())
		}
		if back != p {
			t.Fatalf("value %q, want %v", d.Value, p)
		}
	})
}
