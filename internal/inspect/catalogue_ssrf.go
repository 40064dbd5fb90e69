package inspect

import (
	"regexp"
	"strings"
)

// ssrfRules are the server-side request forgery and remote inclusion
// rules for addresses a URL parser reads differently from a person:
// loopback and container host names, integer, octal and hexadecimal
// IPv4 forms, IPv6 zone and mapped forms, characters that normalize to
// digits or dots, a space before '@'; and the code injection rules of
// other languages the Core Rule Set's generic family tests (Node.js
// console calls, Ruby Process, Perl @{[ ]}, ERB-style tags, text data
// URIs).
var ssrfRules = []rule{
	// 150006: a value that is an address of this machine or its container
	// host by name (localhost/, host.docker.internal, lvh.me).
	{id: "150006", attack: AttackRFI, level: 1, targets: fields, needsAny: cSlash | cColon, match: internalHost},
	// 150007: a URL whose host is an IPv4 address spelled as one
	// integer, in octal or hexadecimal, with ideographic dots or enclosed
	// digits, an IPv6 zone or a bracketed mapped form, backslash-escaped
	// letters, a dotted address after a scheme without //, or a space
	// before the '@' that ends a user part.
	{id: "150007", attack: AttackRFI, level: 1, targets: fields, needsAll: cColon,
		match: re(`(?i)^\s*(?:https?|ftps?|sftp|ssh|rtmp|imap|pop3|smtp|acap|irc|gopher|dict|ldaps?|tftp|telnet|ws|wss|rsync|redis|mysql):/{0,2}(?:[^/@\s]*@)?(?:\[[0-9a-f:.]*(?:%[\w.-]+)?\]|\d{8,10}(?:[/:?#]|$)|0x[0-9a-f]{8}(?:[/:?#]|$)|0x[0-9a-f]{1,2}(?:\.0x[0-9a-f]{1,2}){3}(?:[/:?#]|$)|0\d{1,4}\.\d|0\d{6,}(?:[/:?#]|$)|\d{1,3}(?:\.\d{1,3}){3}(?:[/:?#]|$)|\d{1,3}(?:。\d{1,3}){3}|(?:\\[\w.]){4,})|^\s*[a-z]{2,8}://[^/\s]*[\x{2460}-\x{24FF}]|^\s*[a-z]{2,8}://\S*\s[^@]*@`)},
	// 150008: a value that is only a URL scheme and a '?': the start of a
	// remote include whose path the application appends.
	{id: "150008", attack: AttackRFI, level: 1, targets: fields, needsAll: cQuery,
		match: re(`(?i)^\s*(?:file|ftps?|https?)\?+$`)},
	// 150009: an FTP URL as a value: no page of a site is an FTP link, an
	// include of one is.
	{id: "150009", attack: AttackRFI, level: 2, targets: fields, needsAll: cColon | cSlash, match: ftpURL},
	// 130027: Node.js console calls, Ruby Process calls, Perl @{[ ]}
	// interpolation, ERB and ASP control tags, text data URIs.
	{id: "130027", attack: AttackVuln, level: 1, targets: fields, needsAny: cParen | cBrace | cAngle | cColon, match: otherLanguageCode},
}

// internalHostNames are the names 150006 takes as this machine, its
// container host or a metadata service.
var internalHostNames = []string{"localhost", "localhost4", "localhost6", "localhost.localdomain", "localhost4.localdomain4",
	"localhost6.localdomain6", "ip6-localhost", "ip6-loopback", "ipv6-localhost", "host.docker.internal",
	"gateway.docker.internal", "kubernetes.docker.internal", "host.containers.internal", "kubernetes.default",
	"kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "metadata.packet.net", "localtest.me", "lvh.me"}

// internalHostFirst marks the first letters of internalHostNames.
var internalHostFirst = func() (t [256]bool) {
	for _, n := range internalHostNames {
		t[n[0]], t[n[0]-'a'+'A'] = true, true
	}
	return t
}()

// internalHost matches a value that starts, after an optional scheme and
// user part, with an internal host name followed by a port, path, query
// or fragment, or that is a scheme and such a name: localhost/,
// http://localhost.localdomain:8080/, host.docker.internal:2375.
func internalHost(s string) (int, int, bool) {
	h := s
	for h != "" && (h[0] == ' ' || h[0] == '\t') {
		h = h[1:]
	}
	scheme := false
	if k := strings.IndexByte(h[:min(len(h), 16)], ':'); k > 0 && isLetter(h[0]) && strings.HasPrefix(h[k+1:], "//") {
		h, scheme = h[k+3:], true
	}
	if k := strings.IndexByte(h[:min(len(h), 64)], '@'); k >= 0 && strings.IndexByte(h[:k], '/') < 0 {
		h = h[k+1:] // a user part
	}
	if h == "" || !internalHostFirst[h[0]] {
		return 0, 0, false
	}
	end := 0
	for end < len(h) && end < 64 && h[end] != ':' && h[end] != '/' && h[end] != '?' && h[end] != '#' {
		end++
	}
	if end == len(h) && !scheme {
		return 0, 0, false // a bare word: "localhost" in text
	}
	host := h[:end]
	for _, name := range internalHostNames {
		if len(host) == len(name) && hasFoldedPrefix(host, name) {
			return 0, 0, true
		}
	}
	return 0, 0, false
}

// ftpURL matches a value that is an FTP URL.
func ftpURL(s string) (int, int, bool) {
	t := strings.TrimLeft(s, " \t")
	for _, p := range []string{"ftp://", "ftps://"} {
		if len(t) > len(p) && hasFoldedPrefix(t, p) && t[len(p)] != ' ' {
			return 0, len(s) - len(t) + len(p), true
		}
	}
	return 0, 0, false
}

// otherLanguageShapes are 130027's shapes; the literal checks of
// otherLanguageCode run first.
var otherLanguageShapes = regexp.MustCompile(`\bconsole\s*(?:\.\s*\w+|\[\s*['"]\w+['"]\s*\])\s*(?:\.\s*(?:call|apply|bind)\s*)?\(|\bProcess\s*\.\s*(?:spawn|exec|fork|kill|daemon)\s*\(|@\{\s*\[|<%\s*(?:if|unless|for|while|end\w*|else)\b`)

// otherLanguageCode matches Node.js console calls, Ruby Process calls,
// Perl @{[ ]} interpolation, ERB and ASP control tags, and a value that
// is a text data URI. The expression runs only on values that hold one of
// its literals, found with the fast substring search rather than a
// keyword pass of its own.
func otherLanguageCode(s string) (int, int, bool) {
	t := strings.TrimLeft(s, " \t")
	if len(t) > 10 && hasFoldedPrefix(t, "data:text/") {
		return 0, 10 + len(s) - len(t), true
	}
	if !strings.Contains(s, "console") && !strings.Contains(s, "Process") && !strings.Contains(s, "@{") && !strings.Contains(s, "<%") {
		return 0, 0, false
	}
	loc := otherLanguageShapes.FindStringIndex(s)
	if loc == nil {
		return 0, 0, false
	}
	return loc[0], loc[1], true
}
