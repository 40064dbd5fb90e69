package engine_test

import (
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzAgainstReference runs the reference comparison on projects and
// change sequences drawn from fuzzed seeds.
//
//	go test -run '^$' -fuzz FuzzAgainstReference -fuzztime 30s ./internal/engine
func FuzzAgainstReference(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(77), uint64(0))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		g := gen{rand.New(rand.NewPCG(a, b))}
		geo := g.geoLocator()
		p := g.project(t)
		now := t0
		e := MustEngine(t, p, geo, &now)
		m := newRefModel(p, geo)
		compareAll(t, g, e, m, t0, "compiled")
		now = t0.Add(45 * time.Minute)
		e.Sweep(now)
		for step := range 40 {
			g.change(t, e, m, step)
		}
		compareAll(t, g, e, m, now, "changed")
		later := now.Add(time.Duration(g.r.IntN(7200)) * time.Second)
		compareAll(t, g, e, m, later, "later, unswept")
	})
}
