package inspect

import (
	"regexp"
	"strings"
)

// Shell command separators and substitutions, followed by an optional
// path to the command.
const (
	cmdSep    = "(?:[;|&\\n`]|\\$\\(|\\|\\|)\\s*(?:/(?:usr/)?s?bin/)?"
	cmdStrong = "(?:&&|\\|\\||`|\\$\\()\\s*(?:/(?:usr/)?s?bin/)?"
	// cmdExotic are commands that are not words of text: after a separator
	// they are a command unless the value goes on with a letter or '='
	// (a query string's "&ls=2").
	cmdExotic = `(?:whoami|uname|ifconfig|ipconfig|netstat|nslookup|systeminfo|tasklist|powershell|certutil|bitsadmin|wget|ncat|netcat|busybox|mkfifo|chmod|chown|printenv|useradd|crontab|xxd|wmic|cmd(?:\.exe)?|bash|zsh|ksh|sh|ls|pwd|hostname|tftp|awk|sed|rm)`
	// cmdWordy are commands that are also words of text ("dog & cat",
	// "Search | Find", "Monty & Python", "Raleigh & NC", "Wave & Curl"): after a separator they need a
	// shell-looking argument (a flag, a path, a number, a variable, a
	// quote, a redirection) or another separator.
	cmdWordy = `(?:curl|nc|base64|cat|echo|sleep|ping|dir|type|find|head|tail|more|less|nl|od|tac|kill|timeout|net|reg|ps|ver|perl|ruby|php|python[23]?|ssh|scp|telnet|exec|eval|set|env|id)`
	// cmdStart are programs that, alone at the start of a value, make it a
	// command line.
	cmdStart = `(?:whoami|uname|ifconfig|ipconfig|netstat|nslookup|systeminfo|tasklist|powershell|certutil|bitsadmin|wget|ncat|netcat|busybox|mkfifo|chmod|chown|printenv|useradd|usermod|crontab|xxd|wmic|visudo|gunzip|zcat|zstdcat|bzcat|xzcat|bsdtar|ansible(?:-[a-z]+)?|chef-[a-z]+|cscli|strace|ltrace|socat|nmap|tcpdump|iptables|systemctl|journalctl|dmesg|lsof|pkexec|base32|c89|c99|gcc[\d.]*|irb|python\d[\d.]*|bash|zsh|ksh|dash|tcsh)`
	// cmdPrefix are the commands that run the command after them.
	cmdPrefix = `(?:time|nohup|strace|sudo|nice|timeout|xargs|command|builtin|exec)`
	cmdEnd    = "(?:$|[\\s;|&<>`'\")$])"
	cmdArg    = "(?:\\s+(?:[-/\\\\$~.\\d<>|'\"{]|https?:|[a-z]:[\\\\/])|\\s*[;|&<>`)])"
)

var cmdiRules = []rule{
	{id: "120001", attack: AttackCmdi, level: 1, targets: fields | tURL, needsAny: cSemi | cPipe | cCtl | cTick | cDollar,
		match: separatorCommand()},
	{id: "120002", keywords: []string{";", "|", "&", "`", "$", "/bin/"}, attack: AttackCmdi, level: 2, targets: fields | tURL, needsAny: cDollar | cSemi | cPipe | cSlash | cTick,
		match: re("(?i)`\\s*(?:id|whoami|uname|ls|cat|pwd|hostname|sleep)\\b[^`]*`|" + `\$\{IFS\}|\$IFS\b|\$\(\s*[a-z]|` + cmdStrong + cmdWordy + cmdEnd + `|(?:[;|]|&&)\s*(?:/(?:usr/)?s?bin/)?(?:(?-i:id|env|ps)|ver|dir)\s*$|/bin/(?:ba|z|k|da)?sh\b`)},
	{id: "120003", keywords: []string{"`", "|", ";", "&"}, attack: AttackCmdi, level: 3, targets: fields, needsAny: cTick | cPipe | cSemi,
		match: re("`\\s*(?:curl|wget|nc|ncat|bash|sh|python[23]?|perl|php|ruby|ping|nslookup|dig|rm|chmod)\\b[^`]*`|[|;]\\s*[a-z]{2,12}\\s+-|[;|&]\\s*/[\\w?*]*[?*][\\w?*]*/[\\w?*]*[?*]|[;|&]\\s*\\$0\\b")},
	// 120004: a command spelled with quotes, backslashes or empty
	// variables inside it (c'a't, c\at, who$@ami, ca${u}t), which the
	// shell drops: the value is matched again without them.
	{id: "120004", attack: AttackCmdi, level: 3, targets: fields, needsAny: cQuote | cSlash | cDollar, match: unquotedShell},
}

