package inspect

// class is a set of byte classes found in a value. The prefilter computes
// it with one table lookup per byte; a rule runs only when the value holds
// one of the classes the rule needs, so a value made of letters, digits
// and neutral punctuation skips every matcher.
type class uint32

const (
	cQuote   class = 1 << iota // ' "
	cTick                      // `
	cAngle                     // < >
	cParen                     // ( )
	cSemi                      // ;
	cPipe                      // | &
	cDollar                    // $
	cBrace                     // { } [ ]
	cSlash                     // / \
	cDot                       // .
	cEq                        // =
	cComment                   // - # *
	cEscape                    // % (an escape to decode)
	cCtl                       // control bytes: CR, LF, NUL, ...
	cColon                     // :
	cAt                        // @
	cHigh                      // bytes >= 0x80
	cUpper                     // A-Z (only used by case-sensitive rules)
	cQuery                     // ?
)

// cDecode are the classes that mean a decoder could change the value.
const cDecode = cEscape | cPipe | cSlash

// byteClass maps each byte to its class; letters, digits, space and
// , ! ~ ^ + _ are 0.
var byteClass = func() (t [256]class) {
	set := func(chars string, c class) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] = c
		}
	}
	set("'\"", cQuote)
	set("`", cTick)
	set("<>", cAngle)
	set("()", cParen)
	set(";", cSemi)
	set("|&", cPipe)
	set("$", cDollar)
	set("{}[]", cBrace)
	set("/\\", cSlash)
	set(".", cDot)
	set("=", cEq)
	set("-#*", cComment)
	set("%", cEscape)
	set(":", cColon)
	set("@", cAt)
	set("?", cQuery)
	for c := 0; c < 0x20; c++ {
		t[c] = cCtl
	}
	t[0x7f] = cCtl
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cUpper
	}
	return t
}()

// formByteClass is byteClass for a value of a URL-encoded form, where
// '+' is an escaped space (cEscape).
var formByteClass = func() [256]class {
	t := byteClass
	t['+'] = cEscape
	return t
}()

// classesOf returns the classes present in s.
func classesOf(s string) class { return classesBy(&byteClass, s) }

// classesBy returns the classes present in s by the table t.
func classesBy(t *[256]class, s string) class {
	var m class
	for i := 0; i < len(s); i++ {
		m |= t[s[i]]
	}
	return m
}
