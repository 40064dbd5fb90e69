package inspect

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// RuleInfo describes one built-in rule as Huawei's catalogue operations
// (ListWebBasicProtectionRules, ShowWebProtectionRule) present it. It is a
// read-only view: changing a RuleInfo changes nothing the Inspector does.
type RuleInfo struct {
	ID     string // 6 digits, the RuleID of the verdicts the rule gives
	Attack string // Huawei's protection type: sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln
	// Level is the lowest protection level whose rule set runs the rule
	// (1 loose, 2 medium, 3 strict): the level-N rule set holds every rule
	// of Level at most N.
	Level int
	// Webshell says the rule belongs to the webshell switch rather than
	// the common one.
	Webshell         bool
	RiskLevel        int      // 1 high, 2 medium, 3 low
	Description      string   // what the rule looks for, in English
	ApplicationTypes []string // the applications the rule is about; "General" when none in particular
	CVE              string   // the CVE number the rule is about, or ""
}

// Risk levels of RuleInfo, with Huawei's values.
const (
	RiskHigh   = 1
	RiskMedium = 2
	RiskLow    = 3
)

// ApplicationGeneral is the application type of rules that are about no
// application in particular.
const ApplicationGeneral = "General"

// CatalogueReleased is when this version of the built-in catalogue was
// published: the create, update and effective time the catalogue
// operations report for every rule.
var CatalogueReleased = time.Date(2026, time.December, 7, 0, 0, 0, 0, time.UTC)

// ruleDoc is the documentation of one rule id.
type ruleDoc struct {
	risk        int
	description string
	apps        []string
	cve         string
}

// general is the application types of a rule about no application in
// particular.
var general = []string{ApplicationGeneral}