// shellNoise are the spellings a shell drops from a word: quotes, a
// backslash before a letter, $@ and an unset variable in braces.
var shellNoise = regexp.MustCompile(`['"]|\\([a-zA-Z/])|\$@|\$\{[a-z]{1,3}\}`)

// shellCommand is a separator followed by a command, as 120001 and
// 120002 see it, for the value without its shell noise.
var shellCommand = regexp.MustCompile(`(?i)` + cmdSep + `(?:` + cmdExotic + cmdEnd + `|` + cmdWordy + cmdArg + `|(?-i:id)\s*$)`)

// unquotedShell matches a value whose shell noise hides a command.
func unquotedShell(s string) (int, int, bool) {
	if !strings.ContainsAny(s, `'"\$`) {
		return 0, 0, false
	}
	clean := shellNoise.ReplaceAllString(s, "$1")
	if clean == s {
		return 0, 0, false
	}
	return 0, 0, shellCommand.MatchString(clean)
}

// phpCallable are PHP functions that run code or commands when called
// with an attacker's string.
const phpCallable = `eval|assert|system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|create_function|call_user_func(?:_array)?|include(?:_once)?|require(?:_once)?|array_map|array_filter|usort|preg_replace|file_put_contents|fwrite|highlight_file|show_source|readfile`

