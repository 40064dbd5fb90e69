// Package precise decides WAF precise-protection (custom) rules: which rule
// of a policy blocks, passes or logs a request.
//
// Compile turns the enabled rules of one policy into an immutable Set,
// ordered by priority (lower first), then creation time, then ID, with
// every condition compiled by package condition and the rules indexed by a
// literal they require (an exact path, the first segment of a path prefix,
// the /16 of an IPv4 block or the /32 of an IPv6 one, the method), so that
// (*Set).Match visits only the rules a request can satisfy, in order, and
// allocates nothing.
//
// The package is domain logic: it reads the rule models of package waf and
// the request view of package inspect, nothing else.
package precise
