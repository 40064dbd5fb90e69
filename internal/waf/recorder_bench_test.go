package waf_test

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// discardEvents is an EventStore that writes nothing.
type discardEvents struct{ memEvents }

func (*discardEvents) InsertEvents(context.Context, []waf.Event) error { return nil }

func benchEvent() waf.Event {
	return waf.Event{ProjectID: "p0000000000000000000000000000001", HostID: "h", Host: "www.example.com", PolicyID: "pol",
		ClientIP: "192.0.2.1", Location: "US", RuleType: waf.EventGeoIP, RuleID: "r", Action: "block", Method: "GET", URL: "/"}
}

// startRecorder runs a recorder over a store that writes nothing, draining
// every millisecond; stop ends it and reports the events dropped.
func startRecorder(b *testing.B) (*waf.Recorder, func()) {
	rec := waf.NewRecorder(&discardEvents{}, waf.RecorderConfig{FlushInterval: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	return rec, func() {
		b.StopTimer()
		cancel()
		<-done
		b.ReportMetric(float64(rec.Dropped()), "dropped")
	}
}

// BenchmarkRecord is the cost a request pays to record an event: Record
// (ID and time filled, a channel send) with Run draining the queue into a
// store that writes nothing, against a bare send of the same Event on a
// buffered channel drained by a goroutine (the floor). "full" is the drop
// path: the queue is full and nothing drains it.
func BenchmarkRecord(b *testing.B) {
	b.Run("record", func(b *testing.B) {
		rec, stop := startRecorder(b)
		ev := benchEvent()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec.Record(ev)
			}
		})
		stop()
	})
	b.Run("record-1-producer", func(b *testing.B) {
		rec, stop := startRecorder(b)
		ev := benchEvent()
		b.ReportAllocs()
		for b.Loop() {
			rec.Record(ev)
		}
		stop()
	})
	b.Run("chan-baseline", func(b *testing.B) {
		ch := make(chan waf.Event, 1<<16)
		done := make(chan struct{})
		go func() {
			for range ch {
			}
			close(done)
		}()
		ev := benchEvent()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ch <- ev
			}
		})
		b.StopTimer()
		close(ch)
		<-done
	})
	b.Run("full", func(b *testing.B) {
		rec := waf.NewRecorder(&discardEvents{}, waf.RecorderConfig{Capacity: 1})
		ev := benchEvent()
		ev.ID, ev.Time = waf.NewID(), time.Now()
		rec.Record(ev)
		b.ReportAllocs()
		for b.Loop() {
			rec.Record(ev)
		}
	})
}
