package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFEvents runs the waf.EventStore conformance tests. newStore must
// return a fresh, empty store for each call.
func RunWAFEvents(t *testing.T, newStore func(t *testing.T) waf.EventStore) {
	ctx := context.Background()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	event := func(t *testing.T, project string, i int) waf.Event {
		return waf.Event{ID: newID(t), ProjectID: project, EnterpriseProjectID: "0", Time: base.Add(time.Duration(i) * time.Second),
			HostID: "h1", Host: "www.example.com", PolicyID: "pol1", ClientIP: fmt.Sprintf("192.0.2.%d", i%250),
			Location: "US", Tag: "", RuleType: waf.EventWhiteBlackIP, RuleID: "r1", Action: "block", Method: "GET",
			URL: fmt.Sprintf("/p/%d?q=1", i), Status: 418}
	}
	all := waf.EventFilter{ProjectID: proj, Page: waf.Page{Limit: 100}}

	t.Run("InsertFind", func(t *testing.T) {
		s := newStore(t)
		ev := event(t, proj, 1)
		ev.Tag, ev.RuleType, ev.Action = "AliCloud", waf.EventReputation, "log"
		must(t, s.InsertEvents(ctx, []waf.Event{ev}))
		got, err := s.FindEvent(ctx, proj, ev.ID)
		must(t, err)
		if *got != ev {
			t.Fatalf("found %+v, want %+v", *got, ev)
		}
		_, err = s.FindEvent(ctx, other, ev.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindEvent(ctx, proj, newID(t))
		wantKind(t, err, rampart.KindNotFound)
		must(t, s.InsertEvents(ctx, nil))

		web := event(t, proj, 2)
		web.RuleType, web.RuleID, web.WebAttack, web.Payload, web.PayloadLocation = waf.EventWebAttack, "100001", "sqli", `1' OR 1=1--`, "params"
		must(t, s.InsertEvents(ctx, []waf.Event{web}))
		got, err = s.FindEvent(ctx, proj, web.ID)
		must(t, err)
		if *got != web || got.Attack() != "sqli" {
			t.Fatalf("web attack event found %+v, want %+v", *got, web)
		}
	})

	t.Run("BatchIsAllOrNone", func(t *testing.T) {
		s := newStore(t)
		a := event(t, proj, 1)
		must(t, s.InsertEvents(ctx, []waf.Event{a}))
		b := event(t, proj, 2)
		if err := s.InsertEvents(ctx, []waf.Event{b, a}); err == nil { // a's ID again
			t.Fatal("duplicate event ID accepted")
		}
		if _, err := s.FindEvent(ctx, proj, b.ID); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatalf("event of a failed batch was stored: %v", err)
		}
	})

	t.Run("ListNewestFirstPaged", func(t *testing.T) {
		s := newStore(t)
		var evs []waf.Event
		for i := range 25 {
			evs = append(evs, event(t, proj, i))
		}
		must(t, s.InsertEvents(ctx, evs))
		must(t, s.InsertEvents(ctx, []waf.Event{event(t, other, 99)}))
		f := all
		f.Page = waf.Page{Offset: 10, Limit: 10}
		got, total, err := s.FindEvents(ctx, f)
		must(t, err)
		if total != 25 || len(got) != 10 || got[0].ID != evs[14].ID || got[9].ID != evs[5].ID {
			t.Fatalf("total %d, %d items, first %v", total, len(got), got)
		}
		f.Ascending = true
		f.Page = waf.Page{Offset: 20, Limit: 10}
		got, total, err = s.FindEvents(ctx, f)
		must(t, err)
		if total != 25 || len(got) != 5 || got[0].ID != evs[20].ID {
			t.Fatalf("ascending: total %d, %d items", total, len(got))
		}
		f.Page = waf.Page{Offset: 30, Limit: 10}
		got, total, err = s.FindEvents(ctx, f)
		must(t, err)
		if total != 25 || len(got) != 0 {
			t.Fatalf("past the end: total %d, %d items", total, len(got))
		}
	})

	t.Run("Filters", func(t *testing.T) {
		s := newStore(t)
		var evs []waf.Event
		for i := range 10 {
			e := event(t, proj, i)
			if i%2 == 1 {
				e.RuleType, e.Action, e.HostID, e.Host, e.Location = waf.EventGeoIP, "log", "h2", "api.example.org", "CN"
			}
			if i == 3 {
				e.EnterpriseProjectID = "ep1"
			}
			if i == 4 {
				e.RuleType, e.RuleID, e.WebAttack, e.Payload, e.PayloadLocation = waf.EventWebAttack, "110001", "xss", "<script>", "body"
			}
			evs = append(evs, e)
		}
		must(t, s.InsertEvents(ctx, evs))
		count := func(mod func(f *waf.EventFilter)) int {
			t.Helper()
			f := all
			f.Terms = map[waf.EventField]waf.EventTerms{}
			mod(&f)
			_, n, err := s.FindEvents(ctx, f)
			must(t, err)
			return n
		}
		for _, c := range []struct {
			name string
			mod  func(f *waf.EventFilter)
			want int
		}{
			{"All", func(f *waf.EventFilter) {}, 10},
			{"EnterpriseProject", func(f *waf.EventFilter) { f.EnterpriseProjectID = "ep1" }, 1},
			{"AllEnterpriseProjects", func(f *waf.EventFilter) { f.EnterpriseProjectID = waf.AllEnterpriseProjects }, 10},
			{"Window", func(f *waf.EventFilter) { f.From, f.To = base.Add(2*time.Second), base.Add(4*time.Second) }, 3},
			{"HostIn", func(f *waf.EventFilter) { f.Terms[waf.EventFieldHostID] = waf.EventTerms{In: []string{"h2"}} }, 5},
			{"RuleTypeNotIn", func(f *waf.EventFilter) {
				f.Terms[waf.EventFieldRuleType] = waf.EventTerms{NotIn: []string{waf.EventGeoIP}}
			}, 5},
			{"AttackIn", func(f *waf.EventFilter) {
				f.Terms[waf.EventFieldAttack] = waf.EventTerms{In: []string{"xss", "custom_geoip"}}
			}, 6},
			{"AttackNotIn", func(f *waf.EventFilter) {
				f.Terms[waf.EventFieldAttack] = waf.EventTerms{NotIn: []string{"custom_whiteblackip"}}
			}, 6},
			{"PayloadContains", func(f *waf.EventFilter) { f.Terms[waf.EventFieldPayload] = waf.EventTerms{Contains: "script"} }, 1},
			{"ActionAndLocation", func(f *waf.EventFilter) {
				f.Terms[waf.EventFieldAction] = waf.EventTerms{In: []string{"log"}}
				f.Terms[waf.EventFieldLocation] = waf.EventTerms{In: []string{"CN"}}
			}, 5},
			{"HostContains", func(f *waf.EventFilter) { f.Terms[waf.EventFieldHost] = waf.EventTerms{Contains: "api."} }, 5},
			{"HostNotContains", func(f *waf.EventFilter) { f.Terms[waf.EventFieldHost] = waf.EventTerms{NotContains: "api."} }, 5},
			{"LikeIsEscaped", func(f *waf.EventFilter) { f.Terms[waf.EventFieldURL] = waf.EventTerms{Contains: "%"} }, 0},
			{"URLExact", func(f *waf.EventFilter) { f.Terms[waf.EventFieldURL] = waf.EventTerms{In: []string{"/p/7?q=1"}} }, 1},
			{"IP", func(f *waf.EventFilter) { f.Terms[waf.EventFieldClientIP] = waf.EventTerms{In: []string{"192.0.2.4"}} }, 1},
			{"Status", func(f *waf.EventFilter) { f.Terms[waf.EventFieldStatus] = waf.EventTerms{In: []string{"418"}} }, 10},
			{"StatusOther", func(f *waf.EventFilter) { f.Terms[waf.EventFieldStatus] = waf.EventTerms{In: []string{"200"}} }, 0},
		} {
			if got := count(c.mod); got != c.want {
				t.Errorf("%s: %d events, want %d", c.name, got, c.want)
			}
		}
		f := all
		f.SortBy, f.Ascending = waf.EventFieldLocation, true
		got, _, err := s.FindEvents(ctx, f)
		must(t, err)
		if got[0].Location != "CN" || got[9].Location != "US" {
			t.Fatalf("sorted by location: first %q, last %q", got[0].Location, got[9].Location)
		}
	})

	t.Run("Prune", func(t *testing.T) {
		s := newStore(t)
		var evs []waf.Event
		for i := range 20 {
			evs = append(evs, event(t, proj, i))
		}
		must(t, s.InsertEvents(ctx, evs))
		must(t, s.InsertEvents(ctx, []waf.Event{event(t, other, 0)}))
		n, err := s.PruneEvents(ctx, proj, base.Add(5*time.Second), 0) // by age: events 0..4
		must(t, err)
		if n != 5 {
			t.Fatalf("pruned %d by age, want 5", n)
		}
		n, err = s.PruneEvents(ctx, proj, time.Time{}, 10) // by count: keep 10 newest of 15
		must(t, err)
		if n != 5 {
			t.Fatalf("pruned %d by count, want 5", n)
		}
		got, total, err := s.FindEvents(ctx, all)
		must(t, err)
		if total != 10 || got[0].ID != evs[19].ID || got[9].ID != evs[10].ID {
			t.Fatalf("after pruning: %d events", total)
		}
		n, err = s.PruneEvents(ctx, proj, time.Time{}, 10)
		must(t, err)
		if n != 0 {
			t.Fatalf("pruned %d at the limit", n)
		}
		ps, err := s.EventProjects(ctx)
		must(t, err)
		if len(ps) != 2 {
			t.Fatalf("projects with events: %v", ps)
		}
		if _, err := s.FindEvent(ctx, other, "x"); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatal(err)
		}
		_, n2, err := s.FindEvents(ctx, waf.EventFilter{ProjectID: other, Page: waf.Page{Limit: 10}})
		must(t, err)
		if n2 != 1 {
			t.Fatal("another project's events were pruned")
		}
	})
}
