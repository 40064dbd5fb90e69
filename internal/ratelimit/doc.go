// Package ratelimit counts requests per key in bounded memory: a fixed set
// of preallocated slots, so that a flood of distinct keys costs no memory
// and no time beyond the table's own, and can push out only keys that are
// under their limit.
//
// # Keys
//
// A key is a 64-bit hash (Table.Key, Table.KeyBytes) of a scope (the caller's
// rule and its limit settings), an optional host name and the key value,
// made with a seed chosen when the table is made. Two different keys that
// hash alike share one counter; with 64-bit hashes and a million keys that
// happens with a probability of about 3·10⁻⁸ per table (birthday bound), and
// an outsider cannot aim at it because the seed is random.
//
// # Table
//
// The table is split into shards chosen by the top bits of the hash, each
// with its own lock and a preallocated array of 32-byte slots addressed by
// open addressing with linear probing over a window of ProbeWindow slots.
// Every slot holds at most one key, so the table never tracks more keys
// than it has slots (Cap). Slots are never emptied: a key that is pushed
// out is overwritten in place by the newcomer, so no tombstones are needed
// and a lookup stops at the first empty slot.
//
// # Eviction
//
// A new key takes the first empty slot of its probe window. When the window
// has none (the table is nearly full), it replaces, within its window, a
// key whose state has run out (its window ended a full period ago and it is
// not blocked: forgetting it changes nothing), else the least recently seen
// key (one-second resolution) that is not protected. Protected keys are
// never pushed out: a key locked by Block, a key over its limit in the
// current window (Log), and a key blocked by Dynamic until one period after
// its current window ends. When every slot of the window is protected, the
// new key is not tracked: Count returns Untracked and the request is let
// through; Stats counts how often. An attacker can therefore get requests
// through only by keeping more keys blocked at once than the table holds
// (more precisely, the ProbeWindow slots a new key may take), and never by
// flooding new keys to unblock a blocked one.
//
// # Counting
//
// Counting uses fixed windows aligned to the key: a key's first window
// begins at its first request, and the next ones follow back to back, so a
// client sending without pause gets exactly Limit.Num requests counted per
// window. Every request is counted, blocked ones too. At the window edge a
// fixed window lets up to 2·Num requests through within one period that
// straddles it; averaged over periods, the rate stays at Num per period.
//
// The package is domain logic and imports only the standard library.
package ratelimit
