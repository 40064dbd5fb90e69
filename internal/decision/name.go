package decision

import "unicode/utf8"

// PrintableName reports whether s can name a host, user or group in a
// decision: it holds no space, control character or U+FFFD (what JSON
// decoding makes of invalid UTF-8). The decision API refuses other names,
// and a stored rule naming one could never match, so the families that
// store such names refuse them too.
func PrintableName(s string) bool {
	for _, c := range s {
		if c <= ' ' || c == 0x7f || c == utf8.RuneError {
			return false
		}
	}
	return true
}
