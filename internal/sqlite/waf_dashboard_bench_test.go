package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// dashboardAttacks are the attack types the benchmark's events spread over.
var dashboardAttacks = []string{"sqli", "xss", "cmdi", "lfi", "rfi", "webshell", "robot", "vuln"}

// BenchmarkWAFDashboard1M is each dashboard read over a project with
// 1,000,000 events in the last day (10 hosts, 50,000 client addresses,
// 200 URL paths, 8 attack types, 2 actions) and a day of traffic rows of
// those 10 hosts (14,400 rows): the top lists group the day's events, the
// statistics sum the day's traffic rows.
func BenchmarkWAFDashboard1M(b *testing.B) {
	db := MustOpen(b)
	ctx := context.Background()
	now := time.Now().UTC()
	base := now.Add(-24 * time.Hour)
	const n, batch = 1_000_000, 512
	evs := make([]waf.Event, 0, batch)
	for i := range n {
		evs = append(evs, waf.Event{ID: benchIDs.NewEventID(), ProjectID: benchEventProject, EnterpriseProjectID: "0",
			Time: base.Add(time.Duration(i) * 86 * time.Millisecond), HostID: fmt.Sprintf("h%d", i%10), Host: "www.example.com",
			PolicyID: "pol", ClientIP: fmt.Sprintf("10.0.%d.%d", i%50000/250, i%250), Location: "US", RuleType: waf.EventWebAttack,
			RuleID: "040001", WebAttack: dashboardAttacks[i%len(dashboardAttacks)], Action: []string{"block", "log"}[i%2],
			Method: "GET", URL: fmt.Sprintf("/p/%d?q=%d", i%200, i), Status: 418})
		if len(evs) == batch || i == n-1 {
			if err := db.InsertEvents(ctx, evs); err != nil {
				b.Fatal(err)
			}
			evs = evs[:0]
		}
	}
	var rows []waf.TrafficCount
	for m := range 1440 {
		for h := range 10 {
			c := waf.TrafficCount{ProjectID: benchEventProject, HostID: fmt.Sprintf("h%d", h), Time: base.Add(time.Duration(m) * time.Minute)}
			c.Counters[waf.TrafficUpstream2xx], c.Counters[waf.TrafficWebBlock] = 600, 35
			rows = append(rows, c)
		}
	}
	if err := db.AddTraffic(ctx, rows); err != nil {
		b.Fatal(err)
	}
	f := waf.EventFilter{ProjectID: benchEventProject, EnterpriseProjectID: "0", From: base, To: now, Terms: map[waf.EventField]waf.EventTerms{}}
	for _, c := range []struct {
		name string
		by   waf.EventField
		top  int
	}{
		{"top-ip", waf.EventFieldClientIP, 5}, {"top-url", waf.EventFieldURL, 5}, {"top-host", waf.EventFieldHostID, 5},
		{"attack-types", waf.EventFieldAttack, 0}, {"actions", waf.EventFieldAction, 0}, {"locations", waf.EventFieldLocation, 5},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if got, err := db.CountEvents(ctx, f, c.by, c.top); err != nil || len(got) == 0 {
					b.Fatal(len(got), err)
				}
			}
		})
	}
	b.Run("top-ip-one-host", func(b *testing.B) {
		f := f
		f.Terms = map[waf.EventField]waf.EventTerms{waf.EventFieldHostID: {In: []string{"h3"}}}
		for b.Loop() {
			if got, err := db.CountEvents(ctx, f, waf.EventFieldClientIP, 5); err != nil || len(got) == 0 {
				b.Fatal(len(got), err)
			}
		}
	})
	b.Run("statistics-day", func(b *testing.B) {
		for b.Loop() {
			if got, err := db.SumTraffic(ctx, waf.TrafficFilter{ProjectID: benchEventProject, From: base, To: now, Step: 15 * time.Minute}); err != nil || len(got) == 0 {
				b.Fatal(len(got), err)
			}
		}
	})
}
