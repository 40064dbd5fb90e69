package inspect

// A small shell tokenizer for rules 120010 (after a separator) and 120016
// (at the start of a value): it finds the places where a shell would start
// a command (the start of the value, and after ; | || & && a newline, a
// backtick, $( <( >(, past an opening parenthesis or brace), reads the
// word there as the shell would (quotes, backslashes before letters, $@
// and the other empty special parameters dropped; a /bin/ or /usr/bin/
// path cut off; a version suffix such as gcc7.4 or python3.10 ignored) and
// looks it up in shellPrograms. What follows the word decides:
//
//   - a program that is no word of text (whoami, ifconfig, certutil) is a
//     command after a separator when the word ends there (end of value,
//     space, separator, redirection, quote); at the start of the value it
//     needs nothing after it, a separator, or an argument as below;
//   - a program that is also a word (cat, date, column, python) is a
//     command only with an argument a shell would get: a flag, a path, a
//     variable, a redirection, a URL, a sensitive file name (passwd), and
//     after a separator also a quote or a number that ends the command or
//     holds a dot or colon;
//   - time, nohup, sudo, strace and the like pass to the word after them,
//     which then needs only an argument with a dot or one of the above;
//   - a word spelled with shell noise inside it (c'a't, w$@hoami, pi``ng)
//     counts as if it followed a separator, even at the start.
//
// Work is bounded: one pass over the value, at most shellMaxCommands
// command positions looked at, each word at most shellMaxWord bytes read
// into a fixed buffer (no allocation).

import "strings"

// shellKind is what a name in shellPrograms is.
type shellKind uint8

const (
	shellExotic shellKind = 1 + iota // no word of text: a command wherever a command starts
	shellWordy                       // also a word of text: a command only with a shell-looking argument
)

const (
	shellMaxWord     = 32
	shellMaxCommands = 64
)

// shellWord is one word read at a command position.
type shellWord struct {
	buf    [shellMaxWord]byte
	n      int
	end    int  // index of the byte after the word in s
	noisy  bool // shell noise was dropped from inside the word
	path   bool // the word was given by a path (/bin/x)
	glob   bool // the word holds ? or * (a globbed program path)
	tooBig bool
}

func (w *shellWord) name() string { return string(w.buf[:w.n]) }

// shellCommandLine reports a command injection in s as the tokenizer
// above sees it, at the start of the value or after a separator.
func shellCommandLine(s string) (int, int, bool) {
	if start, end, ok := shellCommandAtStart(s); ok {
		return start, end, ok
	}
	return shellCommandAfterSeparator(s)
}

// shellCommandAtStart reports a command line that starts the value.
func shellCommandAtStart(s string) (int, int, bool) {
	if end, ok := shellCommandAt(s, 0, true); ok {
		return 0, end, true
	}
	return 0, 0, false
}

// shellCommandAfterSeparator reports a command after one of the first
// shellMaxCommands separators of s.
func shellCommandAfterSeparator(s string) (int, int, bool) {
	i := 0
	for n := 0; n < shellMaxCommands; n++ {
		at := nextShellSeparator(s, i)
		if at < 0 {
			return 0, 0, false
		}
		if end, ok := shellCommandAt(s, at, false); ok {
			return at, end, true
		}
		i = at
	}
	return 0, 0, false
}

// shellSeparatorByte marks the bytes nextShellSeparator stops at.
var shellSeparatorByte = func() (t [256]bool) {
	for _, c := range []byte(";\n`|&$<>") {
		t[c] = true
	}
	return t
}()

// nextShellSeparator returns the index just past the next command
// separator at or after i, or -1.
func nextShellSeparator(s string, i int) int {
	for ; i < len(s); i++ {
		if !shellSeparatorByte[s[i]] {
			continue
		}
		switch s[i] {
		case ';', '\n', '`':
			return i + 1
		case '|', '&':
			if i+1 < len(s) && s[i+1] == s[i] {
				return i + 2
			}
			return i + 1
		case '$', '<', '>':
			if i+1 < len(s) && s[i+1] == '(' {
				return i + 2
			}
		}
	}
	return -1
}

