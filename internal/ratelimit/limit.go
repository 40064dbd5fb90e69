package ratelimit

import (
	"errors"
	"time"
)

// Mode is what a key over its limit gets.
type Mode uint8

const (
	// Block locks a key that goes over its limit for Limit.Lock, or until
	// its window ends when Lock is 0; every request of a locked key is
	// Blocked.
	Block Mode = iota
	// Log reports the requests over the limit (Over) and blocks none.
	Log
	// Dynamic blocks a key from the request that goes over the limit until
	// a window of the key ends with fewer than Limit.Unlock requests (the
	// blocked ones included); the next window lets it through again.
	Dynamic
)

// MaxPeriod is the longest period a Limit may have.
const MaxPeriod = 65535 * time.Second

// Limit is how many requests a key may make per period and what happens
// beyond. The zero Limit is not valid: Num and Period must be set.
type Limit struct {
	Num    uint32        // requests counted per window before the key is over
	Period time.Duration // length of a window: whole seconds, 1 s to MaxPeriod
	Lock   time.Duration // Block: how long a key over the limit stays locked; 0: until its window ends
	Unlock uint32        // Dynamic: a window with fewer requests lifts the block; 0 counts as 1
	Mode   Mode
}

// Validate reports whether the limit can be counted.
func (l Limit) Validate() error {
	switch {
	case l.Num == 0:
		return errors.New("ratelimit: the limit must allow at least one request")
	case l.Period < time.Second || l.Period > MaxPeriod || l.Period%time.Second != 0:
		return errors.New("ratelimit: the period must be whole seconds from 1 to 65535")
	case l.Lock < 0:
		return errors.New("ratelimit: the lock time must not be negative")
	case l.Mode > Dynamic:
		return errors.New("ratelimit: unknown mode")
	}
	return nil
}

// Decision is the outcome of counting one request.
type Decision uint8

const (
	// Allowed: the key is within its limit.
	Allowed Decision = iota
	// Over: the key is over its limit and the mode is Log; let it through.
	Over
	// Blocked: the key is over its limit (or locked) and the mode blocks.
	Blocked
	// Untracked: no slot could be given to the key (every slot it may take
	// holds a protected key); the request was not counted.
	Untracked
)

// String names the decision for tests and logs.
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case Over:
		return "over"
	case Blocked:
		return "blocked"
	case Untracked:
		return "untracked"
	}
	return "unknown"
}
