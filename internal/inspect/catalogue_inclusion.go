package inspect

import (
	"regexp"
	"strings"
)

// sensitiveFile are files whose access is an attack wherever they are
// named: system accounts and secrets, process state, logs, credentials.
const sensitiveFile = `/etc(?:/+\.?)*/(?:passwd|shadow|group|hosts|issue|crontab|sudoers|master\.passwd|my\.cnf|nginx/nginx\.conf|apache2/apache2\.conf|httpd/conf/httpd\.conf)\b|` +
	`/proc/(?:self|\d+|thread-self)/(?:environ|cmdline|fd|maps|status|mem|root|cwd|exe)|` +
	`/var/log/(?:apache2?|httpd|nginx|auth\.log|syslog|messages|secure|mail\.log)|` +
	`c:[/\\]+(?:windows|winnt|inetpub|boot\.ini)\b|\bwin(?:dows)?[/\\]+(?:win\.ini|system\.ini|system32[/\\]+config)|\bboot\.ini\b|` +
	`\b(?:WEB|META)-INF/(?:web|applicationContext|jboss-web|weblogic)\.xml|\bWEB-INF/(?:classes|lib)/|` +
	`\.htpasswd\b|\.bash_history\b|/\.ssh/|\bid_[rd]sa\b|\.aws/credentials|\.docker/(?:config\.json|secrets)|\.kube/config|\.git-credentials|\.pgpass\b|` +
	`/var/run/secrets/|/usr/local/(?:apache2?|etc)/|/etc/(?:subuid|subgid|gshadow|security/|pam\.d/|ssh/ssh_host)|` +
	`/proc/(?:interrupts|version|cpuinfo|meminfo|mounts|net/|sched_debug|kcore|kallsyms)\b|/sys/(?:class|kernel|devices|firmware|power|module)\b`

// sensitivePath are paths of a site that only probes ask for: version
// control, environment and editor files, backups and dumps, server status
// and debugging endpoints, deployment files, logs.
const sensitivePath = `(?i)\.\.;/|/\.(?:git|svn|hg|bzr|idea|vscode|claude|cursor|continue|aider\w*|codeium|windsurf|gemini|copilot|amazonq|clinerules|cline|roo|zed|kiro|rovodev|codex|opencode|a0proj|plandex|fabric|n8n|junie)(?:/|$)|/\.[\w-]*ignore$|/\.(?:env(?:\.[\w-]+)?|htaccess|htpasswd|DS_Store|npmrc|dockerenv|git-credentials|gitlab-ci\.yml|travis\.yml|bash_history)$|` +
	`/wp-config\.php|\bweb\.config$|\.(?:bak|old|swp|swo|sql|orig|save|sql\.gz|sql\.zip)$|\.\w{2,4}~$|` +
	`/(?:backups?|www|wwwroot|site|website|htdocs|public_html|db|database|dump)\.(?:zip|tar|tar\.gz|tgz|rar|7z|gz|bz2)$|` +
	`/server-(?:status|info)$|/(?:phpinfo|php_info|info|test)\.php$|/actuator/(?:env|heapdump|threaddump|configprops|mappings|beans|jolokia|logfile|trace|httptrace|gateway)\b|` +
	`/(?:docker-compose\.ya?ml|Dockerfile)$|/(?:debug|errors?|laravel|php_errors?|access)\.log$`

