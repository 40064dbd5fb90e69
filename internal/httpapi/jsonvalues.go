package httpapi

import (
	"strconv"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/rampart"
)

// maxBodyDepth bounds the nesting of any request body. The deepest body a
// Huawei client sends nests about six levels; a free-form object nests at
// most maxFreeFormDepth below its field.
const maxBodyDepth = 32

// checkJSONValues refuses a syntactically valid JSON body holding a value
// that Rampart could store but not read back, whatever field it is in:
// a number beyond float64's range (1e400), a string with a NUL character or
// invalid UTF-8 (which encoding/json would silently replace), or nesting
// deeper than maxBodyDepth. Every family's body passes through it (decode),
// so typed and free-form fields alike obey one rule.
func checkJSONValues(body []byte) error {
	if !utf8.Valid(body) {
		return rampart.Invalid("body", "The request body is not valid UTF-8.")
	}
	depth := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '{' || c == '[':
			if depth++; depth > maxBodyDepth {
				return rampart.Invalid("body", "The request body nests deeper than %d levels.", maxBodyDepth)
			}
		case c == '}' || c == ']':
			depth--
		case c == '"':
			end, err := checkJSONString(body, i)
			if err != nil {
				return err
			}
			i = end
		case c == '-' || (c >= '0' && c <= '9'):
			end := i + 1
			for end < len(body) && isJSONNumberByte(body[end]) {
				end++
			}
			num := string(body[i:end])
			if _, err := strconv.ParseFloat(num, 64); err != nil {
				return rampart.Invalid("body", "The number %s is out of range: numbers must be finite 64-bit floating-point values (at most about 1.8e308 in magnitude).", clip(num))
			}
			i = end - 1
		}
	}
	return nil
}

// checkJSONString checks the string starting at the quote body[start] and
// returns the index of its closing quote. It refuses the escape \u0000.
func checkJSONString(body []byte, start int) (int, error) {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '"':
			return i, nil
		case 0:
			return 0, rampart.Invalid("body", "Strings must not contain the NUL character.")
		case '\\':
			if i+5 < len(body) && body[i+1] == 'u' && string(body[i+2:i+6]) == "0000" {
				return 0, rampart.Invalid("body", "Strings must not contain the NUL character (\\u0000).")
			}
			i++ // skip the escaped character
		}
	}
	return len(body), nil
}

func isJSONNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
