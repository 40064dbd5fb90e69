// Package condition compiles the request conditions of WAF rules into an
// immutable Set that decides, without allocating, whether a request
// satisfies all of them. Precise-protection rules, CC rules and false-alarm
// masks share it, so a condition means the same in every module.
//
// Compile takes the conditions of a precise-protection or CC rule
// (waf.CustomCondition) and the project's reference tables; CompileIgnore
// the conditions of an ignore rule (waf.IgnoreCondition), which add regular
// expressions, the request body and the every-field / any-field forms.
// Everything a condition needs is prepared once: numbers parsed, CIDR
// blocks parsed and masked, reference tables resolved and their type
// checked, regular expressions compiled, and the conditions of a Set
// ordered so that the cheapest are tried first.
//
// A named field (params, cookie, header) may occur more than once; the two
// kinds of rule read it so that repeating it never helps a request past
// them: the condition of a rule that blocks, logs or counts (Compile)
// holds when one occurrence satisfies it; that of a rule that lets a
// request through (CompilePass, CompileIgnore) only when every occurrence
// does.
//
// How each category reads the request and what an operation does on a
// field the request lacks is written in docs/compatibility.md ("Precise
// protection: how conditions are evaluated").
//
// The package is domain logic: it reads the rule models of package waf and
// the request view of package inspect, nothing else.
package condition
