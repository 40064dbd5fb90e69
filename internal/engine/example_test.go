package engine_test

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// Example shows the life of an engine: compile, decide from any number of
// goroutines without locks, apply a change (published atomically) and let
// the sweeper expire entries on time.
func Example() {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	e, err := engine.New(&engine.Project{
		Emergency: []engine.EmergencyEntry{{
			Layer: engine.LayerCFW, Category: engine.CategoryBlock, PolicyID: "sm-1",
			Prefix: netip.MustParsePrefix("198.51.100.0/24"), Expires: now.Add(time.Hour),
		}},
	}, nil, func() time.Time { return now })
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Run(ctx, time.Minute) // sweeps expired entries on time

	ip := netip.MustParseAddr("198.51.100.7")
	d := e.DecideIP(engine.LayerCFW, ip, now)
	fmt.Println(d.Action, d.RuleType, d.RuleID, d.Match.String())

	// A WHITE entry wins over the BLOCK one from the next lookup on.
	_ = e.AddEmergency(engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.CategoryWhite,
		PolicyID: "sm-2", Prefix: netip.MustParsePrefix("198.51.100.7/32")})
	d = e.DecideIP(engine.LayerCFW, ip, now)
	fmt.Println(d.Action, d.RuleType, d.RuleID, d.Match.String())

	// An hour later the block has aged out, swept or not.
	d = e.DecideIP(engine.LayerCFW, netip.MustParseAddr("198.51.100.8"), now.Add(time.Hour))
	fmt.Println(d.Action, d.RuleType == engine.RuleNone)
	// Output:
	// block emergency sm-1 198.51.100.0/24
	// allow emergency sm-2 198.51.100.7/32
	// allow true
}
