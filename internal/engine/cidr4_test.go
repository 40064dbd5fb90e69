package engine_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// TestIPv4IndexAgainstReference exercises the IPv4 prefix index (one chunk
// per /16, shorter prefixes apart) where the general reference test does
// not reach: prefixes of every length from /12 to /32 spread over four
// neighbouring /16s and across their boundaries, nested and overlapping,
// WHITE and BLOCK, with and without expiry. It compares DecideIP with the
// reference model after compiling, before and after sweeps, and along a
// stream of single additions and removals (each one rebuilds a chunk or
// changes a short prefix), on addresses at and around every prefix edge.
func TestIPv4IndexAgainstReference(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 16))
			addr := func() netip.Addr {
				// 10.2.0.0-10.5.255.255: four /16s, inside one /14.
				return netip.AddrFrom4([4]byte{10, byte(2 + r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
			}
			entry := func() engine.EmergencyEntry {
				bits := 12 + r.IntN(21)
				if r.IntN(3) == 0 {
					bits = []int{16, 24, 32}[r.IntN(3)]
				}
				en := engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.Category(min(r.IntN(4), 1)),
					PolicyID: fmt.Sprintf("sm%02d", r.IntN(30)), Prefix: netip.PrefixFrom(addr(), bits).Masked()}
				if r.IntN(3) == 0 {
					en.Expires = t0.Add(time.Duration(1+r.IntN(60)) * time.Minute)
				}
				return en
			}
			p := &engine.Project{}
			for range 150 {
				p.Emergency = append(p.Emergency, entry())
			}
			now := t0
			e := MustEngine(t, p, nil, &now)
			m := newRefModel(p, nil)
			compare := func(label string, at time.Time) {
				t.Helper()
				s := e.Snapshot()
				var probes []netip.Addr
				for _, en := range m.emergency {
					pf := en.Prefix
					first := pf.Addr()
					last := lastAddr(pf)
					probes = append(probes, first, first.Prev(), last, last.Next())
				}
				for range 400 {
					probes = append(probes, addr())
				}
				fails := 0
				for _, ip := range probes {
					if !ip.IsValid() {
						continue
					}
					if got, want := s.DecideIP(engine.LayerCFW, ip, at), m.decideIP(engine.LayerCFW, ip, at); got != want {
						t.Errorf("%s: DecideIP(%s) = %+v, want %+v", label, ip, got, want)
						if fails++; fails > 5 {
							t.FailNow()
						}
					}
				}
			}
			compare("compiled", t0)
			compare("t0+30m unswept", t0.Add(30*time.Minute))
			e.Sweep(t0.Add(30 * time.Minute))
			compare("t0+30m swept", t0.Add(30*time.Minute))
			now = t0.Add(30 * time.Minute)
			for step := range 400 {
				if r.IntN(2) == 0 || len(m.emergency) == 0 {
					en := entry()
					if !en.Expires.IsZero() {
						en.Expires = en.Expires.Add(30 * time.Minute)
					}
					if err := e.AddEmergency(en); err != nil {
						t.Fatal(err)
					}
					m.emergency = append(m.emergency, en)
				} else {
					en := m.emergency[r.IntN(len(m.emergency))]
					if _, err := e.RemoveEmergency(en); err != nil {
						t.Fatal(err)
					}
					m.removeEmergency(en)
				}
				if step%40 == 39 {
					compare(fmt.Sprintf("after %d changes", step+1), now)
				}
			}
			compare("after changes, +45m unswept", now.Add(45*time.Minute))
			e.Sweep(now.Add(45 * time.Minute))
			compare("after changes, +45m swept", now.Add(45*time.Minute))
		})
	}
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= 1<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
