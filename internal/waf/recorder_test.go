package waf_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/waf"
)

// memEvents is an in-memory waf.EventStore whose inserts can be held or
// failed.
type memEvents struct {
	mu      sync.Mutex
	events  []waf.Event
	batches int
	hold    chan struct{} // when not nil, inserts wait for it to close
	fail    error
}

func (m *memEvents) InsertEvents(_ context.Context, evs []waf.Event) error {
	if m.hold != nil {
		<-m.hold
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.batches++
	m.events = append(m.events, evs...)
	return nil
}
func (m *memEvents) FindEvent(context.Context, string, string) (*waf.Event, error) { return nil, nil }
func (m *memEvents) FindEvents(context.Context, waf.EventFilter) ([]*waf.Event, int, error) {
	return nil, 0, nil
}
func (m *memEvents) PruneEvents(context.Context, string, time.Time, int) (int, error) { return 0, nil }
func (m *memEvents) EventProjects(context.Context) ([]string, error)                  { return nil, nil }

func (m *memEvents) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.events)
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s never happened", what)
}

func TestRecorderFillsIDAndTimeAndFlushes(t *testing.T) {
	t.Parallel()
	m := &memEvents{}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rec := waf.NewRecorder(m, waf.RecorderConfig{FlushInterval: time.Millisecond, Now: func() time.Time { return now }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rec.Run(ctx)
	if !rec.Record(waf.Event{ProjectID: "p"}) {
		t.Fatal("refused")
	}
	// A partial batch is written by the flush timer, without shutdown.
	eventually(t, "the event written", func() bool { return m.count() == 1 })
	m.mu.Lock()
	ev := m.events[0]
	m.mu.Unlock()
	if len(ev.ID) != 32 || !ev.Time.Equal(now) {
		t.Fatalf("event ID %q time %v", ev.ID, ev.Time)
	}
	eventually(t, "Recorded counted", func() bool { return rec.Recorded() == 1 })
}

func TestRecorderDropsWhenFullWithoutBlocking(t *testing.T) {
	t.Parallel()
	m := &memEvents{hold: make(chan struct{})}
	rec := waf.NewRecorder(m, waf.RecorderConfig{Capacity: 8, BatchSize: 1, FlushInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	// The writer takes one event and blocks in the store; the queue then
	// holds 8 more; everything beyond is dropped, and Record returns at
	// once (the test would hang otherwise).
	accepted := 0
	for range 100 {
		if rec.Record(waf.Event{ProjectID: "p"}) {
			accepted++
		}
	}
	if accepted < 8 || accepted > 9 {
		t.Fatalf("accepted %d events with capacity 8", accepted)
	}
	if got := rec.Dropped(); got != uint64(100-accepted) {
		t.Fatalf("dropped %d, want %d", got, 100-accepted)
	}
	close(m.hold)
	cancel()
	<-done
	if m.count() != accepted || rec.Recorded() != uint64(accepted) {
		t.Fatalf("wrote %d (recorded %d), accepted %d", m.count(), rec.Recorded(), accepted)
	}
}

func TestRecorderCountsFailedBatchesAsDropped(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk full")
	m := &memEvents{fail: boom}
	var mu sync.Mutex
	var seen error
	rec := waf.NewRecorder(m, waf.RecorderConfig{OnError: func(err error) { mu.Lock(); seen = err; mu.Unlock() }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	rec.Record(waf.Event{ProjectID: "p"})
	rec.Record(waf.Event{ProjectID: "p"})
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if rec.Dropped() != 2 || rec.Recorded() != 0 || !errors.Is(seen, boom) {
		t.Fatalf("dropped %d recorded %d error %v", rec.Dropped(), rec.Recorded(), seen)
	}
}

func TestRecorderEventIDsAreUniqueHex(t *testing.T) {
	t.Parallel()
	a := waf.NewRecorder(&memEvents{}, waf.RecorderConfig{})
	b := waf.NewRecorder(&memEvents{}, waf.RecorderConfig{})
	seen := map[string]bool{}
	for range 10000 {
		for _, id := range []string{a.NewEventID(), b.NewEventID()} {
			if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" || seen[id] {
				t.Fatalf("event ID %q: not 32 hex characters or repeated", id)
			}
			seen[id] = true
		}
	}
}

// A blocked client chooses the request line: the recorder keeps a bounded
// prefix of it, so that a flood of long URLs cannot grow the store by up
// to the request-header limit (64 KiB) per event.
func TestRecorderBoundsRequestLine(t *testing.T) {
	t.Parallel()
	m := &memEvents{}
	rec := waf.NewRecorder(m, waf.RecorderConfig{FlushInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	long := "/search?q=" + strings.Repeat("é", 30000)
	rec.Record(waf.Event{ProjectID: "p", Method: strings.Repeat("M", 60000), URL: long, Host: strings.Repeat("a.", 30000) + "example.com"})
	rec.Record(waf.Event{ProjectID: "p", Method: "GET", URL: "/short?q=1"})
	cancel()
	<-done
	if m.count() != 2 {
		t.Fatalf("wrote %d events", m.count())
	}
	ev := m.events[0]
	if len(ev.URL) > 2048 || !strings.HasPrefix(long, ev.URL) || !utf8.ValidString(ev.URL) || len(ev.URL) < 2000 || len(ev.Method) > 32 || len(ev.Host) > 255 {
		t.Fatalf("stored a %d-byte URL, a %d-byte method and a %d-byte host", len(ev.URL), len(ev.Method), len(ev.Host))
	}
	if m.events[1].URL != "/short?q=1" || m.events[1].Method != "GET" {
		t.Fatalf("short request line changed: %+v", m.events[1])
	}
}
