package inspect

import (
	"regexp"
	"strings"
)

// target says which part of a request a rule looks at.
type target uint8

const (
	tURL      target = 1 << iota // the path
	tParams                      // query parameters and form, JSON and multipart text fields
	tCookie                      // cookie values
	tHeader                      // every header value, with check_all_headers
	tUA                          // the User-Agent header, always
	tRaw                         // bodies that are not fields (XML, text, uploaded files)
	tPartHead                    // the headers of a multipart part
)

// numTargets is the number of target bits.
const numTargets = 7

// rule is one entry of the built-in catalogue.
type rule struct {
	id       string
	attack   string
	level    int    // the lowest protection level that runs it
	webshell bool   // part of the webshell switch rather than the common one
	targets  target // where it applies
	// Prefilter: the rule runs only on values holding one of needsAny (when
	// not 0), all of needsAll, and one of keywords (lower case) in any
	// case, when there are keywords.
	needsAny class
	needsAll class
	keywords []string
	// match reports whether s matches and where (start, end); end 0 means
	// the whole value.
	match func(s string) (start, end int, ok bool)
}

// re turns a regular expression into a matcher.
func re(expr string) func(string) (int, int, bool) {
	r := regexp.MustCompile(expr)
	return func(s string) (int, int, bool) {
		if !r.MatchString(s) {
			return 0, 0, false
		}
		loc := r.FindStringIndex(s)
		return loc[0], loc[1], true
	}
}

// reWith is re run only on values that hold every one of words (lower
// case, found in any case): a second literal prefilter for expressions
// whose keywords are common words.
func reWith(words []string, expr string) func(string) (int, int, bool) {
	match := re(expr)
	return func(s string) (int, int, bool) {
		for _, w := range words {
			if !containsFold(s, w) {
				return 0, 0, false
			}
		}
		return match(s)
	}
}

// reWhen is re run only on values for which may holds: a check in Go of
// bytes that every match of expr holds, cheaper than the expression's
// attempt at every position of a value that has none of them.
func reWhen(may func(string) bool, expr string) func(string) (int, int, bool) {
	match := re(expr)
	return func(s string) (int, int, bool) {
		if !may(s) {
			return 0, 0, false
		}
		return match(s)
	}
}

// containsFold reports whether s holds the lower-case ASCII word w in any
// case. It compares only at the positions of w's first byte (in either
// case), which it finds with strings.IndexByte.
func containsFold(s, w string) bool {
	if w == "" {
		return true
	}
	lo, up := w[0], w[0]
	if lo >= 'a' && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	for i := 0; i+len(w) <= len(s); i++ {
		j := indexEither(s[i:len(s)-len(w)+1], lo, up)
		if j < 0 {
			return false
		}
		i += j
		if hasFoldedPrefix(s[i:], w) {
			return true
		}
	}
	return false
}

// indexEither returns the index of the first a or b in s, or -1.
func indexEither(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	if i >= 0 {
		s = s[:i] // a b after the first a does not matter
	}
	if j := strings.IndexByte(s, b); j >= 0 {
		return j
	}
	return i
}

// whole turns a yes/no classifier into a matcher.
func whole(f func(string) bool) func(string) (int, int, bool) {
	return func(s string) (int, int, bool) { return 0, 0, f(s) }
}

// catalogue is every built-in rule, in the order they are tried.
var catalogue = concat(sqliRules, xssRules, webshellRules, cmdiRules, codeRules, inclusionRules, protocolRules, robotRules, shellRules, phpRules, ssrfRules)

func concat(lists ...[]rule) []rule {
	var all []rule
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}
