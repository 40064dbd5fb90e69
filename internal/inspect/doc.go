// Package inspect is Rampart's basic web protection detector: it looks at a
// request view (path, parameters, cookies, headers and a bounded body
// prefix) and reports the first web attack it finds, with Huawei's attack
// type names (sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln), a 6-digit
// rule id, the location matched and a bounded, escaped excerpt.
//
// The package has no HTTP plumbing. It is organised the way Coraza keeps
// its parts apart: transformations (transform.go: URL, HTML-entity,
// \u/%u and base64 decoding), a byte-class prefilter (classes.go), the rule
// catalogue (catalogue_*.go: compiled matchers and the libinjection SQL and
// XSS classifiers) and the compiler (config.go), which turns one Config into
// an immutable *Inspector that every policy with that configuration shares.
//
// Work per request is bounded: every value is cut at MaxValueBytes, the body
// at MaxBodyBytes, decoding runs at most MaxDecodeRounds rounds, and at most
// MaxValues values are looked at. A clean value made only of letters,
// digits and a few neutral bytes is skipped after one table-driven scan,
// without decoding and without allocating.
package inspect
