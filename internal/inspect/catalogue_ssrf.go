package inspect

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
	{id: "150006", keywords: []string{"localhost", "loopback", ".internal", "kubernetes.default", "localtest.me", "lvh.me", "metadata.packet.net"}, attack: AttackRFI, level: 2, targets: fields,
		needsAny: cSlash | cColon | cDot,
		match:    re(`(?i)^\s*(?:[a-z][\w+.-]{1,10}:/*)?(?:[^/@\s]*@)?(?:localhost[46]?(?:\.localdomain[46]?)?|ip6-(?:localhost|loopback)|ipv6-localhost|(?:host|gateway|kubernetes)\.docker\.internal|host\.containers\.internal|kubernetes\.default(?:\.svc(?:\.cluster\.local)?)?|(?:[\w-]+\.)?localtest\.me|(?:[\w-]+\.)?lvh\.me|metadata\.packet\.net)(?:[:/?#]|$)`)},
	// 150007: a URL whose host is an IPv4 address spelled as one
	// integer, in octal or hexadecimal, with ideographic dots or enclosed
	// digits, an IPv6 zone or a bracketed mapped form, backslash-escaped
	// letters, a dotted address after a scheme without //, or a space
	// before the '@' that ends a user part.
	{id: "150007", keywords: []string{":"}, attack: AttackRFI, level: 2, targets: fields, needsAll: cColon,
		match: re(`(?i)^\s*(?:https?|ftps?|sftp|ssh|rtmp|imap|pop3|smtp|acap|irc|gopher|dict|ldaps?|tftp|telnet|ws|wss|rsync|redis|mysql):/{0,2}(?:[^/@\s]*@)?(?:\[[0-9a-f:.]*(?:%[\w.-]+)?\]|\d{8,10}(?:[/:?#]|$)|0x[0-9a-f]{8}(?:[/:?#]|$)|0x[0-9a-f]{1,2}(?:\.0x[0-9a-f]{1,2}){3}(?:[/:?#]|$)|0\d{1,4}\.\d|0\d{6,}(?:[/:?#]|$)|\d{1,3}(?:\.\d{1,3}){3}(?:[/:?#]|$)|\d{1,3}(?:。\d{1,3}){3}|(?:\\[\w.]){4,})|^\s*[a-z]{2,8}://[^/\s]*[\x{2460}-\x{24FF}]|^\s*[a-z]{2,8}://\S*\s[^@]*@`)},
	// 150008: a value that is only a URL scheme and a '?': the start of a
	// remote include whose path the application appends.
	{id: "150008", keywords: []string{"?"}, attack: AttackRFI, level: 2, targets: fields,
		match: re(`(?i)^\s*(?:file|ftps?|https?)\?+$`)},
	// 150009: an FTP URL as a value: no page of a site is an FTP link, an
	// include of one is.
	{id: "150009", keywords: []string{"ftp://", "ftps://"}, attack: AttackRFI, level: 2, targets: fields, needsAll: cColon | cSlash,
		match: re(`(?i)^\s*ftps?://[^\s]`)},
	// 130027: Node.js console calls, Ruby Process calls, Perl @{[ ]}
	// interpolation, ERB and ASP control tags, text data URIs.
	{id: "130027", keywords: []string{"console", "process", "@{", "<%", "data:text/"}, attack: AttackVuln, level: 2, targets: fields,
		needsAny: cParen | cBrace | cAngle | cColon,
		match:    re(`\bconsole\s*(?:\.\s*\w+|\[\s*['"]\w+['"]\s*\])\s*(?:\.\s*(?:call|apply|bind)\s*)?\(|\bProcess\s*\.\s*(?:spawn|exec|fork|kill|daemon)\s*\(|@\{\s*\[|<%\s*(?:if|unless|for|while|end\w*|else)\b|(?i:^\s*data:text/[\w+.-]+(?:;[^,]*)?(?:,|$))`)},
}
