package inspect

import (
	"slices"
	"unicode/utf8"
)

// The transformations below append their output to dst and report whether
// the input changed. When it did not, dst is returned as it was and the
// caller keeps using src. None of them makes its input longer, so decoding
// a value of at most MaxValueBytes stays within MaxValueBytes. Malformed
// escapes are kept as they are, the way a lenient server would.

// URLDecode percent-decodes src. With plusSpace, '+' becomes a space (form
// encoding).
func URLDecode(dst []byte, src string, plusSpace bool) ([]byte, bool) {
	out, _, changed := urlDecode(dst, src, plusSpace)
	return out, changed
}

// urlDecode is URLDecode that also returns the classes of the bytes it
// appended when it changed src.
func urlDecode(dst []byte, src string, plusSpace bool) ([]byte, class, bool) {
	start := len(dst)
	dst = slices.Grow(dst, len(src))[:start+len(src)]
	out := dst[start:]
	n := 0
	changed := false
	var m class
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '%' && i+2 < len(src) && isHex(src[i+1]) && isHex(src[i+2]):
			c = unhex(src[i+1])<<4 | unhex(src[i+2])
			i += 2
			changed = true
		case c == '+' && plusSpace:
			c = ' '
			changed = true
		}
		out[n] = c
		m |= byteClass[c]
		n++
	}
	if !changed {
		return dst[:start], 0, false
	}
	return dst[:start+n], m, true
}

// OverlongDecode folds the overlong two-byte UTF-8 forms of ASCII
// characters (0xC0 or 0xC1 then a continuation byte: C0 AF is '/', C0 AE
// '.', C1 9C '\\') to the character. Old IIS and Tomcat servers accepted
// them, and traversal payloads use them (percent-encoded, so they show up
// after URL decoding) to hide their dots and slashes.
func OverlongDecode(dst []byte, src string) ([]byte, bool) {
	first := -1
	for i := 0; i+1 < len(src); i++ {
		if (src[i] == 0xC0 || src[i] == 0xC1) && src[i+1] >= 0x80 && src[i+1] <= 0xBF {
			first = i
			break
		}
	}
	if first < 0 {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, src[:first]...)
	changed := false
	for i := first; i < len(src); i++ {
		c := src[i]
		if (c == 0xC0 || c == 0xC1) && i+1 < len(src) && src[i+1] >= 0x80 && src[i+1] <= 0xBF {
			dst = append(dst, (c&0x1F)<<6|src[i+1]&0x3F)
			i++
			changed = true
			continue
		}
		dst = append(dst, c)
	}
	if !changed {
		return dst[:start], false
	}
	return dst, true
}

// UnicodeEscapeDecode decodes the JavaScript \uXXXX and the IIS %uXXXX
// escapes to UTF-8, folding full-width forms (U+FF01 to U+FF5E), escaped
// or already in UTF-8, to ASCII.
func UnicodeEscapeDecode(dst []byte, src string) ([]byte, bool) {
	return replaceRunes(dst, src, decodeUnicodeEscape)
}

// decodeUnicodeEscape decodes the escape at the start of s, if any.
func decodeUnicodeEscape(s string) (rune, int) {
	if len(s) >= 3 && s[0] == 0xEF {
		if r, n := utf8.DecodeRuneInString(s); r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0, n // a full-width form already in UTF-8
		}
		return 0, 0
	}
	if len(s) < 6 || s[0] != '\\' && s[0] != '%' || s[1] != 'u' && s[1] != 'U' ||
		!isHex(s[2]) || !isHex(s[3]) || !isHex(s[4]) || !isHex(s[5]) {
		return 0, 0
	}
	r := rune(unhex(s[2]))<<12 | rune(unhex(s[3]))<<8 | rune(unhex(s[4]))<<4 | rune(unhex(s[5]))
	if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII, which IIS folds to ASCII
		r -= 0xFEE0
	}
	return r, 6
}

