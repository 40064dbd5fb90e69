package engine_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// TestDecideAllocatesNothing checks the allocation contract of every
// Decide method on a random project, for hits and misses, IPv4 and IPv6.
func TestDecideAllocatesNothing(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(11, 12))}
	geo := g.geoLocator()
	now := t0
	e := MustEngine(t, g.project(t), geo, &now)
	s := e.Snapshot()
	addrs := make([]netip.Addr, 64)
	for i := range addrs {
		addrs[i] = g.addr()
	}
	i := 0
	allocs := testing.AllocsPerRun(2000, func() {
		ip := addrs[i%len(addrs)]
		h := refHosts[i%len(refHosts)]
		_ = s.DecideWAF(h, ip, t0.Add(5*time.Minute))
		_ = s.DecideIP(engine.Layer(i%4), ip, t0)
		_ = s.DecideUser("user1", t0)
		_ = s.DecideDomain(engine.LayerWAF, h, t0)
		i++
	})
	if allocs != 0 {
		t.Errorf("Decide methods allocate %.1f times per call set, want 0", allocs)
	}
}
