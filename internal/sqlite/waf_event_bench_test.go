package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

const benchEventProject = "p0000000000000000000000000000001"

// benchIDs gives event IDs as the recorder makes them.
var benchIDs = waf.NewRecorder(nil, waf.RecorderConfig{Capacity: 1})

func benchEvents(n int, base time.Time) []waf.Event {
	evs := make([]waf.Event, n)
	for i := range evs {
		evs[i] = waf.Event{ID: benchIDs.NewEventID(), ProjectID: benchEventProject, EnterpriseProjectID: "0",
			Time: base.Add(time.Duration(i) * time.Millisecond), HostID: fmt.Sprintf("h%d", i%10), Host: "www.example.com",
			PolicyID: "pol", ClientIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Location: "US",
			RuleType: waf.EventGeoIP, RuleID: "rule", Action: "block", Method: "GET", URL: "/index.html?q=1", Status: 418}
	}
	return evs
}

// BenchmarkWAFInsertEvents is the store's write rate for protection events:
// one transaction per batch of 512 (the recorder's default), against one
// transaction per event (the baseline a recorder avoids).
func BenchmarkWAFInsertEvents(b *testing.B) {
	for _, size := range []int{1, 512} {
		b.Run(fmt.Sprintf("batch-%d", size), func(b *testing.B) {
			db := MustOpen(b)
			ctx := context.Background()
			base := time.Now()
			b.ReportAllocs()
			n := 0
			start := time.Now()
			for b.Loop() {
				evs := benchEvents(size, base)
				if err := db.InsertEvents(ctx, evs); err != nil {
					b.Fatal(err)
				}
				n += size
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkWAFFindEvents100k lists a page of ListEvent over 100,000 events
// of one project: the newest page, a page deep in the window, and a host
// filter.
func BenchmarkWAFFindEvents100k(b *testing.B) {
	db := MustOpen(b)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	for range 100000 / 500 {
		if err := db.InsertEvents(ctx, benchEvents(500, base)); err != nil {
			b.Fatal(err)
		}
		base = base.Add(500 * time.Millisecond)
	}
	f := waf.EventFilter{ProjectID: benchEventProject, EnterpriseProjectID: "0", From: time.Now().Add(-24 * time.Hour), To: time.Now()}
	for _, c := range []struct {
		name   string
		offset int
		terms  map[waf.EventField]waf.EventTerms
	}{
		{"page-1", 0, nil},
		{"page-5000", 49990, nil},
		{"host-filter-page-1", 0, map[waf.EventField]waf.EventTerms{waf.EventFieldHostID: {In: []string{"h3"}}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := f
			f.Page, f.Terms = waf.Page{Offset: c.offset, Limit: 10}, c.terms
			b.ReportAllocs()
			for b.Loop() {
				if evs, _, err := db.FindEvents(ctx, f); err != nil || len(evs) != 10 {
					b.Fatal(err, len(evs))
				}
			}
		})
	}
	b.Run("prune-keep-50k", func(b *testing.B) {
		// After the first pruning (untimed) nothing is left to delete: this
		// is the recurring cost of applying the count limit.
		if _, err := db.PruneEvents(ctx, benchEventProject, time.Time{}, 50000); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := db.PruneEvents(ctx, benchEventProject, time.Time{}, 50000); err != nil {
				b.Fatal(err)
			}
		}
	})
}
