package engine

import (
	"context"
	"net/netip"
	"time"
)

// ipEvent is the expiry of one emergency address entry, kept small (40
// bytes) because there may be a million of them.
type ipEvent struct {
	at    int64
	val   value
	addr  [16]byte
	bits  uint8
	table uint8
	cat   uint8
	is4   bool
}

func ipEventFor(at int64, v value, p netip.Prefix, table, cat uint8) ipEvent {
	a := p.Addr()
	ev := ipEvent{at: at, val: v, addr: a.As16(), bits: uint8(p.Bits()), table: table, cat: cat, is4: a.Is4()}
	return ev
}

func (ev *ipEvent) prefix() netip.Prefix {
	a := netip.AddrFrom16(ev.addr)
	if ev.is4 {
		a = a.Unmap()
	}
	return netip.PrefixFrom(a, int(ev.bits))
}

func (ev ipEvent) due() int64 { return ev.at }

// Event kinds of the general heap.
const (
	evExpireName = iota // an emergency user or domain entry expires
	evWBStart           // a whiteblackip rule's time window opens
	evWBEnd             // a whiteblackip rule's time window closes
)

type event struct {
	at     int64
	kind   uint8
	table  uint32
	name   string
	val    value
	policy int32
	rule   string
	seq    uint64
}

func (ev event) due() int64 { return ev.at }

type timed interface{ due() int64 }

// minHeap is a binary min-heap on due().
type minHeap[T timed] []T

func (h *minHeap[T]) push(x T) {
	*h = append(*h, x)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p].due() <= a[i].due() {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h minHeap[T]) next() (int64, bool) {
	if len(h) == 0 {
		return 0, false
	}
	return h[0].due(), true
}

func (h *minHeap[T]) pop() T {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	var zero T
	a[last] = zero
	a = a[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a[l].due() < a[m].due() {
			m = l
		}
		if r < len(a) && a[r].due() < a[m].due() {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

type ipHeap = minHeap[ipEvent]
type eventHeap = minHeap[event]

func (e *Engine) pushEvent(ev event) {
	e.events.push(ev)
	e.signal()
}

func (e *Engine) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Sweep applies every expiry and activation due at now: expired emergency
// entries and whiteblackip rules are removed, whiteblackip rules whose
// window has opened are inserted, all in one new published version (none
// when nothing was due). It returns the number of events applied.
// Lookups already ignore expired entries, so Sweep only frees memory and
// brings activations in; Run calls it on time.
func (e *Engine) Sweep(now time.Time) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := relMs(now)
	cur := e.cur.Load()
	ns := *cur
	applied := 0
	for {
		at, ok := e.ipEvents.next()
		if !ok || at > n {
			break
		}
		ev := e.ipEvents.pop()
		if mtRemove(e, &ns.em[ev.table-tblEmIP], uint32(ev.table), ev.prefix(), int(ev.cat), ev.val) {
			applied++
		}
	}
	for {
		at, ok := e.events.next()
		if !ok || at > n {
			break
		}
		ev := e.events.pop()
		switch ev.kind {
		case evExpireName:
			var m *map[string]value
			if ev.table >= tblEmDomain {
				sub := ev.table - tblEmDomain
				m = &ns.emDomain[sub/2][sub%2]
			} else {
				sub := ev.table - tblEmUser
				m = &ns.emUser[sub/2][sub%2]
			}
			if e.mapRemove(m, ev.table, ev.name, ev.val) {
				applied++
			}
		case evWBStart, evWBEnd:
			r := e.wb[ruleKey{policy: ev.policy, id: ev.rule}]
			if r == nil || r.seq != ev.seq {
				continue // replaced or removed since
			}
			if ev.kind == evWBEnd {
				if r.inserted {
					e.wbDelete(&ns, ev.policy, r)
					applied++
				}
				continue
			}
			if t := encExp(r.rule.Terminal); !r.inserted && (t == 0 || t > n) {
				e.wbInsert(&ns, ev.policy, r)
				applied++
			}
		}
	}
	if applied > 0 {
		ns.refs = e.refs
		ns.version++
		e.cur.Store(&ns)
	}
	return applied
}

// NextDue returns the time of the earliest pending expiry or activation.
func (e *Engine) NextDue() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, okA := e.ipEvents.next()
	b, okB := e.events.next()
	switch {
	case okA && okB:
		a = min(a, b)
	case okB:
		a = b
	case !okA:
		return time.Time{}, false
	}
	return time.UnixMilli(a + epochMs), true
}

// Run sweeps on time until ctx is done: it sleeps until the next due event
// (at most maxWait), sweeps with the Engine's clock, and wakes early when a
// change schedules an earlier event. With an injected clock, call Sweep
// directly instead.
func (e *Engine) Run(ctx context.Context, maxWait time.Duration) {
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.wake:
		}
		e.Sweep(e.now())
		wait := maxWait
		if at, ok := e.NextDue(); ok {
			wait = min(max(time.Until(at), 0), maxWait)
		}
		t.Reset(wait)
	}
}
