package inspect

import "strings"

// xssTagSet are the elements that run script, load a document or rewrite
// the page, which rich text never holds: finding one, even spelt with
// spaces between its letters or behind a namespace prefix, is markup
// injection.
var xssTagSet = []string{"script", "iframe", "frameset", "frame", "object", "embed", "applet", "meta", "base", "svg", "math", "xss",
	"isindex", "vmlframe", "import", "style", "form", "link", "dialog", "template", "portal", "handler", "listener", "animate", "noscript", "include"}

// spacedTag reports whether s opens one of xssTagSet after '<': letters
// may be split by white space or NUL (browsers and parsers that tolerate
// them), and a namespace prefix (v:, x:) may precede the name.
func spacedTag(s string) (int, int, bool) {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		if end, ok := spacedTagAt(s, i+1); ok {
			return i, end, true
		}
		next := strings.IndexByte(s[i+1:], '<')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return 0, 0, false
}

// spacedTagAt checks the tag whose name starts after the '<' at j-1.
func spacedTagAt(s string, j int) (int, bool) {
	skipNonWord := func(j int) int {
		for n := 0; j < len(s) && n < 4 && !isWordByte(s[j]) && s[j] != '<' && s[j] != '>'; n++ {
			j++
		}
		return j
	}
	j = skipNonWord(j)
	// A namespace prefix: a short word and a colon.
	if k := j; k < len(s) {
		for k < len(s) && k-j < 12 && (isWordByte(s[k]) || s[k] == '-') {
			k++
		}
		if k < len(s) && s[k] == ':' {
			j = skipNonWord(k + 1)
		}
	}
	var name [16]byte
	n, spaced := 0, false
	for j < len(s) && n < len(name) {
		c := s[j]
		switch {
		case c >= 'a' && c <= 'z':
			name[n] = c
			n++
		case c >= 'A' && c <= 'Z':
			name[n] = c + 'a' - 'A'
			n++
		case (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0) && n > 0:
			spaced = true
		default:
			goto collected
		}
		j++
	}
collected:
	got := string(name[:n])
	for _, tag := range xssTagSet {
		if got == tag || spaced && len(tag) >= 4 && strings.HasPrefix(got, tag) {
			return j, true
		}
	}
	return 0, false
}