// replaceRunes copies src to dst, replacing each escape that decode
// recognises (it returns the rune and how many bytes it used, or 0) by the
// rune in UTF-8.
func replaceRunes(dst []byte, src string, decode func(string) (rune, int)) ([]byte, bool) {
	start := len(dst)
	changed := false
	for i := 0; i < len(src); {
		if src[i] == '\\' || src[i] == '%' || src[i] == '&' || src[i] == 0xEF {
			if r, n := decode(src[i:]); n > 0 {
				dst = utf8.AppendRune(dst, r)
				i += n
				changed = true
				continue
			}
		}
		dst = append(dst, src[i])
		i++
	}
	if !changed {
		return dst[:start], false
	}
	return dst, true
}

// htmlNamedEntities are the named character references attackers use to
// hide markup and script; others are left alone.
var htmlNamedEntities = map[string]byte{
	"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\'', "nbsp": ' ',
	"colon": ':', "tab": '\t', "newline": '\n', "lpar": '(', "rpar": ')',
	"sol": '/', "bsol": '\\', "equals": '=', "semi": ';', "comma": ',',
	"period": '.', "excl": '!', "num": '#', "dollar": '$', "percnt": '%',
	"grave": '`', "lsqb": '[', "rsqb": ']', "lcub": '{', "rcub": '}', "lbrace": '{', "rbrace": '}',
	"verbar": '|', "ast": '*', "plus": '+', "quest": '?', "commat": '@',
}

// maxEntityName is the longest name in htmlNamedEntities.
const maxEntityName = 7

// HTMLEntityDecode decodes numeric (&#60; &#x3c;, the semicolon optional as
// browsers allow) and the named entities in htmlNamedEntities, names
// matched without regard to case.
func HTMLEntityDecode(dst []byte, src string) ([]byte, bool) {
	return replaceRunes(dst, src, decodeEntity)
}

// decodeEntity decodes the entity at the start of s (from its '&') and
// returns the rune and how many bytes of s it used, or 0.
func decodeEntity(s string) (rune, int) {
	if len(s) < 3 || s[0] != '&' {
		return 0, 0
	}
	r, n := decodeEntityBody(s[1:])
	if n == 0 {
		return 0, 0
	}
	return r, n + 1
}

// decodeEntityBody decodes the entity after its '&'.
func decodeEntityBody(s string) (rune, int) {
	if len(s) >= 2 && s[0] == '#' {
		i, base := 1, rune(10)
		if s[1] == 'x' || s[1] == 'X' {
			i, base = 2, 16
		}
		digits := i
		var r rune
		for i < len(s) && i-digits < 8 {
			d := s[i]
			switch {
			case d >= '0' && d <= '9':
				r = r*base + rune(d-'0')
			case base == 16 && isHex(d):
				r = r*base + rune(unhex(d))
			default:
				goto done
			}
			i++
		}
	done:
		if i == digits || r > utf8.MaxRune {
			return 0, 0
		}
		if i < len(s) && s[i] == ';' {
			i++
		}
		return r, i
	}
	for n := 2; n <= maxEntityName && n < len(s); n++ {
		if s[n] != ';' {
			continue
		}
		var name [maxEntityName]byte
		for j := 0; j < n; j++ {
			name[j] = lower(s[j])
		}
		if b, ok := htmlNamedEntities[string(name[:n])]; ok {
			return rune(b), n + 1
		}
		return 0, 0
	}
	return 0, 0
}

// minBase64Len is the shortest value Base64Decode tries: shorter ones are
// mostly ordinary words.
const minBase64Len = 12

// Base64Decode decodes src when it is entirely standard or URL-safe base64
// (padding optional) of at least minBase64Len bytes and decodes to
// printable text; otherwise it reports no change.
func Base64Decode(dst []byte, src string) ([]byte, bool) {
	for len(src) > 0 && src[len(src)-1] == '=' {
		src = src[:len(src)-1]
	}
	if len(src) < minBase64Len || len(src)%4 == 1 {
		return dst, false
	}
	start := len(dst)
	var acc uint32
	bits := 0
	for i := 0; i < len(src); i++ {
		v := base64Value[src[i]]
		if v < 0 {
			return dst[:start], false
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			b := byte(acc >> bits)
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				return dst[:start], false
			}
			dst = append(dst, b)
		}
	}
	return dst, true
}

// base64Value maps a byte to its value in either base64 alphabet, or -1.
var base64Value = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = int8(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
