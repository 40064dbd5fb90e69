package inspect

import (
	"strconv"
	"strings"
)

// excerpt returns at most MaxExcerptBytes of s from shortly before start,
// escaped so that it is safe to store and show: quotes, backslashes,
// control and non-ASCII bytes are written as Go escapes.
func excerpt(s string, start, end int) string {
	if end <= start { // a whole-value match: start at the first byte that is not a letter or digit
		start = 0
		for start < len(s) && byteClass[s[start]]&^cUpper == 0 {
			start++
		}
		if start == len(s) {
			start = 0
		}
	}
	from := max(0, start-MaxExcerptBytes/4)
	to := min(len(s), from+MaxExcerptBytes)
	q := strconv.QuoteToASCII(strings.ToValidUTF8(s[from:to], "\uFFFD"))
	return q[1 : len(q)-1]
}
