// Package penalty is the known-attack-source box of the WAF data plane:
// the sources (client address, or the cookie, parameter or header value
// that identifies a visitor) that a known-attack-source rule blocks until
// a given time, after a request from them was blocked. The box is bounded
// in memory and sharded; it imports no infrastructure.
package penalty
