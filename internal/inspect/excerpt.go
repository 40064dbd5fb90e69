package inspect

import (
	"strconv"
	"strings"
)

// excerpt returns at most MaxExcerptBytes of s around [start, end),
// escaped so that it is safe to store and show: quotes, backslashes,
// control and non-ASCII bytes are written as Go escapes.
func excerpt(s string, start, end int) string {
	if end <= start {
		start, end = 0, len(s)
	}
	from := max(0, start-MaxExcerptBytes/4)
	to := min(len(s), from+MaxExcerptBytes)
	q := strconv.QuoteToASCII(strings.ToValidUTF8(s[from:to], "\uFFFD"))
	return q[1 : len(q)-1]
}
