package cc

// matchPath compares a request path as it arrived (percent-encoded) with
// want (already decoded), decoding the path once on the fly: equal, or
// beginning with want when prefix. It allocates nothing.
func matchPath(raw, want string, prefix bool) bool {
	j := 0
	for i := 0; i < len(raw); {
		c, n := raw[i], 1
		if c == '%' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
			c, n = unhex(raw[i+1])<<4|unhex(raw[i+2]), 3
		}
		if j == len(want) {
			return prefix
		}
		if want[j] != c {
			return false
		}
		i, j = i+n, j+1
	}
	return j == len(want)
}

// decodePath decodes the percent escapes of a rule's URL once; an escape
// that is not one is kept as it is, as matchPath does.
func decodePath(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
