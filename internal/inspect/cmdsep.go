package inspect

import (
	"regexp"
	"strings"
)

// Rule 120001 is a command after a shell separator. Its expression is the
// alternation of the four pieces below (the first, third and fourth case
// insensitive). Go's matcher tries it at every position of a value, which
// on prose holding a ';' or '&' cost tens of microseconds per value;
// separatorCommand reaches the same verdicts by trying the pieces only
// where they can match.
const (
	// sepCmdProgram: a separator and a program with what makes it a command.
	sepCmdProgram = cmdSep + `(?:` + cmdExotic + cmdEnd + `|` + cmdWordy + cmdArg + `|net\s+(?:user|localgroup|view|share|use)\b|dir\s+[a-z]:[\\/]|ps\s+(?:aux|axu|-e)|echo\b[^;|&\n]{0,80}(?:>|\|))`
	// sepCmdID: a value that ends with a separator and id.
	sepCmdID = `(?-i:(?:(?:^|[^a-zA-Z\s])\s*(?:[;|\n` + "`" + `]|&&|\|\||\$\()\s*|[a-zA-Z](?:[;|\n` + "`" + `]|&&|\|\||\$\())(?:/(?:usr/)?s?bin/)?id\s*$)`
	// sepCmdBrace: a separator and a brace expansion.
	sepCmdBrace = cmdSep + `\{\s*\w+\s*,`
	// sepCmdDev: bash's network pseudo-files.
	sepCmdDev = `/dev/(?:tcp|udp)/`
)

// separatorCommand returns rule 120001's matcher: the whole expression
// runs only on a value where one of its pieces can match, which is
//   - sepCmdProgram or sepCmdBrace anchored at a byte that starts cmdSep
//     (; | & newline ` $): both start by consuming a separator and look no
//     further back, so a match that starts there is a match of the anchored
//     piece on the rest of the value;
//   - a value that holds /dev/ in any case (sepCmdDev);
//   - a value that ends with id and white space (sepCmdID).
//
// The whole expression then gives the verdict and the place of the match,
// as it did alone (FuzzSeparatorCommand holds the two to the same
// answers).
func separatorCommand() func(string) (int, int, bool) {
	whole := regexp.MustCompile(`(?i)` + sepCmdProgram + `|` + sepCmdID + `|` + sepCmdBrace + `|` + sepCmdDev)
	atSep := regexp.MustCompile(`(?i)^(?:` + sepCmdProgram + `|` + sepCmdBrace + `)`)
	return func(s string) (int, int, bool) {
		if !separatorCommandMay(s, atSep) {
			return 0, 0, false
		}
		loc := whole.FindStringIndex(s)
		if loc == nil {
			return 0, 0, false
		}
		return loc[0], loc[1], true
	}
}

// separatorCommandMay reports whether one of 120001's pieces can match s
// (see separatorCommand); atSep is the first and third anchored.
func separatorCommandMay(s string, atSep *regexp.Regexp) bool {
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case ';', '|', '&', '\n', '`', '$':
			if atSep.MatchString(s[k:]) {
				return true
			}
		}
	}
	// \s of Go's expressions is [\t\n\f\r ].
	return containsFold(s, "/dev/") || strings.HasSuffix(strings.TrimRight(s, "\t\n\f\r "), "id")
}
