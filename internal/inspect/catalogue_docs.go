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

	"110001": {RiskHigh, "Cross-site scripting recognised by HTML and JavaScript context analysis", general, ""},
	"110002": {RiskMedium, "Cross-site scripting: an HTML tag that runs script or loads content (script, iframe, svg, object, embed, img, ...)", general, ""},
	"110003": {RiskMedium, "Cross-site scripting: an HTML event handler attribute (onerror, onload, onmouseover, ...)", general, ""},
	"110004": {RiskMedium, "Cross-site scripting: a javascript: or vbscript: URL, a data:text/html URL, or a quote closed before alert, prompt, confirm or eval", general, ""},
	"110005": {RiskLow, "Cross-site scripting fragments: CSS expression(), srcdoc, dialog and timer functions, document.cookie, window.location, String.fromCharCode, atob, constructor chains", general, ""},

	"120001": {RiskHigh, "Command injection: a shell separator or substitution followed by a reconnaissance, download or shell command (whoami, uname, wget, curl, nc, bash -c, powershell, ...)", general, ""},
	"120002": {RiskMedium, "Command injection: a command in backticks or $( ), ${IFS}, a separator followed by a common Unix or Windows command, or a path to a shell", general, ""},
	"120003": {RiskLow, "Command injection fragments: a download or interpreter command in backticks, or a separator followed by a command with an option", general, ""},

	"130001": {RiskHigh, "PHP code injection: eval, assert, system and similar functions called on input, and phpinfo()", []string{"PHP"}, ""},
	"130002": {RiskHigh, "Apache Log4j2 JNDI lookup injection (Log4Shell) and its obfuscated forms", []string{"Apache Log4j2", "Java"}, "CVE-2021-44228"},
	"130003": {RiskHigh, "Java code injection: OGNL expressions of Apache Struts2, Runtime and ProcessBuilder, reflection, script engines, FreeMarker Execute, Spring expressions", []string{"Apache Struts2", "Java"}, "CVE-2017-5638"},
	"130004": {RiskMedium, "Server-side template injection: arithmetic probes ({{7*7}}, ${7*7}), Python object traversal (__class__, __globals__), Jinja2, Twig, Smarty and ERB constructs", []string{"Python", "PHP", "Java", "Ruby"}, ""},
	"130005": {RiskLow, "Template expression in a parameter (${...}, #{...}, %{...}, {{...}})", general, ""},
	"130006": {RiskHigh, "XML external entity (XXE): a DOCTYPE or ENTITY declaration with SYSTEM or PUBLIC, or a parameter entity", general, ""},

	"140001": {RiskHigh, "Directory traversal: three or more ../ in a row, or ../ into a system directory (etc, proc, windows, WEB-INF, ...)", general, ""},
	"140002": {RiskHigh, "Sensitive file access: /etc/passwd and shadow, /proc/self, Windows system files, WEB-INF descriptors, .htpasswd, shell history, SSH keys", general, ""},
	"140003": {RiskHigh, "Local file inclusion through PHP stream wrappers and file schemes (php://, phar://, zip://, file://, expect://)", []string{"PHP"}, ""},
	"140004": {RiskMedium, "Access to source control, configuration and backup files (.git/, .svn/, .env, .htaccess, wp-config.php, web.config, .bak, .sql, ...) and the ..;/ path parameter bypass", general, ""},
	"140005": {RiskLow, "Any ../ or ..\\ in a value", general, ""},

	"150001": {RiskHigh, "Remote file inclusion: a parameter that is a URL to a bare IP address, or a data, gopher, dict, ldap, jar or tftp URL", general, ""},
	"150002": {RiskMedium, "Remote file inclusion: a URL parameter ending in ? or a NUL byte, or pointing to a .txt, .php or .inc file", general, ""},
	"150003": {RiskLow, "Remote file inclusion: a URL parameter pointing to a server-side script (.jsp, .asp, .sh, .pl, .py, .cgi, .js), or a UNC path", general, ""},

	"160001": {RiskMedium, "Malicious scanner in the User-Agent (sqlmap, Nikto, Nmap, Acunetix, Nessus, Nuclei, ...)", general, ""},
	"160002": {RiskLow, "Scripted client in the User-Agent (python-urllib, libwww-perl, Scrapy, PhantomJS, HeadlessChrome, ...)", general, ""},

	"170001": {RiskHigh, "HTTP response splitting and header injection: a line break followed by a header name or a status line", general, ""},
	"170002": {RiskMedium, "Control characters (NUL, CR, LF) in the URL path, the User-Agent or, with header inspection, any header", general, ""},
	"170003": {RiskMedium, "NUL byte in a parameter or cookie", general, ""},
	"170004": {RiskHigh, "HTTP request smuggling: a Transfer-Encoding other than chunked, or both Transfer-Encoding and Content-Length, or either twice", general, ""},

	"180001": {RiskHigh, "Webshell: PHP, JSP or ASP code, eval of request input, or a known webshell (c99, r57, b374k, FilesMan) in a parameter or body", []string{"PHP", "Java", "ASP.NET"}, ""},
	"180002": {RiskHigh, "Webshell upload: a multipart file whose name ends in a server-side script extension (.php, .jsp, .asp, ...)", []string{"PHP", "Java", "ASP.NET"}, ""},
}

// framingRules are the rules the Inspector applies outside the catalogue
// table: they look at how the request is framed, not at a value.
var framingRules = []RuleInfo{
	{ID: ruleSmuggling, Attack: AttackVuln, Level: 1},
}

// cveDescriptions describes each CVE a rule is about, for the
// vulnerability notifications.
var cveDescriptions = map[string]string{
	"CVE-2021-44228": "Apache Log4j2 remote code execution through JNDI lookups in logged data (Log4Shell)",
	"CVE-2017-5638":  "Apache Struts2 remote code execution through an OGNL expression in the Content-Type header of the Jakarta multipart parser (S2-045)",
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