var inclusionRules = []rule{
	{id: "140001", keywords: []string{".."}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAll: cDot | cSlash,
		match: re(`(?:\.\.[/\\]){3,}|\.\.[/\\]+(?:etc|windows|winnt|proc|boot|usr|var|root|home|tmp|WEB-INF|META-INF)\b`)},
	{id: "140002", keywords: []string{"/etc", "/proc/", "/sys/", "/var/log/", "/var/run/", "/usr/local/", "windows", "win.ini", "system.ini", "boot.ini", "inetpub", "winnt", "web-inf", "meta-inf", "htpasswd", "bash_history", ".ssh", "id_rsa", "id_dsa", ".aws", ".docker", ".kube", ".git-credentials", ".pgpass"}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAny: cSlash | cDot,
		match: re(`(?i)` + sensitiveFile)},
	{id: "140003", keywords: []string{"://"}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAll: cColon | cSlash,
		match: re(`(?i)\b(?:php|phar|zip|glob|compress\.zlib|file|expect)://`)},
	{id: "140004", keywords: []string{"..;/", "/.", "wp-config", "web.config", ".bak", ".old", ".sw", ".sql", ".orig", ".save", "~", ".zip", ".tar", ".tgz", ".rar", ".7z", ".gz", ".bz2", "server-", ".php", "/actuator/", "docker", ".log", "/.cl", "/.cu", "/.co", "/.ai", "/.wi", "/.ge", "/.am", "/.ro", "/.ze", "/.ki", "/.op", "/.a0", "/.pl", "/.fa", "/.n8", "/.ju", "ignore"}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAny: cDot | cSlash,
		match: re(sensitivePath)},
	{id: "140005", keywords: []string{".."}, attack: AttackLFI, level: 3, targets: fields | tURL, needsAny: cDot,
		match: notInPageURL(re(`\.\.[/\\\x{2215}\x{2216}\x{FF0F}\x{FF3C}]|\.\.0x(?:2f|5c)|[/\\]\.\.$|^\.\.$`))},
	{id: "140006", keywords: []string{".."}, attack: AttackLFI, level: 2, targets: fields, needsAll: cDot | cSlash,
		match: re(`(?i)(?:^|[=/\\])\.\.[/\\]+(?:[\w.-]+[/\\]+)*(?:config|wp-config|settings|database|db|configuration|local\.settings|secrets?|credentials|parameters|\.env|\.htaccess|\.htpasswd|web\.config|application\.(?:properties|ya?ml))(?:\.[\w]{2,5})?$`)},
	{id: "140007", keywords: []string{".."}, attack: AttackLFI, level: 1, targets: tPartHead, needsAll: cDot | cSlash,
		match: re(`(?i)filename\s*=\s*"?[^"\r\n]*\.\.[/\\]`)},
	{id: "150001", keywords: []string{"://", "169.254.169.254", "metadata.google.internal", "100.100.100.200", "jar:", "netdoc:"}, attack: AttackRFI, level: 1, targets: fields, needsAll: cColon,
		match: re(`(?i)^\s*(?:https?|ftps?|file)://\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|^\s*(?:data|gopher|dict|ldap|jar|tftp|netdoc|local_file)://|^\s*(?:https?|ftps?)://[0-9a-f]{1,4}:[0-9a-f]{0,4}:[0-9a-f:]*(?:[/?#]|$)|^\s*(?:https?|ftps?)://[^/?#@\s]*%2f[^/?#\s]*@|^\s*(?:jar|netdoc):|` +
			`^\s*(?:https?|ftps?|gopher|dict)://(?:[^/@\s]*@)?(?:\[[0-9a-f:.]*\]|\d{8,10}(?:[/:?#]|$)|0x[0-9a-f]{1,16}(?:[./:?#]|$)|0\d{1,3}\.|127\.\d+(?:[/:?#]|$)|\d{1,3}\.\d{4,}(?:[/:?#]|$)|\d{1,3}\.\d{1,3}\.\d{4,}(?:[/:?#]|$))|` +
			`169\.254\.169\.254|metadata\.google\.internal|\b100\.100\.100\.200\b`)},
	{id: "150005", keywords: []string{"mosconfig_absolute_path", "_conf[path]", "_server[document_root]", "gallery_basedir", "path[docroot]", "appserv_root", "config[root_dir]"}, attack: AttackRFI, level: 1, targets: fields,
		match: re(`(?i)^(?:mosConfig_absolute_path|_CONF\[path\]|_SERVER\[DOCUMENT_ROOT\]|GALLERY_BASEDIR|path\[docroot\]|appserv_root|config\[root_dir\])$`)},
	{id: "150002", keywords: []string{"://"}, attack: AttackRFI, level: 1, targets: fields, needsAll: cColon | cSlash,
		match: remoteScript},
	{id: "150003", keywords: []string{"://", "\\\\", "//"}, attack: AttackRFI, level: 3, targets: fields, needsAny: cSlash,
		match: re(`(?i)^\s*(?:https?|ftps?)://[^?#\s]+\.(?:jsp|asp|sh|pl|py|cgi|js|php\d?)(?:\?[^&]*)?$|^\s*\\\\[\w.-]+\\|^//[\w.-]+\.[a-z]{2,}/[^?#\s]*\.(?:php\d?|txt|inc)(?:\?|$)|^\s*(?:https?|ftps?)://localhost\b`)},
	{id: "150004", keywords: []string{"\\\\"}, attack: AttackRFI, level: 2, targets: fields, needsAny: cSlash,
		match: re(`^\s*\\\\(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[\w.-]+)\\[\w$.-]+\\`)},
}

// remoteURL is a URL that names a file a PHP include would run: a remote
// text or script file, or one whose name the attacker ends with '?' or a
// NUL so that the application's own suffix is cut off.
var remoteURL = regexp.MustCompile(`(?i)^\s*(?:https?|ftps?)://[^\s]*?(?:\?+|%00|\x00)$|^\s*(?:https?|ftps?)://[^?#\s]+/([\w.-]+)\.(txt|inc|phtml|php\d?)(?:\?|$)`)

// notInPageURL runs match on a value except the query of an absolute
// http(s) URL: a page address an analytics beacon or a redirect carries
// (page_location, return_to) holds the campaign parameters of whoever
// linked to it, which the page, not this request, receives.
func notInPageURL(match func(string) (int, int, bool)) func(string) (int, int, bool) {
	return func(s string) (int, int, bool) {
		t := strings.TrimLeft(s, " \t")
		if len(t) > 8 && (strings.EqualFold(t[:7], "http://") || strings.EqualFold(t[:8], "https://")) {
			if q := strings.IndexByte(s, '?'); q >= 0 {
				s = s[:q]
			}
		}
		return match(s)
	}
}

// wellKnownText are text files every site serves, whose URLs are ordinary
// parameter values.
var wellKnownText = map[string]bool{"robots": true, "ads": true, "app-ads": true, "security": true, "humans": true, "llms": true, "sellers": true}

// shellNames are the names webshells are usually uploaded under.
var shellNames = map[string]bool{"shell": true, "c99": true, "r57": true, "cmd": true, "backdoor": true, "wso": true, "b374k": true, "alfa": true, "webshell": true, "bot": true, "x": true, "s": true}

// remoteScript matches remoteURL, except a URL to an ordinary PHP page (a
// redirect back to a shop's cart.php) or a well-known text file: those
// are flagged only when the name is a webshell's.
func remoteScript(s string) (int, int, bool) {
	m := remoteURL.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, 0, false
	}
	if m[2] >= 0 {
		name, ext := strings.ToLower(s[m[2]:m[3]]), strings.ToLower(s[m[4]:m[5]])
		if wellKnownText[name] || strings.HasPrefix(ext, "php") && !shellNames[name] {
			return 0, 0, false
		}
	}
	return m[0], m[1], true
}
