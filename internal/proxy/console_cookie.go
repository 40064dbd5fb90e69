package proxy

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
)

// consoleCookiePrefix is how the console's session cookie starts inside a
// Cookie header.
var consoleCookiePrefix = []byte(rampart.ConsoleCookie + "=")

// hasConsoleCookie reports whether a Cookie header value may carry the
// console's session cookie (a cheap test; the removal parses the pairs).
func hasConsoleCookie(v []byte) bool {
	return bytes.Contains(v, consoleCookiePrefix)
}

// dropConsoleCookie removes the web console's session cookie
// (rampart.ConsoleCookie) from the Cookie headers of a request bound for
// an origin, keeping every other pair in its order; a header left empty is
// removed.
func dropConsoleCookie(h http.Header) {
	values := h["Cookie"]
	if len(values) == 0 {
		return
	}
	kept := values[:0:0]
	changed := false
	for _, v := range values {
		if !strings.Contains(v, rampart.ConsoleCookie+"=") {
			kept = append(kept, v)
			continue
		}
		var pairs []string
		for pair := range strings.SplitSeq(v, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if name == rampart.ConsoleCookie {
				changed = true
				continue
			}
			if p := strings.TrimSpace(pair); p != "" {
				pairs = append(pairs, p)
			}
		}
		if len(pairs) > 0 {
			kept = append(kept, strings.Join(pairs, "; "))
		}
	}
	if !changed {
		return
	}
	if len(kept) == 0 {
		delete(h, "Cookie")
		return
	}
	h["Cookie"] = kept
}