// ruleDocs documents every rule the Inspector can report. A rule of the
// catalogue without an entry here, or an entry naming no rule, fails
// TestEveryRuleIsDocumented.
var ruleDocs = map[string]ruleDoc{
	"100001": {RiskHigh, "SQL injection recognised by SQL syntax analysis in a parameter, cookie or header", general, ""},
	"100002": {RiskHigh, "SQL injection recognised by SQL syntax analysis in a URL path holding a quote", general, ""},
	"100003": {RiskMedium, "SQL injection: UNION SELECT, also with comments, parentheses, ALL or DISTINCT between the keywords", general, ""},
	"100004": {RiskMedium, "Blind SQL injection through time delay and error functions (SLEEP, BENCHMARK, PG_SLEEP, WAITFOR DELAY, EXTRACTVALUE, UPDATEXML, LOAD_FILE, DBMS_PIPE, UTL_INADDR)",
		[]string{"MySQL", "PostgreSQL", "Microsoft SQL Server", "Oracle"}, ""},
	"100005": {RiskMedium, "SQL injection closing a quoted string: a tautology, a stacked query or a comment after the quote", general, ""},
	"100006": {RiskLow, "SQL injection fragments: inline comments, information_schema, string and encoding functions, @@version, ORDER BY probing, xp_cmdshell, long hexadecimal literals", general, ""},
	"100007": {RiskMedium, "SQL injection tautology on numbers (OR 1=1, AND 2=2)", general, ""},
	"100008": {RiskMedium, "SQL injection: a call of a function only SQL has (group_concat, load_file, pg_read_file, sqlite_version, ...), or of a SQL function named like a word (sum, date, md5) glued to its parenthesis after an operator or at the start of a value; a spreadsheet range (=SUM(A1:A10)) is no call", general, ""},
	"100010": {RiskHigh, "SQL injection: database catalogue and system table names (information_schema, pg_catalog, pg_shadow, mysql.user, sysobjects, msysaccessobjects, sqlite_master, ...)",
		[]string{"MySQL", "PostgreSQL", "Microsoft SQL Server", "Oracle", "SQLite", "Microsoft Access"}, ""},
	"100011": {RiskHigh, "SQL injection: statement phrases that text does not hold: a statement after a semicolon or a quote, EXCEPT SELECT, WAITFOR DELAY, EXEC of a system procedure, INTO OUTFILE, DECLARE @, DDL on a table written as SQL (in capitals, after a statement end, or followed by ;, a column list or IF EXISTS), INSERT INTO ... VALUES, CASE WHEN ... THEN, GROUP BY a column ... HAVING a condition", general, ""},
	"100012": {RiskMedium, "SQL injection through PostgreSQL casts and JSON operators: ::int, ::regclass, '->>', '#>', '@>', jsonb_ functions and JSON path comparisons after a quote", []string{"PostgreSQL", "MySQL"}, ""},
	"100013": {RiskHigh, "NoSQL injection: a MongoDB query operator in a parameter name ([$ne], [$regex], [$where], ...) or as the whole value", []string{"MongoDB"}, ""},
	"100014": {RiskHigh, "SQL injection login bypass: a name closed by a quote or backtick and followed by a comment or a semicolon (admin'--, admin'#)", general, ""},
	"100015": {RiskMedium, "SQL injection: MySQL executable comments (/*!...*/) and the integer and floating-point boundary values used to provoke errors (4294967295, 2147483648, 2.2250738585072011e-308)", []string{"MySQL"}, ""},
	"100016": {RiskHigh, "SQL injection: database system procedures and packages (xp_cmdshell, sp_executesql, sp_oacreate, utl_http, dbms_java, openrowset, pg_read_file, ...)",
		[]string{"Microsoft SQL Server", "Oracle", "PostgreSQL"}, ""},
	"100017": {RiskMedium, "SQL injection: a quote, an operator and a trailing comment (' or x --), or a backslash-escaped quote before OR or AND; a quote inside a JSON string is a quote, not an escaped one", general, ""},
	"100018": {RiskMedium, "SQL injection: an alias before FROM (... AS x FROM) after a quote, a parenthesis, a number or a semicolon", general, ""},
	"100019": {RiskMedium, "SQL injection: a boolean operator followed by a number, NULL or a quoted string and a comparison, a comma-led numeric tautology, or code-style comparisons after && and ||", general, ""},
	"100020": {RiskMedium, "SQL injection fragments: comments inside or after keywords, ;--, EXECUTE(, SELECT(CASE, HAVING n=, IN (SELECT, IS NOT NULL --, an ARRAY[ constructor after an operator", general, ""},
	"100021": {RiskMedium, "SQL injection: a SQL function named like a word (if, count, replace, ...) glued to arguments that start with a quote, a variable, another call or a subquery", general, ""},
	"100022": {RiskLow, "SQL injection: a SQL function named like a word with white space or a comment before arguments that start with a quote, a variable, another call or a subquery", general, ""},
	"100023": {RiskLow, "SQL injection keywords in loose shapes: IN ( a number or quote, RLIKE, REGEXP, LIMIT n,n, EXECUTE name, FROM table WHERE/LIMIT/GROUP BY/ORDER BY, a quote followed by a statement keyword", general, ""},
	"100024": {RiskMedium, "SQL injection: the VARCHAR and NVARCHAR type names of casts and conversions", general, ""},
	"100025": {RiskMedium, "SQL injection: SET @variable or SET @@system_variable", []string{"MySQL", "Microsoft SQL Server"}, ""},
	"100026": {RiskMedium, "SQL injection: IS [NOT] NULL after a quote, a parenthesis or a number, or as the whole value; XOR; a value that is only a comparison or logical operator; COLLATE or NOTNULL after a quote", general, ""},
	"100027": {RiskMedium, "SQL injection closing a quote: a quote and a semicolon ending the value, GLOB/LIKE/REGEXP a word and a semicolon, ) WHEN n THEN, OR TRUE/FALSE, DDL right after a quote, SELECT 0x..., quoted numbers compared", general, ""},
	"100028": {RiskMedium, "SQL injection: a SQL function named like a word followed by operators or punctuation and then a parenthesis (length||(, month=()", general, ""},
	"100029": {RiskMedium, "SQL injection: a value that is only EXECUTE name, REGEXP, RLIKE or ORDER BY, or FROM table WHERE column = a value (not a ? placeholder), or FROM table GROUP BY", general, ""},
	"100030": {RiskMedium, "SQL injection: LIKE, GLOB, REGEXP or RLIKE between numbers, IS NOT a number", general, ""},

	"110001": {RiskHigh, "Cross-site scripting recognised by HTML and JavaScript context analysis", general, ""},
	"110002": {RiskMedium, "Cross-site scripting: an HTML tag that runs script or loads content (script, iframe, svg, object, embed, img, ...)", general, ""},
	"110003": {RiskMedium, "Cross-site scripting: an HTML event handler attribute (onerror, onload, onmouseover, ...)", general, ""},
	"110004": {RiskMedium, "Cross-site scripting: a javascript: or vbscript: URL, a data:text/html URL, or a quote closed before alert, prompt, confirm or eval", general, ""},
	"110005": {RiskLow, "Cross-site scripting fragments: CSS expression(), srcdoc, dialog and timer functions, document.cookie, window.location, String.fromCharCode, atob, constructor chains", general, ""},
	"110006": {RiskHigh, "Cross-site scripting: a tag that runs script or loads content with its letters split by white space or NUL, or behind a namespace prefix (< s c r i p t, <x:script)", general, ""},
	"110007": {RiskMedium, "Cross-site scripting: any on...= event handler attribute, formaction, srcdoc or xlink:href", general, ""},
	"110008": {RiskHigh, "Cross-site scripting: access to the document or window (document.cookie, window.location, top['alert'], document.write, ...), with comments or brackets between the tokens", general, ""},
	"110009": {RiskHigh, "Cross-site scripting: script execution sinks and obfuscation: alert(, atob(, new Function(, tagged template calls, ${alert}, JSFuck ([]+[]), url(javascript:), UTF-7 +ADw-, a data: URL holding markup", general, ""},
	"110010": {RiskMedium, "Cross-site scripting: a tag disguised with the US-ASCII bytes \\xbc and \\xbe that some decoders turn into < and >", general, ""},
	"110011": {RiskLow, "Cross-site scripting: an HTML comment closer (-->) that breaks out of a comment", general, ""},

	"120001": {RiskHigh, "Command injection: a shell separator or substitution followed by a reconnaissance, download or shell command (whoami, uname, wget, curl, nc, bash -c, powershell, ...)", general, ""},
	"120002": {RiskMedium, "Command injection: a command in backticks or $( ), ${IFS}, a separator followed by a common Unix or Windows command, or a path to a shell", general, ""},
	"120003": {RiskLow, "Command injection fragments: a download or interpreter command in backticks, or a separator followed by a command with an option", general, ""},
	"120004": {RiskMedium, "Command injection evasion: a command hidden by quotes, backslashes, $@ or ${x} inside its name (w'h'o'am'i, c\\at)", general, ""},
	"120005": {RiskHigh, "Command injection on Windows: FOR ... IN (...) DO loops, IF EXIST/DEFINED/ERRORLEVEL, IF comparisons (EQU, NEQ, LSS, LEQ, GTR, GEQ), and the shell fork bomb", []string{"Windows"}, ""},
	"120009": {RiskMedium, "Command injection: a value that defines a shell alias (alias a=curl, alias -p x=id)", general, ""},
	"120010": {RiskHigh, "Command injection: a Unix or Windows program where a shell starts a command (the start of the value, after ; | & && || a newline, a backtick or $( ), read as the shell reads it (quotes, backslashes and empty variables inside the name dropped, /bin/ paths cut off); programs that are also words need a shell-looking argument", general, ""},
	"120016": {RiskHigh, "Command injection: a value that starts with a command line as the shell tokenizer of 120010 reads it: a program that is no word of text alone or with an argument, a program that is also a word with a flag, path, variable or redirection, or any program behind time, nohup, sudo or strace", general, ""},
	"120011": {RiskHigh, "Command injection on Windows: a value that is an IF == comparison or an IF ERRORLEVEL test", []string{"Windows"}, ""},
	"120012": {RiskMedium, "Command injection: shell brace expansion ({ls,-l}, c{a,oun}t, {,ifconfig}) and a value that is a tilde expansion of the directory stack (~+, ~-1)", general, ""},
	"120013": {RiskMedium, "Mail command injection: SMTP (MAIL FROM, RCPT TO, EHLO), POP3 (RETR, LIST, TOP, APOP, AUTH) and IMAP (tagged LOGIN, SELECT, FETCH, STORE, ...) commands on a line of their own", general, ""},
	"120014": {RiskMedium, "Command injection through the SQLite shell: dot commands (.shell, .system, .databases, .dump, ...) after a separator", []string{"SQLite"}, ""},
	"120015": {RiskHigh, "Command injection: shell variables run as commands ($SHELL -c, ;$a -nlvp, $c $a$b), parameter and arithmetic expansion (${x#y}, $[2+2]), process substitution <(cmd), the fork bomb under any name, a value that opens a function definition () {", general, ""},
	"120008": {RiskHigh, "Command injection on Windows: a value that is an IF statement (IF EXIST, IF DEFINED, IF ERRORLEVEL, a == or EQU/NEQ/LSS/LEQ/GTR/GEQ comparison) running a command (ECHO, GOTO, CMD, CALL, ...)", []string{"Windows"}, ""},
	"120006": {RiskHigh, "Command injection: a value that is a command line, a program that is no word of text (or any program by its path), possibly behind time, nohup or sudo", general, ""},
	"120007": {RiskMedium, "Command injection: shell globs and bracket expressions in paths (/???/c[a]t), process substitution <( and >(, arithmetic expansion $((", general, ""},

	"130001": {RiskHigh, "PHP code injection: eval, assert, system and similar functions called on input, and phpinfo()", []string{"PHP"}, ""},
	"130002": {RiskHigh, "Apache Log4j2 JNDI lookup injection (Log4Shell) and its obfuscated forms", []string{"Apache Log4j2", "Java"}, "CVE-2021-44228"},
	"130003": {RiskHigh, "Java code injection: OGNL expressions of Apache Struts2, Runtime and ProcessBuilder, reflection, script engines, FreeMarker Execute, Spring expressions", []string{"Apache Struts2", "Java"}, "CVE-2017-5638"},
	"130004": {RiskMedium, "Server-side template injection: arithmetic probes ({{7*7}}, ${7*7}), Python object traversal (__class__, __globals__), Jinja2, Twig, Smarty and ERB constructs", []string{"Python", "PHP", "Java", "Ruby"}, ""},
	"130005": {RiskLow, "Template expression in a parameter (${...}, #{...}, %{...}, {{...}})", general, ""},
	"130006": {RiskHigh, "XML external entity (XXE): a DOCTYPE or ENTITY declaration with SYSTEM or PUBLIC, or a parameter entity", general, ""},
	"130007": {RiskHigh, "Bash function definitions in a header or value (Shellshock: () { :; };)", []string{"Bash"}, "CVE-2014-6271"},
	"130008": {RiskHigh, "Framework exploits: Spring class.module.classLoader (Spring4Shell), ThinkPHP think\\app invokefunction (CVE-2018-20062), Drupal #post_render and #value render arrays (Drupalgeddon2, CVE-2018-7600), PHPUnit eval-stdin.php (CVE-2017-9841), JavaScript prototype pollution (__proto__)",
		[]string{"Spring Framework", "ThinkPHP", "Drupal", "PHPUnit", "Node.js"}, "CVE-2022-22965"},
	"130009": {RiskHigh, "Deserialization: a serialized PHP object (O:n:\"Class\":n:{) or Java object stream (rO0AB, aced0005)", []string{"PHP", "Java"}, ""},
	"130010": {RiskHigh, "Code injection: PHP ${func(}, Twig _self.env and filter callbacks, Node child_process and process.mainModule, Python __import__ and os.popen/os.system, XInclude", []string{"PHP", "Twig", "Node.js", "Python"}, ""},
	"130011": {RiskMedium, "Java Expression Language injection: the JSP and JSF implicit objects (${applicationScope}, ${sessionScope}, ${pageContext}, ...)", []string{"Java"}, ""},
	"130012": {RiskHigh, "PHP code injection: a call through a parenthesised or concatenated function name ((\"sys\".\"tem\")(...), (string)\"system\"(...))", []string{"PHP"}, ""},
	"130013": {RiskHigh, "Java code injection: the Java classes and packages exploits use (java.lang.Runtime, java.io streams, javax.naming, org.apache.commons, Ognl, javassist, ...)", []string{"Java"}, ""},
	"130014": {RiskHigh, "Java deserialization: Runtime or ProcessBuilder together with a gadget-chain class (InvokerTransformer, XMLDecoder, ...)", []string{"Java"}, ""},
	"130015": {RiskHigh, "PHP code injection: PHP open tags (<?php, short <? tags, Smarty {php}, ThinkCMF's <php>), decoding and execution functions (base64_decode(, gzinflate(, shell_exec(, call_user_func(, ...), a call through a variable", []string{"PHP"}, ""},
	"130016": {RiskMedium, "Code injection: Node.js and Perl markers (node-serialize _$$ND_FUNC$$_, endless while loops (while(true), while(!NaN), while(Infinity);), eval(String.fromCharCode, Perl @{[ ]})", []string{"Node.js", "Perl"}, ""},
	"130017": {RiskHigh, "Server-side include injection: <!--#exec, <!--#include and the other SSI directives", general, ""},
	"130019": {RiskHigh, "Known exploit endpoints no web site serves: Laravel Ignition execute-solution, GPON and Boa router forms, WebLogic wls-wsat and _async, JBoss invoker and jmx-console, Linksys tmUnblock.cgi, F5 iControl bash, Citrix and Pulse Secure VPN paths, Cisco ASA +CSCOT+, Huawei HG532 DeviceUpgrade, Liferay JSON web services, OFBiz XML-RPC, WordPress File Manager connector, D-Link HNAP1",
		[]string{"Laravel", "Oracle WebLogic", "JBoss", "F5 BIG-IP", "Citrix ADC", "Pulse Connect Secure", "Cisco ASA", "Huawei HG532", "Liferay", "Apache OFBiz", "WordPress"}, ""},
	"130020": {RiskMedium, "PHP code injection: the request superglobals ($_SERVER[, $_GET[, $_POST[, $_COOKIE[, $GLOBALS[, $HTTP_*_VARS)", []string{"PHP"}, ""},
	"130021": {RiskMedium, "Node.js code injection: process.env, process.binding, process[...], require.main, require[...], module.exports=, and the $n:constructor references of React Server Components payloads", []string{"Node.js", "React"}, ""},
	"130022": {RiskHigh, "PHP code injection: a call of a PHP function by name (PHP's own names anywhere, with spaces, comments or line breaks before the parenthesis; names that are also words only when the value starts with them or the argument is code)", []string{"PHP"}, ""},
	"130023": {RiskMedium, "PHP configuration injection: a value that sets a php.ini directive (allow_url_include=1, auto_prepend_file=..., opcache.*=...)", []string{"PHP"}, ""},
	"130024": {RiskMedium, "PHP code injection: variable variables (${'name'}, $ {$x}) and a request superglobal named alone ($_COOKIE)", []string{"PHP"}, ""},
	"130025": {RiskHigh, "PHP code injection: a function called through a variable, an array element, a method or a static variable ($a[1](...), $f /* x */ (...), $o->$m(), C::$v())", []string{"PHP"}, ""},
	"130026": {RiskHigh, "PHP code injection: a string, array element or parenthesised expression called as a function (\"system\"(ls);, [system][0](ls);, ('system')('id'))", []string{"PHP"}, ""},
	"130028": {RiskHigh, "PHP code injection: a call of a PHP function that runs code or commands, reads or writes files, opens connections, decodes an obfuscated payload or reveals the server (exec (...), system(whoami), eval(base64_decode(...)), fopen(, phpinfo(), get_defined_vars()), found as 130022 finds calls; level 1", []string{"PHP"}, ""},
	"130029": {RiskHigh, "Java deserialization or command execution: a gadget or command class name (Runtime, ProcessBuilder, InvokerTransformer, InstantiateTransformer, the Commons Collections closures and factories) encoded in base64, at any of the three byte offsets; level 3", []string{"Java"}, ""},
	"130027": {RiskMedium, "Code injection in other languages: Node.js console calls (console.info(1), console[\"log\"](x)), Ruby Process.spawn and Process.exec, Perl @{[ ]} interpolation, ERB and ASP control tags (<% if %>), text data URIs (data:text/plain;base64,...)", []string{"Node.js", "Ruby", "Perl", "PHP"}, ""},
	"130018": {RiskMedium, "LDAP filter injection (*)(uid=*)) and XPath injection (' or name(, count(/, text()=')", general, ""},

	"140001": {RiskHigh, "Directory traversal: three or more ../ in a row, or ../ into a system directory (etc, proc, windows, WEB-INF, ...)", general, ""},
	"140002": {RiskHigh, "Sensitive file access: /etc/passwd and shadow, /proc/self, Windows system files, WEB-INF descriptors, .htpasswd, shell history, SSH keys", general, ""},
	"140003": {RiskHigh, "Local file inclusion through PHP stream wrappers and file schemes (php://, phar://, zip://, file://, expect://)", []string{"PHP"}, ""},
	"140004": {RiskMedium, "Access to source control, configuration and backup files (.git/, .svn/, .env, .htaccess, wp-config.php, web.config, .bak, .sql, ...) and the ..;/ path parameter bypass", general, ""},
	"140005": {RiskLow, "Any ../ or ..\\ in a value", general, ""},
	"140006": {RiskMedium, "Directory traversal: ../ to a configuration file (config.php, wp-config, .env, settings, database, credentials, web.config, application.yml, ...)", general, ""},
	"140007": {RiskHigh, "Directory traversal in the file name of a multipart upload", general, ""},

	"150001": {RiskHigh, "Remote file inclusion and SSRF: a parameter that is a URL to a bare IPv4 or IPv6 address, loopback or cloud metadata, a data, gopher, dict, ldap, jar, tftp or local_file URL, or a URL whose user part hides an encoded slash (http://site%2f@evil/)", general, ""},
	"150006": {RiskHigh, "Server-side request forgery: a value that addresses this machine or its container host by name (localhost/, localhost.localdomain, ip6-loopback, host.docker.internal, kubernetes.default.svc, localtest.me, lvh.me) or the metadata service of Equinix Metal (metadata.packet.net)", general, ""},
	"150007": {RiskHigh, "Server-side request forgery: a URL whose host is an IPv4 address as one integer, in octal or hexadecimal, with ideographic dots or enclosed digits, an IPv6 zone or bracketed mapped form, backslash-escaped letters, a dotted address after a scheme without //, or a space before the '@' of the user part", general, ""},
	"150008": {RiskMedium, "Remote file inclusion: a value that is only a URL scheme and '?' (http?, ftp?, file?)", general, ""},
	"150009": {RiskMedium, "Remote file inclusion: an FTP URL as a parameter value", general, ""},
	"150010": {RiskHigh, "Remote file inclusion: an absolute http, https or FTP URL in a parameter whose name says the application loads it (file, include, inc, require, template, path, module, root, dir, conf, layout, load, ...)", general, ""},
	"150005": {RiskHigh, "Remote file inclusion: a parameter named like the globals old PHP applications include from (mosConfig_absolute_path, _CONF[path], GALLERY_BASEDIR, appserv_root, ...)", []string{"PHP", "Joomla"}, ""},
	"150002": {RiskMedium, "Remote file inclusion: a URL parameter ending in ? or a NUL byte, or pointing to a .txt, .php or .inc file", general, ""},
	"150003": {RiskLow, "Remote file inclusion: a URL parameter pointing to a server-side script (.jsp, .asp, .sh, .pl, .py, .cgi, .js), or a UNC path", general, ""},
	"150004": {RiskMedium, "Remote file inclusion through a UNC path to a host or an IP address (\\\\host\\share\\file)", []string{"Windows"}, ""},

	"160001": {RiskMedium, "Malicious scanner in the User-Agent (sqlmap, Nikto, Nmap, Acunetix, Nessus, Nuclei, ZAP, feroxbuster, dirsearch, Wapiti, CensysInspect, LeakIX, ...)", general, ""},
	"160002": {RiskLow, "Scripted client in the User-Agent (python-urllib, libwww-perl, Scrapy, PhantomJS, HeadlessChrome, ...)", general, ""},

	"170001": {RiskHigh, "HTTP response splitting and header injection: a line break followed by a header name or a status line", general, ""},
	"170002": {RiskMedium, "Control characters (NUL, CR, LF) in the URL path, the User-Agent or, with header inspection, any header", general, ""},
	"170005": {RiskHigh, "HTTP request smuggling: a request line (GET / HTTP/1.1) inside a value, alone or after a line break", general, ""},
	"170006": {RiskHigh, "HTTP response splitting and header injection: a blank line followed by markup, or a line break followed by Remote-Addr, Referer, Cookie, Authorization, User-Agent, Connection, Upgrade, Via, Forwarded or Origin", general, ""},
	"170007": {RiskHigh, "LDAP filter injection: a filter closed and a new one opened ()(uid=, )(|(, )&(), or a value starting with *)", general, ""},
	"170008": {RiskHigh, "Server-side request forgery through Apache mod_proxy: a unix: socket path followed by | and a URL", []string{"Apache HTTP Server"}, "CVE-2021-40438"},
	"170009": {RiskMedium, "Cookie attribute injection: a cookie named $Version, $Path or $Domain (RFC 2109 attributes that old parsers honour)", general, ""},
	"170010": {RiskMedium, "A multipart boundary on a Content-Type that is not multipart (application/… or text/…; boundary=), which parsers disagree on", general, ""},
	"170003": {RiskMedium, "NUL byte in a parameter or cookie", general, ""},
	"170011": {RiskMedium, "Protocol violation: the obsolete Request-Range header, which no current client sends and range-exhaustion tools (Apache Killer) did", []string{"Apache HTTP Server"}, ""},
	"170012": {RiskMedium, "Protocol violation: a request method with a byte other than a letter, a digit, '-' or '_' (|GET, a space or a control byte) or longer than 32 bytes", general, ""},
	"170004": {RiskHigh, "HTTP request smuggling: a Transfer-Encoding other than chunked, or both Transfer-Encoding and Content-Length, or either twice", general, ""},

	"180001": {RiskHigh, "Webshell: PHP, JSP or ASP code, eval of request input, or a known webshell (c99, r57, b374k, FilesMan) in a parameter or body", []string{"PHP", "Java", "ASP.NET"}, ""},
	"180002": {RiskHigh, "Webshell upload: a multipart file whose name ends in a server-side script extension (.php, .jsp, .asp, ...) or is a server configuration file (.htaccess, .user.ini, web.config)", []string{"PHP", "Java", "ASP.NET"}, ""},
	"180004": {RiskHigh, "Webshell upload: a header whose value is a PHP file name (X-Filename: shell.php, with spaces or dots after it), as upload handlers that take the name from a header receive it (with check_all_headers)", []string{"PHP"}, ""},
	"180003": {RiskHigh, "Webshell upload: an uploaded file that makes other files run as PHP (AddType or SetHandler application/x-httpd-php, auto_prepend_file)", []string{"PHP", "Apache HTTP Server"}, ""},
}

