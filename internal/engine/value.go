package engine

import "time"

// A table value packs an entry's expiry and its ref into a uint64: expiry
// in the high expBits bits (milliseconds since epochMs, 0 = never), the ref
// in the low refBits bits.
const (
	refBits = 24
	expBits = 64 - refBits
	refMask = 1<<refBits - 1
	maxRefs = 1 << refBits
	maxExp  = 1<<expBits - 1
)

// epochMs is 2024-01-01T00:00:00Z in Unix milliseconds. With 40 bits of
// milliseconds, expiries up to the year 2058 are exact; later ones are
// clamped to the largest value, which is still in the future.
const epochMs = 1704067200000

type value uint64

func pack(exp int64, ref uint32) value { return value(uint64(exp)<<refBits | uint64(ref)&refMask) }

func (v value) ref() uint32 { return uint32(v & refMask) }
func (v value) exp() int64  { return int64(uint64(v) >> refBits) }

// live reports whether an entry with value v is in force at now (a relMs
// time).
func (v value) live(now int64) bool {
	e := v.exp()
	return e == 0 || now < e
}

// expKey is the expiry as an ordering key: never expiring sorts last.
func (v value) expKey() int64 {
	if e := v.exp(); e != 0 {
		return e
	}
	return maxExp + 1
}

// relMs converts a time to milliseconds since epochMs.
func relMs(t time.Time) int64 { return t.UnixMilli() - epochMs }

// encExp encodes an expiry time: 0 for the zero time (never), at least 1
// for any other time, at most maxExp.
func encExp(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	e := relMs(t)
	if e < 1 {
		return 1
	}
	if e > maxExp {
		return maxExp
	}
	return e
}

// refInfo is what a ref names: the rule that decides. Strings are shared
// with the input model.
type refInfo struct {
	ruleType RuleType
	ruleID   string
	policyID string
}

type refKey refInfo
