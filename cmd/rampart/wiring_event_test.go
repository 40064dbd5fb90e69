package main

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/waf"
)

// capturedEvents is an event store that keeps what it is given.
type capturedEvents struct {
	mu  sync.Mutex
	evs []waf.Event
}

func (c *capturedEvents) InsertEvents(_ context.Context, evs []waf.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evs = append(c.evs, evs...)
	return nil
}
func (c *capturedEvents) FindEvent(context.Context, string, string) (*waf.Event, error) {
	return nil, nil
}
func (c *capturedEvents) FindEvents(context.Context, waf.EventFilter) ([]*waf.Event, int, error) {
	return nil, 0, nil
}
func (c *capturedEvents) PruneEvents(context.Context, string, time.Time, int) (int, error) {
	return 0, nil
}
func (c *capturedEvents) EventProjects(context.Context) ([]string, error) { return nil, nil }

// The data plane's CC and known-attack-source events reach the store with
// their rule type, and their key or punished source as the payload.
func TestEventSinkRecordsPolicyRuleEvents(t *testing.T) {
	st := &capturedEvents{}
	ctx, cancel := context.WithCancel(context.Background())
	rec, wait := startEventRecorder(ctx, st, slog.New(slog.DiscardHandler))
	sink := eventSink{rec}
	base := proxy.Event{Time: time.Now(), ProjectID: "p1", HostID: "h1", Hostname: "www.example.com", PolicyID: "pol1",
		ClientIP: netip.MustParseAddr("192.0.2.9"), Action: decision.ActionBlock, Method: "GET", URL: "/"}
	cc, pun, custom := base, base, base
	cc.EventID, cc.RuleType, cc.RuleID, cc.Key = waf.NewID(), decision.RuleCC, "cc1", "192.0.2.9"
	pun.EventID, pun.RuleType, pun.RuleID, pun.Key, pun.KeyKind = waf.NewID(), decision.RulePunishment, "pu1", "sess-1", "cookie"
	custom.EventID, custom.RuleType, custom.RuleID = waf.NewID(), decision.RuleCustom, "c1"
	for _, ev := range []proxy.Event{cc, pun, custom} {
		if !sink.Record(ev) {
			t.Fatal("event dropped")
		}
	}
	cancel()
	wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.evs) != 3 {
		t.Fatalf("%d events stored", len(st.evs))
	}
	got := map[string]waf.Event{}
	for _, e := range st.evs {
		got[e.RuleType] = e
	}
	if e := got[waf.EventCC]; e.RuleID != "cc1" || e.Payload != "192.0.2.9" || e.Attack() != "cc" || e.Status != 418 {
		t.Errorf("cc event %+v", e)
	}
	if e := got[waf.EventPunishment]; e.Payload != "sess-1" || e.PayloadLocation != "cookie" || e.Attack() != "followed_action" {
		t.Errorf("punishment event %+v", e)
	}
	if e := got[waf.EventCustom]; e.RuleID != "c1" || e.Payload != "" || e.Attack() != "custom_custom" {
		t.Errorf("custom event %+v", e)
	}
}
