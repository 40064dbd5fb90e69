package ratelimit

import (
	"math"
	"time"
)

// slot is the state of one key: 32 bytes.
type slot struct {
	hash   uint64 // the key; 0: empty
	at     int64  // Unix ns: the end of the current window, or of the lock while locked
	count  uint32 // requests of the current window (of the lock while locked)
	prev   uint32 // requests of the previous window
	seen   uint32 // Unix seconds of the last request (eviction order)
	period uint16 // seconds, for eviction decisions made without the limit
	state  uint8  // stateCounting, stateLocked or stateDynamic, plus flagOver
	_      uint8
}

const (
	stateCounting uint8 = 0
	stateLocked   uint8 = 1 // Block: every request refused until at
	stateDynamic  uint8 = 2 // Dynamic: refused until a window ends under Unlock
	stateMask     uint8 = 3
	flagOver      uint8 = 4 // Log: over the limit in the current window
)

// start gives a new key its first window, beginning now.
func (s *slot) start(hash uint64, l *Limit, now int64) {
	*s = slot{hash: hash, at: now + int64(l.Period), period: uint16(l.Period / time.Second)}
}

// hit counts one request at now and decides.
func (s *slot) hit(l *Limit, now int64) Decision {
	p := int64(l.Period)
	s.period = uint16(l.Period / time.Second)
	if s.state&stateMask == stateLocked {
		if now < s.at {
			s.inc()
			return Blocked
		}
		// The lock is over: windows follow on from its end.
		s.state = stateCounting
		s.count = 0
	}
	if now >= s.at {
		k := (now - s.at) / p
		if k == 0 {
			s.prev = s.count
		} else {
			s.prev = 0
		}
		s.at += (k + 1) * p
		s.count = 0
		s.state &^= flagOver
		if s.state == stateDynamic && s.prev < max(l.Unlock, 1) {
			s.state = stateCounting
		}
	}
	s.inc()
	switch l.Mode {
	case Block:
		if s.count > l.Num {
			s.state = stateLocked
			if l.Lock > 0 {
				s.at = now + int64(l.Lock)
			}
			return Blocked
		}
	case Log:
		if s.count > l.Num {
			s.state |= flagOver
			return Over
		}
	case Dynamic:
		if s.state == stateDynamic {
			return Blocked
		}
		if s.count > l.Num {
			s.state = stateDynamic
			return Blocked
		}
	}
	return Allowed
}

func (s *slot) inc() {
	if s.count < math.MaxUint32 {
		s.count++
	}
}

// protected reports whether the key must not be pushed out at now: it is
// locked, over its limit in the current window, or dynamically blocked
// (which the next window may carry on).
func (s *slot) protected(now int64) bool {
	switch s.state & stateMask {
	case stateLocked:
		return now < s.at
	case stateDynamic:
		return now < s.at+int64(s.period)*int64(time.Second)
	}
	return s.state&flagOver != 0 && now < s.at
}

// spent reports whether forgetting the key at now changes nothing but where
// its next window begins: it is not protected, and its last window ended a
// full period ago (or its lock ended).
func (s *slot) spent(now int64) bool {
	if s.protected(now) {
		return false
	}
	if s.state&stateMask == stateLocked {
		return true
	}
	return now >= s.at+int64(s.period)*int64(time.Second)
}