// shellCommandAt looks at the command that would start at s[at:] and
// returns the end of what it matched.
func shellCommandAt(s string, at int, start bool) (int, bool) {
	i := skipShellSpace(s, at)
	// An opening subshell or group: (sh) {ls,-l}.
	for i < len(s) && (s[i] == '(' || s[i] == '{') && !start {
		i = skipShellSpace(s, i+1)
	}
	prefixed := false
	for k := 0; k < 3; k++ {
		var w shellWord
		readShellWord(s, i, &w)
		if w.n == 0 || w.tooBig {
			return 0, false
		}
		if w.glob {
			// A program named by a glob in a path (/bin/ca? /???/??t)
			// after a separator.
			return w.end, !start && w.path
		}
		name := w.name()
		kind, ok := shellPrograms[name]
		if !ok && name[len(name)-1] >= '0' && name[len(name)-1] <= '9' {
			kind, ok = shellPrograms[strings.TrimRight(name, "0123456789.")] // gcc7.4, python3.10
		}
		if !ok {
			return 0, false
		}
		if w.path {
			kind = shellExotic // any program by its directory
		}
		rest := s[w.end:]
		if w.noisy {
			rest = strings.TrimLeft(rest, `'"`)
		}
		if shellPrefixes[name] && len(rest) > 1 && (rest[0] == ' ' || rest[0] == '\t') {
			// time sh -c …: the next word is the command.
			next := skipShellSpace(s, w.end)
			var nw shellWord
			readShellWord(s, next, &nw)
			if _, known := shellPrograms[nw.name()]; nw.n > 0 && (known || nw.path) {
				prefixed = true
				i = next
				continue
			}
		}
		if !shellWordEnds(rest, kind == shellExotic) {
			return 0, false
		}
		mode := argAfterSeparator
		switch {
		case prefixed || w.noisy:
			mode = argAfterPrefix
		case start && !w.noisy:
			mode = argAtStart
		}
		if kind == shellExotic && (mode != argAtStart || rest == "" || strings.IndexByte(";|&", rest[0]) >= 0) || shellArgument(rest, mode) {
			return w.end, true
		}
		return 0, false
	}
	return 0, false
}

// argMode is how much shellArgument asks of a word program's arguments.
type argMode uint8

const (
	argAtStart        argMode = iota // the value starts with the word: only a flag, a path, a variable, a redirection, a URL
	argAfterSeparator                // also a number, a quote, a dot, a brace, a backslash
	argAfterPrefix                   // also a word with a dot in it (time curl example.org)
)

// skipShellSpace skips spaces, tabs and the opening quote of a word.
func skipShellSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	return i
}

// readShellWord reads the command word at s[i:], dropping the noise a
// shell drops and a leading program directory.
func readShellWord(s string, i int, w *shellWord) {
	// A program directory: /bin/, /usr/local/sbin/, bin/.
	if i < len(s) && (s[i] == '/' || len(s)-i >= 4 && hasFoldedPrefix(s[i:], "bin/")) {
		j := i
		last := -1
		for j < len(s) && j-i < 48 && s[j] != ' ' && s[j] != '\t' && !strings.ContainsRune(";|&<>`\n\"'", rune(s[j])) {
			if s[j] == '/' {
				last = j
			}
			if s[j] == '?' || s[j] == '*' {
				w.glob = true
			}
			j++
		}
		dir := s[i : last+1]
		if w.glob && last > i {
			w.path, w.end, w.n = true, j, 1
			return
		}
		w.glob = false
		if last > i || dir == "/" {
			if !isProgramDir(dir) {
				return
			}
			w.path = true
			i = last + 1
		}
	}
	for i < len(s) && w.n < shellMaxWord {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_':
			w.buf[w.n] = c
			w.n++
			i++
		case c >= 'A' && c <= 'Z':
			w.buf[w.n] = c + 'a' - 'A'
			w.n++
			i++
		case c == '\'' || c == '"':
			// Quotes inside or around a word: c'a't, ""p""y, 'TiMe.
			j := i
			for j < len(s) && (s[j] == '\'' || s[j] == '"') {
				j++
			}
			if j < len(s) && isShellWordByte(s[j]) {
				if w.n > 0 {
					w.noisy = true
				}
				i = j
				continue
			}
			w.end = i
			return
		case c == '`' && i+1 < len(s) && s[i+1] == '`' && w.n > 0:
			w.noisy, i = true, i+2
		case c == '\\' && i+1 < len(s) && isShellWordByte(s[i+1]) && w.n > 0:
			w.noisy, i = true, i+1
		case c == '$' && w.n > 0 && i+1 < len(s):
			// $@ $* $! $? $- $_ $$ $() ${x} and one-letter unset
			// variables inside a word.
			d := s[i+1]
			switch {
			case strings.IndexByte("@*!?-_$", d) >= 0:
				w.noisy, i = true, i+2
			case d == '(' && i+2 < len(s) && s[i+2] == ')':
				w.noisy, i = true, i+3
			case d == '{':
				k := strings.IndexByte(s[i:min(len(s), i+8)], '}')
				if k < 0 {
					w.end = i
					return
				}
				w.noisy, i = true, i+k+1
			case d >= 'a' && d <= 'z' && (i+2 >= len(s) || !isShellWordByte(s[i+2])):
				w.noisy, i = true, i+2
			default:
				w.end = i
				return
			}
		case (c == '<' || c == '>') && i+2 < len(s) && s[i+1] == '(' && s[i+2] == ')' && w.n > 0:
			w.noisy, i = true, i+3
		default:
			w.end = i
			return
		}
	}
	if w.n == shellMaxWord && i < len(s) && isShellWordByte(s[i]) {
		w.tooBig = true
	}
	w.end = i
}

func isShellWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// isProgramDir reports whether dir is a directory programs live in.
func isProgramDir(dir string) bool {
	switch strings.ToLower(dir) {
	case "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/", "bin/", "sbin/", "/system32/":
		return true
	}
	return false
}

// shellWordEnds reports whether a command word may end where rest starts.
// Programs that are no words may be followed by a Windows switch
// (bcdboot/r).
func shellWordEnds(rest string, exotic bool) bool {
	if rest == "" {
		return true
	}
	switch rest[0] {
	case ' ', '\t', '\r', '\n', ';', '|', '&', '<', '>', '`', ')', '}', '\'', '"', '+':
		return true
	case '/':
		// A Windows switch glued to the program (bcdboot/r file), not a
		// version or a path (Wget/1.21, nmap/scripts).
		return exotic && len(rest) > 1 && isLetter(rest[1]) && (len(rest) == 2 || rest[2] == ' ' || rest[2] == ':')
	}
	return false
}

// shellArgument reports whether rest, what follows a word program, looks
// like the arguments a shell passes (see argMode).
func shellArgument(rest string, mode argMode) bool {
	if rest == "" {
		return false
	}
	switch rest[0] {
	case '<', '>', '|':
		return true
	case ';', '&', '`', ')':
		return mode != argAtStart
	case ' ', '\t', '+':
	default:
		return false
	}
	a := strings.TrimLeft(rest, " \t+")
	if a == "" {
		return false
	}
	c := a[0]
	switch {
	case strings.IndexByte("/$<>|", c) >= 0,
		c == '-' && len(a) > 1 && (isLetter(a[1]) || a[1] == '-' && len(a) > 2 && isLetter(a[2])),
		c == '~' && len(a) > 1 && a[1] == '/', c == '.' && len(a) > 1 && a[1] == '/',
		len(a) > 4 && hasFoldedPrefix(a, "http") && strings.HasPrefix(strings.TrimLeft(a[4:], "sS"), "://"),
		len(a) > 2 && isLetter(a[0]) && a[1] == ':' && (a[2] == '\\' || a[2] == '/'):
		return true
	case mode != argAtStart && strings.IndexByte("-\\~.'\"{", c) >= 0:
		return true
	case mode != argAtStart && c >= '0' && c <= '9':
		// A number that ends the command (sleep 5) or an address or a
		// time (ping 10.0.0.1, at 2:00), not a count in text (top 10
		// episodes).
		k := 0
		for k < len(a) && (a[k] >= '0' && a[k] <= '9' || a[k] == '.' || a[k] == ':') {
			k++
		}
		return k == len(a) || strings.IndexByte(";|&<>`\n", a[k]) >= 0 || strings.ContainsAny(a[:k], ".:")
	}
	word := a
	if k := strings.IndexAny(word, " \t;|&"); k >= 0 {
		word = word[:k]
	}
	for _, f := range shellSensitiveArgs {
		if containsFold(word, f) {
			return true
		}
	}
	dot := strings.IndexByte(word, '.')
	return mode == argAfterPrefix && dot > 0 && dot < len(word)-1
}