// framingRules are the rules the Inspector applies outside the catalogue
// table: they look at how the request is framed, not at a value.
var framingRules = []RuleInfo{
	{ID: ruleSmuggling, Attack: AttackVuln, Level: 1},
	{ID: ruleRequestRange, Attack: AttackVuln, Level: 1},
	{ID: ruleBadMethod, Attack: AttackVuln, Level: 1},
	{ID: ruleIncludeParam, Attack: AttackRFI, Level: 2},
}

// cveDescriptions describes each CVE a rule is about, for the
// vulnerability notifications.
var cveDescriptions = map[string]string{
	"CVE-2021-44228": "Apache Log4j2 remote code execution through JNDI lookups in logged data (Log4Shell)",
	"CVE-2017-5638":  "Apache Struts2 remote code execution through an OGNL expression in the Content-Type header of the Jakarta multipart parser (S2-045)",
	"CVE-2021-40438": "Apache HTTP Server mod_proxy server-side request forgery through a unix: socket path in the request URI",
	"CVE-2014-6271":  "GNU Bash runs commands that follow a function definition in an environment variable (Shellshock)",
	"CVE-2022-22965": "Spring Framework remote code execution through data binding to class.module.classLoader on JDK 9+ (Spring4Shell)",
}

// Rules returns every built-in rule the Inspector can report, the
// catalogue's rules in the order they are tried, then the framing rules.
// The slice and its elements are the caller's own copy.
func Rules() []RuleInfo {
	out := make([]RuleInfo, 0, len(catalogue)+len(framingRules))
	for i := range catalogue {
		r := &catalogue[i]
		out = append(out, RuleInfo{ID: r.id, Attack: r.attack, Level: r.level, Webshell: r.webshell})
	}
	out = append(out, framingRules...)
	for i := range out {
		d := ruleDocs[out[i].ID]
		out[i].RiskLevel, out[i].Description, out[i].CVE = d.risk, d.description, d.cve
		out[i].ApplicationTypes = slices.Clone(d.apps)
	}
	return out
}

// Vulnerability is a CVE that built-in rules protect against.
type Vulnerability struct {
	CVE         string
	Description string
	RuleIDs     []string
}

// Vulnerabilities returns the CVEs the built-in rules are about, in CVE
// order, each with the rules that protect against it.
func Vulnerabilities() []Vulnerability {
	var out []Vulnerability
	for _, r := range Rules() {
		if r.CVE == "" {
			continue
		}
		i := slices.IndexFunc(out, func(v Vulnerability) bool { return v.CVE == r.CVE })
		if i < 0 {
			out = append(out, Vulnerability{CVE: r.CVE, Description: cveDescriptions[r.CVE]})
			i = len(out) - 1
		}
		out[i].RuleIDs = append(out[i].RuleIDs, r.ID)
	}
	slices.SortFunc(out, func(a, b Vulnerability) int { return compareCVE(a.CVE, b.CVE) })
	return out
}

// compareCVE orders CVE numbers (CVE-YYYY-N...) by year, then by number.
func compareCVE(a, b string) int {
	year := func(s string) string { return s[:min(len(s), len("CVE-YYYY-"))] }
	return cmp.Or(strings.Compare(year(a), year(b)), cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}
