package enforce_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/waf"
)

// One write that adds a whiteblackip rule to two policies (one API call)
// reaches the engine as one published version: a reader deciding both
// policies' hosts from one snapshot never sees one rule without the other.
func TestRegistryUpdateIsOneVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var hosts [2]string
	var pids []string
	for i, name := range []string{"a.example.com", "b.example.com"} {
		proxy := false
		h, err := e.waf.CreateHost(ctx, projA, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
			Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		hosts[i] = name
		pids = append(pids, h.PolicyID)
	}
	eng := e.engine(t, projA)
	now := time.Now()
	blocked := func(s *engine.Snapshot, host string) bool {
		return s.DecideWAF(host, ip1, now).Action == engine.ActionBlock
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var seenBoth atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s := e.engine(t, projA).Snapshot()
			a, b := blocked(s, hosts[0]), blocked(s, hosts[1])
			if a != b {
				t.Errorf("version %d: the rule of one policy is in force without the other's (%v, %v)", s.Version(), a, b)
				return
			}
			if a {
				seenBoth.Store(true)
			}
		}
	}()
	v := eng.Snapshot().Version()
	block := 0
	if _, err := e.waf.CreateWhiteBlackIPRules(ctx, projA, "0", pids, &waf.WhiteBlackIPInput{Name: "b", Addr: "203.0.113.0/24", White: &block}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both rules", seenBoth.Load)
	close(stop)
	wg.Wait()
	if e.engine(t, projA) == eng {
		if got := eng.Snapshot().Version(); got != v+1 {
			t.Errorf("the write published %d engine versions, want 1", got-v)
		}
	}
}
