package inspect

import (
	"regexp"
	"strings"
)

// sqlTokens splits s into the tokens a SQL parser would see: words
// (letters, digits, underscore), each other printable byte alone, with
// white space and /* */ comments dropped. It stops after max tokens.
func sqlTokens(s string, out []string, max int) []string {
	for i := 0; i < len(s) && len(out) < max; {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '+':
			i++
		case c == '/' && i+1 < len(s) && s[i+1] == '*' && !(i+2 < len(s) && s[i+2] == '!'):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 4
		case isWordByte(c):
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			out = append(out, s[i:i+1])
			i++
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func tokIs(tok string, words ...string) bool {
	for _, w := range words {
		if strings.EqualFold(tok, w) {
			return true
		}
	}
	return false
}

func tokHasPrefix(tok, prefix string) bool {
	return len(tok) > len(prefix) && strings.EqualFold(tok[:len(prefix)], prefix)
}

// sqlStatementWords start a statement after a semicolon.
var sqlStatementWords = []string{"select", "insert", "update", "delete", "drop", "truncate", "replace", "create", "alter", "exec", "execute", "declare", "shutdown", "union"}

// sqlPhrase reports whether s holds a sequence of SQL words that text does
// not: a statement stacked after a semicolon or a quote, EXCEPT SELECT, WAITFOR DELAY,
// EXEC of a system procedure, INTO OUTFILE, DECLARE @, PROCEDURE ANALYSE,
// DDL on a table or database, INSERT INTO … VALUES, CASE WHEN … THEN,
// GROUP BY … HAVING, ) LIKE ( and SELECT of a system variable, NULL or a
// SQL function.
func sqlPhrase(s string) bool {
	var buf [256]string
	toks := sqlTokens(s, buf[:0], len(buf))
	for i := 0; i+1 < len(toks); i++ {
		t, next := toks[i], toks[i+1]
		if len(t) > 1 && !mayStartPhrase(t) || len(t) == 1 && strings.IndexByte(";'\"`)", t[0]) < 0 && !isWordByte(t[0]) {
			continue
		}
		after := ""
		if i+2 < len(toks) {
			after = toks[i+2]
		}
		switch {
		case t == ";" && tokIs(next, sqlStatementWords...):
			return true
		case (t == "'" || t == "\"" || t == "`") && tokIs(next, "select", "insert", "delete", "drop", "exec", "declare", "shutdown", "union") && after != "" && after != t:
			return true
		case tokIs(t, "waitfor") && tokIs(next, "delay", "time"):
			return true
		case tokIs(t, "exec", "execute") && (tokIs(next, "master", "immediate") || tokHasPrefix(next, "xp_") || tokHasPrefix(next, "sp_") || next == "(" && after == "@"):
			return true
		case tokIs(t, "except") && tokIs(next, "select", "values"):
			return true
		case tokIs(t, "into") && tokIs(next, "outfile", "dumpfile"):
			return true
		case tokIs(t, "declare") && next == "@":
			return true
		case tokIs(t, "procedure") && tokIs(next, "analyse"):
			return true
		case tokIs(t, "drop", "truncate", "alter", "create") && tokIs(next, "table", "database", "function", "procedure") && (isUpper(t) && isUpper(next) || i > 0 && strings.Contains(";'\"`)/*", toks[i-1]) || ddlContinues(toks[i+2:])):
			return true
		case tokIs(t, "insert") && tokIs(next, "into") && later(toks[i+2:], "values", "select"):
			return true
		case tokIs(t, "case") && tokIs(next, "when") && later(toks[i+2:], "then"):
			return true
		case tokIs(t, "group") && tokIs(next, "by") && isColumnToken(after) && havingCondition(toks[i+2:]):
			return true
		case t == ")" && tokIs(next, "like") && after == "(":
			return true
		case tokIs(t, "select") && (next == "@" && after == "@" || tokIs(next, "null") || after == "(" && (tokIs(next, "if", "char", "user", "version", "database", "count") || sqlFunctionSet.has(next))):
			return true
		}
	}
	return false
}

// isUpper reports whether the word has no lower-case letter: SQL written
// as SQL (DROP TABLE), not as text.
func isUpper(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 'a' && w[i] <= 'z' {
			return false
		}
	}
	return true
}

// ddlContinues tells DDL from text (drop table tennis, create table
// plans), when it is neither in capitals nor after a statement or comment
// end, by what follows the object's name: a statement end, a comment,
// a column list, a schema-qualified or quoted name, IF [NOT] EXISTS or
// CASCADE/PURGE.
func ddlContinues(toks []string) bool {
	if len(toks) == 0 {
		return false
	}
	if tokIs(toks[0], "if") || toks[0] == "`" || toks[0] == "'" || toks[0] == "\"" || toks[0] == "[" {
		return true
	}
	if len(toks) < 2 {
		return false
	}
	switch next := toks[1]; {
	case next == ";" || next == "(" || next == "." || next == "-" || next == "#":
		return true
	case tokIs(next, "cascade", "purge", "add", "drop", "modify", "rename", "as"):
		return true
	}
	return false
}

// isColumnToken reports whether tok can be what GROUP BY groups on: a
// name or a position, not a word of text such as and, or, the.
func isColumnToken(tok string) bool {
	if tok == "`" || tok == "\"" || tok == "[" {
		return true
	}
	return tok != "" && isWordByte(tok[0]) && !tokIs(tok, "and", "or", "the", "a", "an", "vs", "with", "to", "in", "of")
}

// havingCondition reports whether HAVING comes later in toks and is
// followed, within a few tokens, by a comparison, a call or a number, as a
// condition is.
func havingCondition(toks []string) bool {
	for i, t := range toks {
		if !tokIs(t, "having") {
			continue
		}
		for _, c := range toks[i+1 : min(len(toks), i+6)] {
			if c == "=" || c == "<" || c == ">" || c == "(" || c == "!" || c[0] >= '0' && c[0] <= '9' {
				return true
			}
		}
	}
	return false
}

// sqlPhraseStarts are the words a phrase of sqlPhrase starts with.
var sqlPhraseStarts = newWordSet([]string{"except", "waitfor", "exec", "execute", "into", "declare", "procedure", "drop", "truncate", "alter", "create", "insert", "case", "group", "select"})

// mayStartPhrase is a cheap test before the lookup in sqlPhraseStarts:
// the length and first letter of one of its words.
func mayStartPhrase(t string) bool {
	if len(t) < 4 || len(t) > 9 {
		return false
	}
	switch t[0] | 0x20 {
	case 'a', 'c', 'd', 'e', 'g', 'i', 'p', 's', 't', 'w':
		return sqlPhraseStarts.has(t)
	}
	return false
}

// later reports whether one of words is among toks.
func later(toks []string, words ...string) bool {
	for _, t := range toks {
		if tokIs(t, words...) {
			return true
		}
	}
	return false
}

// wordSet is a set of lower-case ASCII words looked up ignoring case.
type wordSet map[string]bool

func newWordSet(words []string) wordSet {
	m := wordSet{}
	for _, w := range words {
		m[strings.ToLower(w)] = true
	}
	return m
}

// has reports whether w, in any case, is in the set, without allocating.
func (m wordSet) has(w string) bool {
	var buf [32]byte
	if len(w) > len(buf) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return m[string(buf[:len(w)])]
}

// sqlLooseFunctionSet are the word-named SQL functions that a call
// anywhere in a value still betrays: the others (if, in, user, count,
// replace, …) are common in code, GraphQL and text.
var sqlLooseFunctionSet = func() wordSet {
	m := newWordSet(sqlWordFunctions)
	for _, w := range []string{"if", "iif", "in", "user", "count", "replace", "reverse", "trim", "left", "right", "load", "values", "field", "quote", "time", "log", "space", "repeat", "min", "max", "sum", "round", "position", "length", "sign", "lower", "upper", "insert", "password", "schema", "default", "format"} {
		delete(m, w)
	}
	return m
}()

var (
	sqlFunctionSet     = newWordSet(sqlFunctions)
	sqlWordFunctionSet = newWordSet(sqlWordFunctions)
)

// sqlCall finds a call of a SQL function: a name only SQL has before a
// parenthesis, whatever the spacing, or a SQL function whose name is also
// a word, glued to its parenthesis at the start of the value or after an
// operator.
func sqlCall(s string) (int, int, bool) {
	return findCall(s, " \t\n+", func(name string, k, j, i int) bool {
		return sqlFunctionSet.has(name) || sqlWordFunctionSet.has(name) && sqlWordCallContext(s, k, j, i)
	})
}

// findCall looks at each parenthesis of s and the word before it, past
// any of the bytes in gap, and returns the first call that is reports
// true for (name is s[k:j], the parenthesis at i).
func findCall(s, gap string, is func(name string, k, j, i int) bool) (int, int, bool) {
	for i := strings.IndexByte(s, '('); i >= 0; {
		j := i
		for j > 0 && strings.IndexByte(gap, s[j-1]) >= 0 {
			j--
		}
		k := j
		for k > 0 && isWordByte(s[k-1]) {
			k--
		}
		if name := s[k:j]; name != "" && is(name, k, j, i) {
			return k, i + 1, true
		}
		next := strings.IndexByte(s[i+1:], '(')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return 0, 0, false
}

// sqlWordCallContext tells a query fragment from text for a call whose
// name (s[k:j]) is also a word and whose parenthesis is at i: glued to the
// name after an operator, or at the start of the value followed by a
// number, a quote, @, another parenthesis or nothing.
func sqlWordCallContext(s string, k, j, i int) bool {
	p := k
	for p > 0 && (s[p-1] == ' ' || s[p-1] == '\t') {
		p--
	}
	if p > 0 && strings.IndexByte("=(,;|&+*/<>!'\"", s[p-1]) >= 0 {
		return j == i && !cellRange.MatchString(s[i+1:])
	}
	if p > 0 {
		return false
	}
	rest := strings.TrimLeft(s[i+1:], " \t\r\n")
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return numericArguments.MatchString(rest)
	}
	return rest == "" || strings.IndexByte("'\"@(", rest[0]) >= 0
}

// numericArguments are a number closing a call that ends the value or is
// followed by an operator, or compared, or the first of several arguments: not a
// remark in parentheses (Sleep (2019) movie, sleep(8 hours)).
var numericArguments = regexp.MustCompile(`^\d+(?:\.\d+)?\s*(?:[,=<>!]|\)\s*(?:$|[^\sa-zA-Z]))`)

// cellRange is the argument of a spreadsheet formula (=SUM(A1:A10)), a
// range of cells that no SQL function takes.
var cellRange = regexp.MustCompile(`^\s*\$?[A-Za-z]{1,3}\$?\d+\s*:\s*\$?[A-Za-z]{1,3}\$?\d+`)

// sqlCallGlued finds a SQL function whose name is also a word glued to its
// parenthesis anywhere in the value: date(, format(, if(.
func sqlCallGlued(s string) (int, int, bool) { return sqlWordCall(s, false) }

// sqlCallSpaced is sqlCallGlued with white space or a comment allowed
// before the parenthesis: date (, IN (.
func sqlCallSpaced(s string) (int, int, bool) { return sqlWordCall(s, true) }

func sqlWordCall(s string, spaced bool) (int, int, bool) {
	gap := "\\"
	if spaced {
		gap = " \t\n+/*\\"
	}
	return findCall(s, gap, func(name string, _, _, i int) bool {
		return sqlLooseFunctionSet.has(name) && sqlArgumentsStart(s[i+1:])
	})
}

// sqlCallPunctuated finds a SQL function whose name is also a word
// followed by operators or punctuation and then a parenthesis, with no
// space: length||(, month=(, user/?(.
func sqlCallPunctuated(s string) (int, int, bool) {
	return findCall(s, "]=?/|&!$'.)>:\\", func(name string, _, j, i int) bool {
		return j < i && sqlWordFunctionSet.has(name) && sqlArgumentsStart(s[i+1:])
	})
}

// sqlArgumentsStart tells the arguments of a query's call from a
// parenthetical remark after a word: nothing (a cut fragment), a quote, a
// variable, another call or a subquery, rather than words or a year.
func sqlArgumentsStart(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\r\n")
	if rest == "" {
		return true
	}
	switch rest[0] {
	case '\'', '"', '`', '@', '(', '$', ')':
		return true
	}
	return len(rest) >= 6 && strings.EqualFold(rest[:6], "select")
}
