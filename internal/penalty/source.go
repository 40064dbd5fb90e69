package penalty

import (
	"strings"
	"time"
)

// Kind is what identifies a punished source.
type Kind uint8

// Source kinds, from the known-attack-source rule's category.
const (
	KindIP     Kind = iota // the client address (*_ip_block)
	KindCookie             // a cookie's value (*_cookie_block)
	KindParams             // a query parameter's value (*_params_block)
	KindHeader             // a header's value (*_header_block)
	numKinds
)

// String returns the kind as the category spells it: ip, cookie, params
// or header.
func (k Kind) String() string {
	switch k {
	case KindIP:
		return "ip"
	case KindCookie:
		return "cookie"
	case KindParams:
		return "params"
	case KindHeader:
		return "header"
	}
	return ""
}

// KindOf returns the source kind of a known-attack-source category:
// long_ip_block and short_ip_block → KindIP, *_cookie_block → KindCookie,
// *_params_block → KindParams, *_header_block → KindHeader.
func KindOf(category string) (Kind, bool) {
	rest, ok := strings.CutSuffix(category, "_block")
	if !ok {
		return 0, false
	}
	_, kind, ok := strings.Cut(rest, "_")
	if !ok {
		return 0, false
	}
	for k := range numKinds {
		if k.String() == kind {
			return k, true
		}
	}
	return 0, false
}

// Month is the length of the MONTH time unit: 30 days.
const Month = 30 * 24 * time.Hour

// Duration returns block_time × time_unit (SECOND, MINUTE, HOUR, DAY or
// MONTH, case-insensitive); false for an unknown unit or a block time
// below 1.
func Duration(blockTime int, unit string) (time.Duration, bool) {
	if blockTime < 1 {
		return 0, false
	}
	var u time.Duration
	switch strings.ToUpper(unit) {
	case "SECOND":
		u = time.Second
	case "MINUTE":
		u = time.Minute
	case "HOUR":
		u = time.Hour
	case "DAY":
		u = 24 * time.Hour
	case "MONTH":
		u = Month
	default:
		return 0, false
	}
	const maxDuration = time.Duration(1<<63 - 1)
	if time.Duration(blockTime) > maxDuration/u {
		return maxDuration, true
	}
	return time.Duration(blockTime) * u, true
}
