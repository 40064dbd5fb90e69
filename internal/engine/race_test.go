package engine_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// TestConcurrentLookupsDuringUpdates runs lookups on several goroutines
// while a writer adds, removes and sweeps; run it with -race. Every
// decision must be one the writer could have produced: an address the
// writer never blocks is never blocked.
func TestConcurrentLookupsDuringUpdates(t *testing.T) {
	t.Parallel()
	now := t0
	var clock atomic.Int64
	clock.Store(now.UnixMilli())
	e, err := engine.New(&engine.Project{WAF: []engine.WAFPolicy{{ID: "p", Options: allOn(), Hosts: []string{host}}}}, geoFixture(),
		func() time.Time { return time.UnixMilli(clock.Load()) })
	if err != nil {
		t.Fatal(err)
	}
	never := netip.MustParseAddr("192.0.2.1")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var lookups atomic.Int64
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := gen{rand.New(rand.NewPCG(uint64(r), 7))}
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := e.Snapshot()
				ip := g.addr()
				at := time.UnixMilli(clock.Load())
				_ = s.DecideWAF(host, ip, at)
				_ = s.DecideIP(engine.LayerCFW, ip, at)
				_ = s.DecideUser("user1", at)
				if d := s.DecideWAF(host, never, at); d.Action != engine.ActionAllow {
					t.Errorf("never-blocked address decided %+v", d)
					return
				}
				lookups.Add(1)
			}
		}()
	}
	g := gen{rand.New(rand.NewPCG(42, 42))}
	var added []engine.EmergencyEntry
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; i < 2000 || (lookups.Load() < 1000 && time.Now().Before(deadline)); i++ {
		switch i % 5 {
		case 0, 1:
			en := g.emergency()
			en.Expires = time.UnixMilli(clock.Load()).Add(time.Duration(g.r.IntN(100)) * time.Millisecond)
			if err := e.AddEmergency(en); err != nil {
				t.Fatal(err)
			}
			added = append(added, en)
		case 2:
			if len(added) > 0 {
				if _, err := e.RemoveEmergency(added[g.r.IntN(len(added))]); err != nil {
					t.Fatal(err)
				}
			}
		case 3:
			if err := e.PutWhiteBlack("p", g.wb(fmt.Sprintf("wb%d", g.r.IntN(50)))); err != nil {
				t.Fatal(err)
			}
		case 4:
			clock.Add(10)
			e.Sweep(time.UnixMilli(clock.Load()))
		}
	}
	close(stop)
	wg.Wait()
	if lookups.Load() == 0 {
		t.Fatal("no lookups ran")
	}
}

// TestRun checks that the sweeper goroutine removes an expired entry on
// time with the real clock.
func TestRun(t *testing.T) {
	t.Parallel()
	e, err := engine.New(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	go e.Run(ctx, time.Second)
	en := em(engine.LayerCFW, engine.CategoryBlock, "sm", "192.0.2.1")
	en.Expires = time.Now().Add(50 * time.Millisecond)
	if err := e.AddEmergency(en); err != nil {
		t.Fatal(err)
	}
	v := e.Snapshot().Version()
	deadline := time.Now().Add(10 * time.Second)
	for e.Snapshot().Version() == v {
		if time.Now().After(deadline) {
			t.Fatal("the sweeper did not remove the entry within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok := e.NextDue(); ok {
		t.Error("an event is still pending after the sweep")
	}
}
