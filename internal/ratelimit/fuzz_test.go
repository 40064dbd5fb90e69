package ratelimit_test

import (
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
)

// model is a plain restatement of the counting rules, one window at a time,
// against which the table is checked.
type model struct {
	started     bool
	windowStart time.Time
	count, prev uint32
	locked      bool
	lockUntil   time.Time
	dynamic     bool
}

func (m *model) count1(l ratelimit.Limit, now time.Time) ratelimit.Decision {
	if !m.started {
		*m = model{started: true, windowStart: now}
	}
	if m.locked {
		if now.Before(m.lockUntil) {
			return blocked
		}
		m.locked = false
		m.windowStart, m.count = m.lockUntil, 0
	}
	for !now.Before(m.windowStart.Add(l.Period)) {
		m.prev, m.count = m.count, 0
		m.windowStart = m.windowStart.Add(l.Period)
		if m.dynamic && m.prev < max(l.Unlock, 1) {
			m.dynamic = false
		}
	}
	m.count++
	if m.count <= l.Num && !m.dynamic {
		return allowed
	}
	switch l.Mode {
	case ratelimit.Log:
		return over
	case ratelimit.Dynamic:
		m.dynamic = true
	default:
		m.locked = true
		m.lockUntil = m.windowStart.Add(l.Period)
		if l.Lock > 0 {
			m.lockUntil = now.Add(l.Lock)
		}
	}
	return blocked
}

// FuzzCountMatchesModel: for any limit and any sequence of requests of a
// few keys, the table decides as the model does.
func FuzzCountMatchesModel(f *testing.F) {
	f.Add([]byte{0x00, 0, 1, 0, 1, 0, 1, 0, 30, 0, 1})
	f.Add([]byte{0x41, 1, 3, 1, 3, 1, 3, 1, 25, 1, 25, 1, 2})
	f.Add([]byte{0xd2, 0, 0, 0, 0, 0, 0, 2, 10, 0, 40, 0, 40, 0, 5})
	f.Add([]byte{0x3e, 2, 1, 2, 1, 2, 1, 2, 1, 2, 200, 2, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		b := data[0]
		l := ratelimit.Limit{
			Num:    1 + uint32(b%4),
			Period: time.Duration(1+(b>>2)%3) * time.Second,
			Lock:   time.Duration((b>>4)%3) * 2 * time.Second,
			Unlock: uint32(b >> 6),
			Mode:   ratelimit.Mode(b % 3),
		}
		tab := mustNew(t, 100)
		var models [3]model
		now := t0
		for i := 1; i+1 < len(data) && i < 2000; i += 2 {
			k := int(data[i] % 3)
			now = now.Add(time.Duration(data[i+1]) * 50 * time.Millisecond)
			want := models[k].count1(l, now)
			if got := tab.Count(tab.Key(9, "", string(rune('a'+k))), &l, now); got != want {
				t.Fatalf("limit %+v, request %d (key %d at +%v): table %v, model %v", l, i/2, k, now.Sub(t0), got, want)
			}
		}
	})
}
