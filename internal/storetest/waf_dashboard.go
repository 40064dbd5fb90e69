package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// DashboardStore is what the dashboard conformance suite needs: the
// dashboard reads and the event writes that feed them.
type DashboardStore interface {
	waf.DashboardStore
	waf.EventStore
}

// RunWAFDashboard runs the waf.TrafficStore and waf.EventCountStore
// conformance tests. newStore must return a fresh, empty store for each
// call.
func RunWAFDashboard(t *testing.T, newStore func(t *testing.T) DashboardStore) {
	ctx := context.Background()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	count := func(project, host, ep string, at time.Time, c waf.TrafficCounter, n int64) waf.TrafficCount {
		tc := waf.TrafficCount{ProjectID: project, EnterpriseProjectID: ep, HostID: host, Time: at}
		tc.Counters[c] = n
		return tc
	}

	t.Run("TrafficAddsAndSums", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AddTraffic(ctx, nil))
		must(t, s.AddTraffic(ctx, []waf.TrafficCount{
			count(proj, "h1", "", base.Add(5*time.Second), waf.TrafficUpstream2xx, 10),
			count(proj, "h1", "0", base.Add(50*time.Second), waf.TrafficUpstream2xx, 5), // same minute: added
			count(proj, "h2", "0", base.Add(time.Minute), waf.TrafficLocal4xx, 3),
			count(proj, "h3", "ep1", base.Add(2*time.Minute), waf.TrafficWebBlock, 7),
			count(other, "h9", "0", base, waf.TrafficUpstream2xx, 1000),
		}))
		// Another node adds to the same rows.
		must(t, s.AddTraffic(ctx, []waf.TrafficCount{count(proj, "h1", "0", base, waf.TrafficUpstream2xx, 1)}))

		sum := func(f waf.TrafficFilter) []waf.TrafficCount {
			t.Helper()
			f.ProjectID = proj
			if f.From.IsZero() {
				f.From, f.To = base, base.Add(time.Hour)
			}
			got, err := s.SumTraffic(ctx, f)
			must(t, err)
			return got
		}
		at := func(d time.Duration, c waf.TrafficCounter, n int64) waf.TrafficCount {
			tc := waf.TrafficCount{Time: base.Add(d)}
			tc.Counters[c] = n
			return tc
		}
		got := sum(waf.TrafficFilter{Step: time.Minute, EnterpriseProjectID: waf.AllEnterpriseProjects})
		want := []waf.TrafficCount{at(0, waf.TrafficUpstream2xx, 16), at(time.Minute, waf.TrafficLocal4xx, 3),
			at(2*time.Minute, waf.TrafficWebBlock, 7)}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("per minute: got %+v, want %+v", got, want)
		}
		// One span of an hour holds all three minutes.
		got = sum(waf.TrafficFilter{Step: time.Hour, EnterpriseProjectID: waf.DefaultEnterpriseProject})
		if len(got) != 1 || got[0].Counters.Requests() != 19 || got[0].Counters.WebAttacks() != 0 || !got[0].Time.Equal(base) {
			t.Fatalf("default enterprise project, hourly: got %+v", got)
		}
		if got := sum(waf.TrafficFilter{Step: time.Hour}); len(got) != 1 || got[0].Counters.Attacks() != 7 {
			t.Fatalf("every enterprise project: got %+v", got)
		}
		if got := sum(waf.TrafficFilter{Step: time.Hour, EnterpriseProjectID: "ep1"}); len(got) != 1 || got[0].Counters.WebAttacks() != 7 {
			t.Fatalf("enterprise project ep1: got %+v", got)
		}
		if got := sum(waf.TrafficFilter{Step: time.Hour, HostIDs: []string{"h2"}}); len(got) != 1 || got[0].Counters.Requests() != 3 {
			t.Fatalf("host h2: got %+v", got)
		}
		if got := sum(waf.TrafficFilter{Step: time.Minute, HostIDs: []string{"h9"}}); len(got) != 0 {
			t.Fatalf("another project's host counted: %+v", got)
		}
		// The window is inclusive and selects by minute.
		if got := sum(waf.TrafficFilter{Step: time.Minute, From: base.Add(time.Minute), To: base.Add(time.Minute)}); len(got) != 1 ||
			got[0].Counters.Requests() != 3 {
			t.Fatalf("one-minute window: got %+v", got)
		}
	})

	t.Run("TrafficPrune", func(t *testing.T) {
		s := newStore(t)
		var counts []waf.TrafficCount
		for i := range 10 {
			counts = append(counts, count(proj, fmt.Sprintf("h%d", i), "0", base.Add(time.Duration(i)*time.Minute), waf.TrafficUpstream2xx, 1))
		}
		must(t, s.AddTraffic(ctx, counts))
		n, err := s.PruneTraffic(ctx, base.Add(4*time.Minute))
		must(t, err)
		if n != 4 {
			t.Fatalf("pruned %d rows, want 4", n)
		}
		got, err := s.SumTraffic(ctx, waf.TrafficFilter{ProjectID: proj, From: base, To: base.Add(time.Hour), Step: time.Hour})
		must(t, err)
		if len(got) != 1 || got[0].Counters.Requests() != 6 {
			t.Fatalf("after pruning: %+v", got)
		}
	})

	t.Run("CountEvents", func(t *testing.T) {
		s := newStore(t)
		var evs []waf.Event
		add := func(project, host, ip, url, attack, action string, status int, at time.Duration) {
			e := waf.Event{ID: newID(t), ProjectID: project, EnterpriseProjectID: "0", Time: base.Add(at), HostID: host,
				Host: host + ".example.com", PolicyID: "pol", ClientIP: ip, Location: "CN-GD", RuleType: waf.EventWebAttack,
				RuleID: "100001", WebAttack: attack, Action: action, Method: "GET", URL: url, Status: status}
			evs = append(evs, e)
		}
		for i := range 3 {
			add(proj, "h1", "192.0.2.1", fmt.Sprintf("/login?try=%d", i), "sqli", "block", 418, time.Duration(i)*time.Second)
		}
		add(proj, "h1", "192.0.2.2", "/search", "xss", "log", 0, time.Minute)
		add(proj, "h2", "192.0.2.2", "/login", "xss", "block", 404, time.Minute)
		add(other, "h1", "198.51.100.9", "/login", "sqli", "block", 418, 0)
		add(other, "h1", "198.51.100.9", "/login", "sqli", "block", 418, 0)
		add(other, "h1", "198.51.100.9", "/login", "sqli", "block", 418, 0)
		add(other, "h1", "198.51.100.9", "/login", "sqli", "block", 418, 0)
		must(t, s.InsertEvents(ctx, evs))

		f := func(terms map[waf.EventField]waf.EventTerms) waf.EventFilter {
			if terms == nil {
				terms = map[waf.EventField]waf.EventTerms{}
			}
			return waf.EventFilter{ProjectID: proj, From: base, To: base.Add(time.Hour), Terms: terms}
		}
		check := func(name string, filter waf.EventFilter, by waf.EventField, top int, want []waf.EventCount) {
			t.Helper()
			got, err := s.CountEvents(ctx, filter, by, top)
			must(t, err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: got %+v, want %+v", name, got, want)
			}
		}
		check("by ip", f(nil), waf.EventFieldClientIP, 5, []waf.EventCount{{Key: "192.0.2.1", Num: 3}, {Key: "192.0.2.2", Num: 2}})
		check("top 1", f(nil), waf.EventFieldClientIP, 1, []waf.EventCount{{Key: "192.0.2.1", Num: 3}})
		check("by url", f(nil), waf.EventFieldURL, 0, []waf.EventCount{{Key: "/login", Host: "h1.example.com", Num: 3},
			{Key: "/login", Host: "h2.example.com", Num: 1}, {Key: "/search", Host: "h1.example.com", Num: 1}})
		check("by host", f(nil), waf.EventFieldHostID, 0, []waf.EventCount{{Key: "h1", Num: 4}, {Key: "h2", Num: 1}})
		check("by attack", f(nil), waf.EventFieldAttack, 0, []waf.EventCount{{Key: "sqli", Num: 3}, {Key: "xss", Num: 2}})
		check("by action", f(nil), waf.EventFieldAction, 0, []waf.EventCount{{Key: "block", Num: 4}, {Key: "log", Num: 1}})
		check("by location", f(nil), waf.EventFieldLocation, 0, []waf.EventCount{{Key: "CN-GD", Num: 5}})
		check("host filter", f(map[waf.EventField]waf.EventTerms{waf.EventFieldHostID: {In: []string{"h2"}}}), waf.EventFieldClientIP, 0,
			[]waf.EventCount{{Key: "192.0.2.2", Num: 1}})
		check("status filter", f(map[waf.EventField]waf.EventTerms{waf.EventFieldStatus: {In: []string{"404"}}}), waf.EventFieldURL, 0,
			[]waf.EventCount{{Key: "/login", Host: "h2.example.com", Num: 1}})
		late := f(nil)
		late.From = base.Add(30 * time.Second)
		check("window", late, waf.EventFieldClientIP, 0, []waf.EventCount{{Key: "192.0.2.2", Num: 2}})
		otherEP := f(nil)
		otherEP.EnterpriseProjectID = "ep1"
		check("enterprise project", otherEP, waf.EventFieldClientIP, 0, nil)
		if _, err := s.CountEvents(ctx, f(nil), waf.EventFieldPayload, 0); err == nil {
			t.Fatal("grouping by payload accepted")
		}
	})

	// A window of whole hours and parts of hours counts each event of the
	// window once, whatever the store reads it from; retention forgets the
	// counts of pruned hours.
	t.Run("CountEventsAcrossHours", func(t *testing.T) {
		s := newStore(t)
		var evs []waf.Event
		for i, at := range []time.Duration{-15 * time.Minute, 10 * time.Minute, 50 * time.Minute, 70 * time.Minute, 100 * time.Minute} {
			for j := range i + 1 { // 1, 2, 3, 4, 5 events
				evs = append(evs, waf.Event{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Time: base.Add(at + time.Duration(j)*time.Second),
					HostID: fmt.Sprintf("h%d", i%2), Host: "www.example.com", ClientIP: fmt.Sprintf("192.0.2.%d", i), RuleType: waf.EventGeoIP,
					Action: "block", URL: "/x?i=1", Location: "US"})
			}
		}
		must(t, s.InsertEvents(ctx, evs))
		window := waf.EventFilter{ProjectID: proj, From: base.Add(-30 * time.Minute), To: base.Add(90 * time.Minute), Terms: map[waf.EventField]waf.EventTerms{}}
		got, err := s.CountEvents(ctx, window, waf.EventFieldClientIP, 0)
		must(t, err)
		want := []waf.EventCount{{Key: "192.0.2.3", Num: 4}, {Key: "192.0.2.2", Num: 3}, {Key: "192.0.2.1", Num: 2}, {Key: "192.0.2.0", Num: 1}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("across hours: got %+v, want %+v", got, want)
		}
		window.Terms[waf.EventFieldHostID] = waf.EventTerms{In: []string{"h0"}}
		got, err = s.CountEvents(ctx, window, waf.EventFieldURL, 0)
		must(t, err)
		if !reflect.DeepEqual(got, []waf.EventCount{{Key: "/x", Host: "www.example.com", Num: 4}}) {
			t.Fatalf("across hours, host h0: %+v", got)
		}
		window.Terms[waf.EventFieldStatus] = waf.EventTerms{In: []string{"0"}}
		got, err = s.CountEvents(ctx, window, waf.EventFieldAction, 0)
		must(t, err)
		if !reflect.DeepEqual(got, []waf.EventCount{{Key: "block", Num: 4}}) {
			t.Fatalf("across hours, host h0, status 0: %+v", got)
		}
		// Pruning before base+1h drops the events of the first two hours.
		_, err = s.PruneEvents(ctx, proj, base.Add(time.Hour), 0)
		must(t, err)
		all := waf.EventFilter{ProjectID: proj, From: base.Add(-2 * time.Hour), To: base.Add(3 * time.Hour)}
		got, err = s.CountEvents(ctx, all, waf.EventFieldAction, 0)
		must(t, err)
		if !reflect.DeepEqual(got, []waf.EventCount{{Key: "block", Num: 9}}) {
			t.Fatalf("after pruning: %+v", got)
		}
	})
}