var codeRules = []rule{
	{id: "130001", keywords: []string{"eval", "assert", "system", "passthru", "shell_exec", "exec", "popen", "proc_open", "pcntl_exec", "create_function", "call_user_func", "phpinfo", "include", "require", "array_map", "array_filter", "usort", "preg_replace", "file_put_contents", "fwrite", "highlight_file", "show_source", "readfile"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cParen,
		match: re(`(?i)\b(?:` + phpCallable + `)\s*\(\s*(?:\$|['"]|base64_decode|gzinflate|str_rot13|chr\s*\(|\)|getenv|file_get_contents)|\bphpinfo\s*\(\s*\)`)},
	{id: "130002", keywords: []string{"${"}, attack: AttackVuln, level: 1, targets: fields | tURL | tHeader | tUA | tRaw, needsAny: cDollar | cBrace,
		match: re(`(?i)\$\{\s*(?:jndi|(?:lower|upper|env|sys|java|date|main|base64|::-)[^}]*\}?\s*[jJ$])|\$\{\s*jndi\s*:|\$\{\w{0,4}\$\{\w+:[^}]*\}`)},
	{id: "130003", keywords: []string{"java.", "getruntime", "class.forname", "_memberaccess", "ognl", "#context", "getclass", "new java", "javax", "freemarker", "t(", "application"}, attack: AttackVuln, level: 1, targets: fields | tURL | tHeader | tRaw, needsAny: cDot | cAt | cBrace | cParen,
		match: outsideMarkupNames(re(`(?i)java\.lang\.(?:Runtime|ProcessBuilder|System)\b|getRuntime\s*\(\s*\)|\bClass\.forName\s*\(|#_memberAccess|@ognl\.OgnlContext|#context\s*\[|\.getClass\s*\(\s*\)\s*\.|new\s+java\.|javax\.script\.ScriptEngineManager|freemarker\.template\.utility\.Execute|\bT\s*\(\s*java\.|#?\bapplication\s*\[\s*['"]`))},
	{id: "130004", keywords: []string{"{{", "${", "#{", "__", "{%", "<%=", "config.", "lipsum", "cycler", "joiner", "namespace", "self._", "{php}"}, attack: AttackVuln, level: 2, targets: fields | tURL, needsAny: cBrace | cDot | cAngle | cPipe,
		match: re(`(?i)\{\{\s*[\w.'"\[\]()]*\s*[*+]\s*['"]?\d+['"]?\s*\}\}|[$#]\{\s*\d+\s*[*+]\s*\d+\s*\}|__(?:class|mro|subclasses|globals|builtins|import|init)__|\{%\s*(?:import|include|set|for|if|print|exec)\b|<%=|\bconfig\.items\s*\(|\b(?:lipsum|cycler|joiner|namespace)\.__|self\._TemplateReference|\{php\}|\{\{\s*(?:request|config|self|settings)\b`)},
	{id: "130005", keywords: []string{"${", "#{", "%{", "{{"}, attack: AttackVuln, level: 3, targets: fields, needsAny: cBrace,
		match: re(`[$#%]\{[^}]{1,80}\}|\{\{[^}]{1,80}\}\}`)},
	{id: "130006", keywords: []string{"<!"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cAngle,
		match: re(`(?i)<!(?:DOCTYPE|ENTITY)[^>]*\b(?:SYSTEM|PUBLIC)\b|<!ENTITY\s+%`)},
	{id: "130007", keywords: []string{"()"}, attack: AttackVuln, level: 1, targets: fields | tURL | tHeader | tUA, needsAll: cParen | cBrace,
		match: re(`^\s*\(\s*\)\s*\{[^}]*\}\s*;`)},
	{id: "130008", keywords: []string{"classloader", "think\\", "vars[", "#value", "#markup", "server[request_method]", "post_render", "pre_render", "lazy_builder", "access_callback", "eval-stdin", "__proto__", "prototype"}, attack: AttackVuln, level: 1, targets: fields | tURL, needsAny: cDot | cSlash | cBrace,
		match: re(`(?i)\bclass\.(?:module\.)?classLoader\b|\.classLoader\.(?:resources|URLs|parent)|\bthink\\(?:app|Container|Request|template|view)\b|\w/#(?:value|markup|post_render|pre_render)$|^vars\[\d\](?:\[\])?$|^server\[REQUEST_METHOD\]$|\[\s*#(?:post_render|pre_render|lazy_builder|access_callback)\s*\]|\beval-stdin\.php|__proto__|\bconstructor\s*(?:\[\s*prototype\s*\]|\]\s*\[\s*prototype\b|\.prototype\b)`)},
	{id: "130009", keywords: []string{"o:", "a:", "ro0ab", "kztaau", "cs7qaf", "aced0005"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cColon | cUpper,
		match: outsideMarkupNames(re(`\bO:\d+:"[\w\\]+":\d+:\{|\ba:\d+:\{[^}]*\bO:\d+:"|\b(?:rO0AB|KztAAU|Cs7QAF)|\b(?i:aced0005)`))},
	// 130029: a Java gadget or command class name (Runtime,
	// ProcessBuilder, InvokerTransformer, ...) encoded in base64, at
	// level 3 (the CRS's paranoia level 3).
	{id: "130029", keywords: javaBase64Keywords, attack: AttackVuln, level: 3, targets: fields | tRaw, match: outsideMarkupNames(javaBase64Keyword)},
	{id: "130010", keywords: []string{"${", "_self", "registerundefined", "|filter", "|map", "| filter", "| map", "child_process", "mainmodule", "constructor", "import", "popen", "xi:include", "xinclude"}, attack: AttackVuln, level: 1, targets: fields | tURL | tRaw, needsAny: cDollar | cBrace | cDot | cParen | cColon,
		match: re(`(?i)\$\{\s*@?[a-z_]\w*\s*\(|\b_self\.env\b|registerUndefinedFilterCallback|\|\s*(?:filter|map|reduce|sort)\s*\(\s*['"](?:system|exec|passthru|shell_exec|popen)|child_process|process\.mainModule|\.constructor\s*\.\s*constructor\s*\(|__import__\s*\(|\bos\.(?:popen|system)\s*\(|<\w+:include\b[^>]*\bhref\s*=|XInclude`)},
	{id: "130012", keywords: []string{")(", ") (", "\"(", "'(", "\" (", "' ("}, attack: AttackVuln, level: 1, targets: fields, needsAll: cParen,
		match: re(`(?i)\(\s*(?:\(?\s*['"]?\w*['"]?\s*\)?\s*\.\s*)+\(?\s*['"]?\w*['"]?\s*\)?\s*\)\s*\(|\(\s*(?:` + phpCallable + `)\s*\)\s*\(|\(\s*string\s*\)\s*['"]\w+['"]\s*\(`)},
	{id: "130013", keywords: []string{"java.", "javax.", "com.sun.", "com.opensymphony", "org.apache.", "org.dom4j", "org.jdom2", "org.omg.", "org.xml.sax", "freemarker.", "sun.reflect", "javassist", "ognl", "propertyutilsbean", "declaredclass", "classloader"}, attack: AttackVuln, level: 1, targets: fields | tURL | tRaw, needsAny: cDot | cUpper,
		match: outsideMarkupNames(re(`(?i)\bjava\.lang\.(?:Class|ClassLoader|Enum|Integer|Number|Object|Process|ProcessBuilder|reflect|Runtime|String|System|Thread)\b|\bjava\.io\.(?:\w*(?:Stream|Reader|Writer)|File\w*)\b|\bjava\.net\.(?:Socket|ServerSocket|DatagramSocket|MulticastSocket|URL|\w*URLConnection)\b|\bjava\.(?:nio\.file|beans\.XMLDecoder|rmi)\b|\bjavax\.(?:naming|script|xml|management)\.|\bcom\.sun\.org\.apache|\bcom\.opensymphony\.xwork2|\borg\.apache\.(?:commons|struts2?|xalan|bcel)\b|\borg\.(?:dom4j|jdom2|omg\.CORBA|xml\.sax)\b|\bfreemarker\.(?:core|template|ext)\b|\bsun\.reflect\b|\bjavassist\b|\bOgnl(?:Context|Util)\b|\bPropertyUtilsBean\b|\bdeclaredClass\b|\bclassLoader\b`))},
	{id: "130014", keywords: []string{"runtime", "processbuilder"}, attack: AttackVuln, level: 1, targets: fields | tURL | tRaw, needsAny: cDot | cUpper | cAngle, match: outsideMarkupNames(javaGadget)},
	{id: "130015", keywords: []string{"<?", "php]", "php}", "<php>", "base64_decode", "bzdecompress", "gzdecode", "gzinflate", "gzuncompress", "str_rot13", "convert_uu", "file_get_contents", "fsockopen", "move_uploaded_file", "posix_", "ini_set", "escapeshell", "register_shutdown_function", "highlight_file", "show_source", "php_uname", "get_current_user", "call_user_func", "create_function", "shell_exec", "proc_open", "pcntl_exec", "file_put_contents", "$"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cAngle | cBrace | cParen,
		match: re(`(?i)<\?\s*php\b|<\?(?:=|$|\s+(?:echo|print|system|exec|passthru|eval|include|require|phpinfo)\b|\s+\$|\s.*\?>)|\[[/\\]?php\]|\{/?php\}|<php>|(?:base64_decode|bzdecompress|gzdecode|gzinflate|gzuncompress|str_rot13|convert_uu(?:en|de)code|file_get_contents|file_put_contents|p?fsockopen|move_uploaded_file|posix_\w+|ini_set|escapeshell(?:arg|cmd)|register_shutdown_function|highlight_file|show_source|php_uname|get_current_user|call_user_func(?:_array)?|create_function|shell_exec|proc_open|pcntl_exec)\s*\(|^\s*@?\$+(?:[A-Za-z_]\w*)?(?:\s*\[[^\]]*\]|\s*\{[^}]*\})*\s*\(`)},
	{id: "130016", keywords: []string{"while", "nd_func", "__js_function", "fromcharcode", "@{["}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cParen | cDollar | cBrace,
		match: re(`(?i)\bwhile\s*\(\s*(?:true|1|!\s*(?:false|[-+]?0))\s*\)|\bwhile\s*\(+\s*(?:!!\s*(?:""|''|` + "``" + `|\{\}|\[\]|\w+)|!\s*(?:""|''|` + "``" + `|null|undefined|NaN|false|0)|[+-]?(?:Infinity|0*[1-9]\d*)|new\s+Date|this|String|true)\s*\)+\s*(?:;|\{\s*\}|$)|_\$\$ND_FUNC\$\$_|__js_function|\beval\s*\(\s*String\.fromCharCode|@\{\[[^\]]*\]\}`)},
	{id: "130017", keywords: []string{"<!--#"}, attack: AttackVuln, level: 1, targets: fields | tURL | tRaw, needsAll: cAngle | cComment,
		match: re(`(?i)<!--\s*#\s*(?:exec|include|echo|config|printenv|set|fsize|flastmod|if)\b`)},
	// 130019: paths that only exploits of known CVEs request: devices
	// (routers, VPN gateways) and application servers a web site never
	// serves, so no browsing reaches them.
	{id: "130019", keywords: []string{"/_ignition/", "/gponform/", "/boaform/", "/wls-wsat/", "/_async/", "/invoker/", "/jmx-console/", "/web-console/", "unblock.cgi", "/mgmt/tm/", "/vpns/", "/dana/html5acc/", "/+cscot+/", "/ctrlt/", "/picsdesc.xml", "/api/jsonws/", "/webtools/control/", "console.portal", "/wp-file-manager/", "/cgi-bin/", "/hnap1"}, attack: AttackVuln, level: 1, targets: tURL, needsAll: cSlash,
		match: re(`(?i)/_ignition/execute-solution|/GponForm/diag_Form|/boaform/admin/formLogin|/wls-wsat/|/_async/AsyncResponseService|/invoker/(?:JMXInvokerServlet|EJBInvokerServlet|readonly)|/jmx-console/|/web-console/Invoker|/(?:tm|hnd)Unblock\.cgi|/mgmt/tm/util/bash|/vpns/(?:portal/scripts|cfg/smb\.conf)|/dana/html5acc/guacamole/|/\+CSCOT\+/(?:translation-table|oem-customization)|/ctrlt/DeviceUpgrade_1|/picsdesc\.xml|/api/jsonws/invoke|/webtools/control/(?:xmlrpc|ProgramExport)|\.\./console\.portal|/wp-file-manager/lib/php/connector\.minimal\.php|/cgi-bin/(?:kerbynet|mainfunction\.cgi)|/HNAP1(?:/|$)`)},
	{id: "130020", keywords: []string{"$_", "$globals", "$http_"}, attack: AttackVuln, level: 2, targets: fields | tRaw, needsAll: cDollar,
		match: re(`\$_(?:SERVER|GET|POST|COOKIE|REQUEST|FILES|ENV|SESSION)\s*\[|\$GLOBALS\s*\[|\$HTTP_(?:SERVER|GET|POST|COOKIE|ENV|POST_FILES|SESSION)_VARS\b`)},
	{id: "130021", keywords: []string{"process", "require", "module.exports", ":constructor", ":module", ":__proto__"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cDot | cBrace | cColon,
		match: re(`\bprocess\s*(?:\.\s*(?:env|binding|mainModule|dlopen)\b|\[)|\brequire\s*(?:\.\s*main\b|\[)|\bmodule\.exports\s*=|\$\d+:(?:constructor|Module|__proto__)\b`)},
	{id: "130018", keywords: []string{")(", ") (", "name()", "count(", "child::", "text()", "contains("}, attack: AttackVuln, level: 2, targets: fields, needsAll: cParen,
		match: re(`(?i)\*\s*\)\s*\(\s*[|&!]?\s*\(?\s*[\w-]+\s*[~<>]?=|\)\s*\(\s*[|&]\s*\(\s*[\w-]+\s*=|['"]\s*(?:or|and)\s+(?:name|local-name|string-length|count|contains|substring)\s*\(|\bcount\s*\(\s*/|/child::node\s*\(\)|\btext\s*\(\s*\)\s*=\s*['"]`)},
	{id: "120005", keywords: []string{"for", "if", "(){", "() {"}, attack: AttackCmdi, level: 1, targets: fields, needsAll: cParen,
		match: re(`(?i)\bfor\s+(?:/[dflr]\s+)*(?:\\?"[^"]*"\s+|'[^']*'\s+|[a-z]:\\\S*\s+)*%%?[^\s%]{0,20}\s+in\s*\(.*?\)\s*do\b|\bif\s+(?:not\s+)?(?:exist|defined|errorlevel)\s+\S+\s+\(|\bif\s+(?:/i\s+)?(?:not\s+)?\(?\s*[^()\s]+\s*\)?\s*(?:equ|neq|lss|leq|gtr|geq)\s|\(\s*\)\s*\{\s*[\w:.]+\s*\|\s*[\w:.]+\s*&\s*\}`)},
	// 120008: a value that is a Windows IF statement running a command.
	{id: "120008", keywords: []string{"if"}, attack: AttackCmdi, level: 1, targets: fields,
		match: atStart(`(?i)^\s*if\s+(?:/i\s+)?(?:not\s+)?(?:(?:exist|defined|errorlevel|cmdextversion)\s+\S+|\(?\S+\)?\s*(?:==+|\s(?:equ|neq|lss|leq|gtr|geq)\s)\s*\(?\S+?\)?)\s+(?:cmd|echo|goto|call|set|start|exit|del|copy|type|dir|rem|pause|powershell|whoami)\b`)},
	// 120009: a value that defines a shell alias.
	{id: "120009", keywords: []string{"alias"}, attack: AttackCmdi, level: 1, targets: fields, needsAll: cEq,
		match: atStart(`(?i)^\s*alias\s+(?:[-+]\w+\+?\s+)*['"]?[\w.-]+['"]?=`)},
	// 120006: a value that is a command line: a program that is no word of
	// text (or any program by its path), possibly behind time, nohup or
	// sudo; programs that are also words need a flag, a path or a URL.
	{id: "120006", attack: AttackCmdi, level: 1, targets: fields, needsAny: cSlash | cComment | cDot | cSemi | cCtl,
		match: commandLine(atStart(`(?i)^\s*(?:` + cmdPrefix + `\s*;?\s+)*(?:(?:/(?:usr/)?(?:local/)?s?bin/[\w.-]+|` + cmdStart + `)(?:\s|$)|` + cmdWordy + `\s+(?:-{1,2}[a-z]|/|~/|\./|\$|https?://))`))},
	{id: "120007", keywords: []string{"[", "<(", ">(", "$(("}, attack: AttackCmdi, level: 1, targets: fields, needsAny: cBrace | cParen,
		match: re(`/[\w.-]*\[[^\]\s]{1,8}\][\w.-]*(?:/|\s|$)|[<>]\(\s*[a-z]+\s|\$\(\(`)},
	{id: "130011", keywords: []string{"${"}, attack: AttackVuln, level: 2, targets: fields | tURL, needsAll: cDollar | cBrace,
		match: re(`\$\{\s*(?:applicationScope|sessionScope|requestScope|pageContext|facesContext|initParam)\b`)},
}

// javaGadgets are the classes of Java deserialization gadget chains
// (commons-collections transformers and closures, XMLDecoder, ...).
var javaGadgets = regexp.MustCompile(`(?i)clonetransformer|forclosure|instantiatefactory|instantiatetransformer|invokertransformer|prototypeclonefactory|prototypeserializationfactory|whileclosure|getproperty|filewriter|xmldecoder|unmarshaller|base64data|\bjava\.`)

// javaRuntime names the classes that run a command (not RuntimeException,
// which every Java stack trace holds).
var javaRuntime = regexp.MustCompile(`(?i)\bruntime\b|processbuilder`)

// javaGadget matches a value that names a command-running class with a
// gadget chain or a Java package: a serialized or XML-encoded payload.
func javaGadget(s string) (int, int, bool) {
	loc := javaRuntime.FindStringIndex(s)
	if loc == nil || !javaGadgets.MatchString(s) {
		return 0, 0, false
	}
	return loc[0], loc[1], true
}

// commandLineStarts are the literal beginnings of the names a command
// line of rule 120006 can start with, by lower-case first letter.
var commandLineStarts = func() (m [256][]string) {
	for _, alt := range []string{cmdPrefix, cmdStart, cmdWordy} {
		for _, name := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(alt, "(?:"), ")"), "|") {
			if i := strings.IndexAny(name, `(?[\\*+.`); i >= 0 {
				name = name[:i]
			}
			m[name[0]] = append(m[name[0]], name)
		}
	}
	return m
}()

// commandLine runs match only on a value whose first word could start a
// command line (a path, or the beginning of a name of commandLineStarts):
// the expression's alternation of program names costs microseconds a value
// even when the first letter already rules it out.
func commandLine(match func(string) (int, int, bool)) func(string) (int, int, bool) {
	return func(s string) (int, int, bool) {
		i := 0
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\f') {
			i++
		}
		if i == len(s) {
			return 0, 0, false
		}
		if t := s[i:]; t[0] != '/' && !hasAnyFoldedPrefix(t, commandLineStarts[t[0]|0x20]) {
			return 0, 0, false
		}
		return match(s)
	}
}

// hasAnyFoldedPrefix reports whether s starts with one of the lower-case
// words, in any case.
func hasAnyFoldedPrefix(s string, words []string) bool {
	for _, w := range words {
		if len(s) >= len(w) && hasFoldedPrefix(s, w) {
			return true
		}
	}
	return false
}

// commandLineHead bounds how much of a value atStart looks at.
const commandLineHead = 128

// atStart turns a regular expression anchored at the start of the value
// into a matcher that reads only the value's first commandLineHead bytes,
// so that a long text costs no more than a short one.
func atStart(expr string) func(string) (int, int, bool) {
	r := regexp.MustCompile(expr)
	return func(s string) (int, int, bool) {
		loc := r.FindStringIndex(s[:min(len(s), commandLineHead)])
		if loc == nil {
			return 0, 0, false
		}
		return loc[0], loc[1], true
	}
}

// outsideMarkupNames runs match and passes over what it finds in the
// names of XML elements and attributes (<java.lang.Runtime a="1">,
// <x rO0ABQ="1">), looking again after them: the CRS reads an XML body's
// text and attribute values, not its markup names, and a payload in a
// name is not deserialized. Text, attribute values and non-XML values
// are matched as before.
func outsideMarkupNames(match func(string) (int, int, bool)) func(string) (int, int, bool) {
	return func(s string) (int, int, bool) {
		off := 0
		for tries := 0; tries < 8; tries++ {
			start, end, ok := match(s[off:])
			if !ok {
				return 0, 0, false
			}
			if end == 0 {
				end = len(s) - off // a whole-value match
			}
			if !inMarkupName(s, off+start) {
				return off + start, off + end, true
			}
			if end <= start {
				end = start + 1
			}
			off += end
			if off >= len(s) {
				return 0, 0, false
			}
		}
		return 0, 0, false
	}
}

// inMarkupName reports whether position i of s lies in a tag's element or
// attribute names: after a '<' with no '>' since, outside quotes.
func inMarkupName(s string, i int) bool {
	lt := strings.LastIndexByte(s[:i], '<')
	if lt < 0 || strings.IndexByte(s[lt:i], '>') >= 0 {
		return false
	}
	if lt+1 < len(s) && (s[lt+1] == '!' || s[lt+1] == '?') {
		return false // a declaration or processing instruction
	}
	quotes := strings.Count(s[lt:i], `"`) + strings.Count(s[lt:i], "'")
	return quotes%2 == 0
}
