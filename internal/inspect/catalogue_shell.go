package inspect

import (
	"regexp"
	"strings"
)

// shellRules are the command injection rules of the shell tokenizer
// (shellscan.go) and of shell syntax no text uses: Windows IF
// comparisons, tilde and brace expansion, mail protocol commands after a
// line break, SQLite shell dot commands, variables run as commands.
var shellRules = []rule{
	// 120010 looks after the separators, 120016 at the start of the
	// value: a value without a separator never pays for the scan.
	{id: "120010", attack: AttackCmdi, level: 2, targets: fields, needsAny: cSemi | cPipe | cCtl | cTick | cDollar | cAngle,
		match: shellCommandAfterSeparator},
	{id: "120016", attack: AttackCmdi, level: 2, targets: fields,
		needsAny: cSemi | cPipe | cCtl | cTick | cDollar | cSlash | cComment | cQuote | cAngle,
		match:    shellCommandAtStart},
	// 120011: a value that is a Windows IF comparison or ERRORLEVEL test.
	{id: "120011", attack: AttackCmdi, level: 1, targets: fields, needsAny: cEq | cQuote | cDot,
		match: startsWithIf(`(?i)^\s*if(?:\s*/i)?(?:\s+not)?\s+(?:errorlevel\s+\d|(?:"[^"]*"|\[[^\]]*\]|\{[^}]*\}|[^\s=(]+)\s*==\s*\S)`)},
	{id: "120012", attack: AttackCmdi, level: 2, targets: fields, needsAny: cBrace | cComment | cPipe, match: shellExpansion},
	// 120013: SMTP, POP3 and IMAP commands on a line of their own: a
	// value that injects into a mail session.
	{id: "120013", attack: AttackCmdi, level: 2, targets: fields, needsAll: cCtl,
		match: re(`(?im)[\r\n]\s*(?:(?:mail\s+from|rcpt\s+to)\s*:\s*<|(?:ehlo|helo)\s+[\w.-]+\s*$|(?:retr|dele|list|top)\s+\d+(?:\s+\d+)?\s*$|(?:apop|auth)\s+\w+\s+[\w+/=]{8,}\s*$|[a-z]+\d+\s+(?:authenticate|login|select|examine|status|fetch|store|uid|copy|logout|capability|lsub|append|search|expunge|create|delete|rename|subscribe|list)\b)`)},
	// 120014: SQLite shell dot commands after a separator.
	{id: "120014", attack: AttackCmdi, level: 2, targets: fields, needsAll: cDot, needsAny: cSemi | cCtl,
		match: re(`(?i);\s*(?:\\[nr])*\\?["']?\s*\.\s*\\?["']?\s*(?:shell|system|sh|databases|tables|dump|import|output|once|load|read)\b|\n\s*\.\s*(?:shell|system)\s`)},
	// 120015: shell variables and expansions used as commands.
	{id: "120015", attack: AttackCmdi, level: 1, targets: fields, needsAny: cDollar | cBrace | cParen,
		match: reWhen(shellVariablesMay, shellVariablesExpr)},
}

// braceExpansion is a brace list a shell expands into words: {ls,-l},
// c{a,oun}t, {,ifconfig}, {,$'whoami',}.
var braceExpansion = regexp.MustCompile(`\{(?:[\w./?*#\\-]|\$['"]?\w*['"]?)*,(?:[\w./?*#\\,-]|\$['"]?\w*['"]?)*\}`)

// tildeExpansion is a value that is a tilde expansion of the directory
// stack: ~+ ~- ~-1 ~+5 ~0.
var tildeExpansion = regexp.MustCompile(`^~(?:[+-]\d*|0)$`)

// shellExpansion matches a brace list holding a letter, or a whole value
// that is a tilde expansion.
func shellExpansion(s string) (int, int, bool) {
	if strings.HasPrefix(s, "~") {
		return 0, 0, tildeExpansion.MatchString(s)
	}
	if strings.IndexByte(s, '{') < 0 || strings.IndexByte(s, ',') < 0 {
		return 0, 0, false
	}
	for _, loc := range braceExpansion.FindAllStringIndex(s, 4) {
		for _, c := range []byte(s[loc[0]:loc[1]]) {
			if isLetter(c) {
				return loc[0], loc[1], true
			}
		}
	}
	return 0, 0, false
}

// startsWithIf runs the anchored expression only on a value whose first
// word is "if": most text holds "if" somewhere, few values start with it.
func startsWithIf(expr string) func(string) (int, int, bool) {
	match := atStart(expr)
	return func(s string) (int, int, bool) {
		i := 0
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i++
		}
		if len(s)-i < 3 || s[i]|0x20 != 'i' || s[i+1]|0x20 != 'f' || isShellWordByte(s[i+2]) {
			return 0, 0, false
		}
		return match(s)
	}
}

// shellVariablesExpr is rule 120015's expression.
const shellVariablesExpr = `\$\{?SHELL\}?\s+-c\b|^\$\[[\d+*/ -]*\]$|\$\{\w+#|[<>]\(\s*[a-z]+\s*\)|(?:&&|\|\||[;|])\s*\$[a-z_]\w*\s+[-\w]|(?:^|[;&|])\s*\$[a-z_]\w*(?:\$[a-z_]\w*){2,}|\$[a-z_]\w*\s+\$[a-z_]\w*\$[a-z_]\w*|\w+\s*\(\s*\)\s*\{\s*\w+(?:\s*\(\s*\))?\s*[|&]\s*\w+(?:\s*\(\s*\))?\s*;?\s*\}|^\s*\(\s*\)\s*\{`

// shellVariablesMay reports whether shellVariablesExpr can match s: each
// of its pieces holds a '$', a '{', or "<(" or ">(". Prose with a
// parenthesis, which the rule's class prefilter lets through, holds none
// of them.
func shellVariablesMay(s string) bool {
	return strings.IndexByte(s, '$') >= 0 || strings.IndexByte(s, '{') >= 0 ||
		strings.Contains(s, "<(") || strings.Contains(s, ">(")
}
