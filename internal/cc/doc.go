// Package cc decides CC attack protection: it compiles the CC rules of one
// WAF policy (waf.CCRule) into an immutable Set and, per request, counts the
// request under every rule that matches and says whether one of them acts.
//
// The counters live in a long-lived *ratelimit.Table that the caller keeps
// across recompiles. A rule's counters are keyed by its ID and a hash of its
// counting settings (tag type and index, referers, domain aggregation,
// limit, period, lock time, unlock number, action), so recompiling an
// unchanged rule keeps its counts, and editing one of those settings starts
// that rule afresh without touching the others.
//
// Check takes no lock of its own (the Set is read-only; the table locks one
// shard per count) and allocates nothing unless a rule acts on an address
// key (the verdict names the address as text).
//
// The choices Huawei does not document (which part of a URL is compared,
// what each tag type keys on, how referers are matched, captcha) are listed
// in docs/compatibility.md, "CC attack protection: how Rampart counts".
//
// The package is domain logic: it reads the rule model of package waf and
// the request view of package inspect, and counts with package ratelimit.
package cc
