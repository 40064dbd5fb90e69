package engine_test

import (
	"errors"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// TestApplyIsOneVersion writes pairs of changes with Apply while readers
// decide both halves of each pair from one snapshot: a reader must never
// see exactly one half. The pairs are two emergency blocks at the CFW
// layer, and a whiteblackip block rule together with the binding of the
// host it protects. Run with -race.
func TestApplyIsOneVersion(t *testing.T) {
	t.Parallel()
	e, err := engine.New(&engine.Project{}, nil, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	a, b := netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("2001:db8::1")
	block := func(ip netip.Addr) engine.EmergencyEntry {
		return engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.CategoryBlock, PolicyID: "em",
			Prefix: netip.PrefixFrom(ip, ip.BitLen())}
	}
	wb := engine.WhiteBlackRule{ID: "r", White: engine.WhiteBlock, Enabled: true,
		Prefixes: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}
	wbAddr := netip.MustParseAddr("203.0.113.7")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var both, none atomic.Int64
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := e.Snapshot()
				ba := s.DecideIP(engine.LayerCFW, a, t0).Action == engine.ActionBlock
				bb := s.DecideIP(engine.LayerCFW, b, t0).Action == engine.ActionBlock
				if ba != bb {
					t.Errorf("version %d: one emergency entry of a pair without the other (%v, %v)", s.Version(), ba, bb)
					return
				}
				// The rule alone decides nothing (no host is bound to the
				// policy, its option is off); with the binding and the
				// option it blocks.
				bw := s.DecideWAF(host, wbAddr, t0).Action == engine.ActionBlock
				if bw != ba {
					t.Errorf("version %d: whiteblackip rule and binding (%v) out of step with the emergency pair (%v)", s.Version(), bw, ba)
					return
				}
				if ba {
					both.Add(1)
				} else {
					none.Add(1)
				}
			}
		}()
	}
	for i := 0; i < 2000 || both.Load() == 0 || none.Load() == 0; i++ {
		if i > 1_000_000 {
			t.Error("readers never saw both states")
			break
		}
		v := e.Snapshot().Version()
		err := e.Apply(func(x *engine.Batch) error {
			if err := x.AddEmergency(block(a)); err != nil {
				return err
			}
			if err := x.PutWhiteBlack("p", wb); err != nil {
				return err
			}
			o := engine.Options{WhiteBlackIP: true}
			if err := x.SetOptions("p", o); err != nil {
				return err
			}
			if err := x.BindHost(host, "p"); err != nil {
				return err
			}
			return x.AddEmergency(block(b))
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Snapshot().Version(); got != v+1 {
			t.Fatalf("Apply published %d versions, want 1", got-v)
		}
		err = e.Apply(func(x *engine.Batch) error {
			if _, err := x.RemoveEmergency(block(a)); err != nil {
				return err
			}
			x.UnbindHost(host)
			if !x.RemoveWhiteBlack("p", "r") {
				return errors.New("rule r missing")
			}
			found, err := x.RemoveEmergency(block(b))
			if err == nil && !found {
				err = errors.New("entry b missing")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("reader saw %d full and %d empty states", both.Load(), none.Load())
}

// TestApplyError: a failing change publishes nothing when it is the
// first; after a successful change the batch is published with the error
// returned, and the Batch cannot be used after Apply.
func TestApplyError(t *testing.T) {
	e, err := engine.New(&engine.Project{}, nil, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	bad := engine.EmergencyEntry{Layer: engine.LayerCFW, PolicyID: "em"} // no target
	err = e.Apply(func(x *engine.Batch) error { return x.AddEmergency(bad) })
	if !errors.Is(err, engine.ErrInvalid) || e.Snapshot().Version() != 0 {
		t.Fatalf("failing first change: err %v, version %d; want ErrInvalid, 0", err, e.Snapshot().Version())
	}
	ip := netip.MustParseAddr("198.51.100.9")
	good := engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.CategoryBlock, PolicyID: "em",
		Prefix: netip.PrefixFrom(ip, 32)}
	var kept *engine.Batch
	err = e.Apply(func(x *engine.Batch) error {
		kept = x
		if err := x.AddEmergency(good); err != nil {
			return err
		}
		return x.AddEmergency(bad)
	})
	if !errors.Is(err, engine.ErrInvalid) || e.Snapshot().Version() != 1 {
		t.Fatalf("failing second change: err %v, version %d; want ErrInvalid, 1", err, e.Snapshot().Version())
	}
	if d := e.DecideIP(engine.LayerCFW, ip, t0); d.Action != engine.ActionBlock {
		t.Fatalf("the change made before the error is not in force: %+v", d)
	}
	defer func() {
		if recover() == nil {
			t.Error("a Batch used after its Apply did not panic")
		}
	}()
	_ = kept.AddEmergency(good)
}

// TestHostBindingsAcrossSizes binds and unbinds hosts one by one across
// the size where exact bindings stop being kept as a list: every bound
// host must decide by its own policy and every unbound host by none.
func TestHostBindingsAcrossSizes(t *testing.T) {
	e, err := engine.New(&engine.Project{}, nil, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	ip := netip.MustParseAddr("192.0.2.50")
	name := func(i int) string { return "h" + strconv.Itoa(i) + ".example.com" }
	for i := range n {
		p := "p" + strconv.Itoa(i)
		if err := e.SetOptions(p, engine.Options{WhiteBlackIP: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.PutWhiteBlack(p, engine.WhiteBlackRule{ID: "r" + p, White: engine.WhiteBlock, Enabled: true,
			Prefixes: []netip.Prefix{netip.PrefixFrom(ip, 32)}}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(bound func(int) bool) {
		t.Helper()
		for i := range n {
			d := e.DecideWAF(name(i), ip, t0)
			want := ""
			if bound(i) {
				want = "p" + strconv.Itoa(i)
			}
			if d.PolicyID != want {
				t.Fatalf("host %d: decided by policy %q, want %q", i, d.PolicyID, want)
			}
		}
	}
	for k := range n {
		if err := e.BindHost(name(k), "p"+strconv.Itoa(k)); err != nil {
			t.Fatal(err)
		}
		check(func(i int) bool { return i <= k })
	}
	for k := range n {
		e.UnbindHost(name(k))
		check(func(i int) bool { return i > k })
	}
	for k := range n {
		_ = e.BindHost(name(k), "p"+strconv.Itoa(k))
	}
	for k := range n {
		e.RemovePolicy("p" + strconv.Itoa(k))
		check(func(i int) bool { return i > k })
	}
}
