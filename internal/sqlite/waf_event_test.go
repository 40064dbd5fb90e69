package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/waf"
)

func TestWAFEventConformance(t *testing.T) {
	storetest.RunWAFEvents(t, func(t *testing.T) waf.EventStore { return MustOpen(t) })
}

// Events are not policy: writing them must not make the decision engine
// recompile.
func TestWAFEventsBumpNoRevision(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	if err := db.InsertEvents(ctx, []waf.Event{{ID: waf.NewID(), ProjectID: proj, Time: time.Now(), RuleType: "geoip", Action: "block"}}); err != nil {
		t.Fatal(err)
	}
	if rev, err := db.Revision(ctx, proj, rampart.FamilyWAF); err != nil || rev != 0 {
		t.Fatalf("revision after an event = %d, %v; want 0", rev, err)
	}
}

// A recorder stopped right after accepting events writes all of them before
// Run returns.
func TestRecorderDrainsOnShutdown(t *testing.T) {
	db := MustOpen(t)
	const proj = "p0000000000000000000000000000001"
	rec := waf.NewRecorder(db, waf.RecorderConfig{BatchSize: 64, FlushInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	const n = 1000
	for i := range n {
		if !rec.Record(waf.Event{ProjectID: proj, RuleType: waf.EventGeoIP, Action: "block", URL: "/" + string(rune('a'+i%26))}) {
			t.Fatal("queue refused an event below its capacity")
		}
	}
	cancel()
	<-done
	if rec.Recorded() != n || rec.Dropped() != 0 {
		t.Fatalf("recorded %d, dropped %d; want %d, 0", rec.Recorded(), rec.Dropped(), n)
	}
	_, total, err := db.FindEvents(context.Background(), waf.EventFilter{ProjectID: proj, Page: waf.Page{Limit: 1}})
	if err != nil || total != n {
		t.Fatalf("stored %d events (%v), want %d", total, err, n)
	}
}

// Pruning more than one deletion chunk removes exactly the events beyond
// the limit.
func TestPruneEventsInChunks(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	base := time.Now().Add(-time.Hour)
	var newest string
	for b := range 12 {
		evs := make([]waf.Event, 1000)
		for i := range evs {
			evs[i] = waf.Event{ID: waf.NewID(), ProjectID: proj, Time: base.Add(time.Duration(b*1000+i) * time.Millisecond)}
		}
		newest = evs[999].ID
		if err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneEvents(ctx, proj, time.Time{}, 1500)
	if err != nil || n != 10500 {
		t.Fatalf("pruned %d (%v), want 10500", n, err)
	}
	got, total, err := db.FindEvents(ctx, waf.EventFilter{ProjectID: proj, Page: waf.Page{Limit: 1}})
	if err != nil || total != 1500 || got[0].ID != newest {
		t.Fatalf("after pruning: %d events (%v)", total, err)
	}
}
