// Package mask decides false-alarm masking: whether an ignore rule (Huawei's
// global protection whitelist) of a WAF policy covers a detection of basic
// web protection on a request.
//
// Compile turns the ignore rules of one policy into an immutable Set once,
// when the data plane rebuilds its table: host names, attack types and
// rule IDs are resolved and regular expressions compiled then, so that
// (*Set).Masks does no parsing and, for every rule without field-limited
// advanced settings, no allocation. A nil *Set masks nothing.
//
// The package is domain logic: it reads the rule model of package waf and
// the request view and verdict of package inspect, nothing else.
package mask
