package inspect

var protocolRules = []rule{
	{id: "170001", keywords: []string{"\r", "\n"}, attack: AttackVuln, level: 1, targets: fields | tURL, needsAll: cCtl,
		match: re(`(?i)[\r\n]\s*(?:set-cookie|location|content-(?:type|length|disposition)|x-[\w-]+|host|transfer-encoding|refresh|access-control-[\w-]+|http/1\.[01])\s*:?`)},
	{id: "170002", attack: AttackVuln, level: 1, targets: tURL | tHeader | tUA, needsAll: cCtl,
		match: re(`[\x00\r\n]`)},
	{id: "170005", keywords: []string{"http/"}, attack: AttackVuln, level: 1, targets: fields | tURL | tRaw,
		match: re(`(?i)(?:^|[\r\n])\s*(?:get|post|head|put|delete|options|trace|connect|patch|propfind)\s+\S+\s+http/\d(?:\.\d)?\b`)},
	{id: "170006", keywords: []string{"\n\n", "\r\n\r", "\n\r\n", "<html", "remote-", "referer", "cookie", "authorization", "user-agent", "connection", "upgrade", "forwarded", "origin"}, attack: AttackVuln, level: 1, targets: fields | tURL, needsAll: cCtl,
		match: re(`(?i)\r?\n\r?\n\s*<|[\r\n]\s*<\s*html\b|[\r\n]+\s*(?:remote-(?:addr|host|user)|referer|cookie|authorization|user-agent|connection|upgrade|via|forwarded|origin)\s*[\r\n]*\s*:`)},
	{id: "170007", attack: AttackVuln, level: 1, targets: fields, needsAll: cParen,
		match: re(`\)\s*\(\s*(?:[|&!]|\w+\s*[~<>]?=)|\)\s*[|&!]\s*\(|^\*\)`)},
	{id: "170008", keywords: []string{"unix:"}, attack: AttackVuln, level: 1, targets: fields | tURL, needsAll: cPipe | cColon,
		match: re(`(?i)\bunix:[^|]*\|`)},
	{id: "170009", keywords: []string{"$version", "$path", "$domain"}, attack: AttackVuln, level: 1, targets: tCookie, needsAll: cDollar,
		match: re(`(?i)^\$(?:Version|Path|Domain)$`)},
	{id: "170010", keywords: []string{"boundary"}, attack: AttackVuln, level: 1, targets: tHeader, needsAll: cSlash | cEq,
		match: re(`(?i)^\s*(?:application|text)/[\w.+-]+\s*;.*\bboundary\s*=`)},
	{id: "170003", attack: AttackVuln, level: 2, targets: tParams | tCookie, needsAll: cCtl,
		match: re(`\x00`)},
}

var robotRules = []rule{
	{id: "160001", keywords: []string{"sqlmap", "nikto", "nmap", "masscan", "zgrab", "acunetix", "nessus", "netsparker", "w3af", "dirbuster", "gobuster", "dirb/", "wfuzz", "ffuf", "wpscan", "havij", "appscan", "openvas", "nuclei", "jaeles", "arachni", "skipfish", "whatweb", "commix", "xsstrike", "zap", "burpcollaborator", "hydra", "fimap", "paros", "webinspect", "metasploit", "morfeus", "zmeu", "jorgee", "x-scan", "bbqsql", "sqlninja", "brutus", "netlab360", "fuzz faster", "feroxbuster", "dirsearch", "wapiti", "jbrofuzz", "webshag", "bsqlbf", "pangolin", "crimscanner", "cgichk", "mysqloit", "detectify", "l9explore", "leakix", "censysinspect"}, attack: AttackRobot, level: 1, targets: tUA,
		match: re(`(?i)sqlmap|nikto|\bnmap\b|masscan|zgrab|acunetix|nessus|netsparker|\bw3af|dirbuster|gobuster|\bdirb/|wfuzz|\bffuf\b|wpscan|havij|appscan|openvas|nuclei|jaeles|arachni|skipfish|whatweb|commix|xsstrike|\bzap/|owasp[ _-]?zap|burpcollaborator|\bhydra\b|fimap|paros|webinspect|metasploit|morfeus|zmeu|jorgee|\bx-scan|bbqsql|sqlninja|brutus|netlab360|fuzz faster u fool|feroxbuster|dirsearch|wapiti|jbrofuzz|webshag|bsqlbf|pangolin|crimscanner|cgichk|mysqloit|detectify|l9explore|leakix|censysinspect|;\s*zap\)`)},
	{id: "160002", keywords: []string{"python-urllib", "libwww-perl", "lwp::simple", "scrapy", "phantomjs", "headlesschrome", "mechanize", "winhttp"}, attack: AttackRobot, level: 3, targets: tUA,
		match: re(`(?i)python-urllib|libwww-perl|lwp::simple|\bscrapy\b|phantomjs|headlesschrome|\bmechanize\b|\bwinhttp\b`)},
}

var webshellRules = []rule{
	{id: "180001", keywords: []string{"<?", "<%", "<script", "<jsp", "runtime", "eval", "assert", "$_", "c99", "r57", "b374k", "filesman"}, attack: AttackWebshell, level: 1, webshell: true, targets: fields | tRaw, needsAny: cAngle | cDollar | cParen,
		match: re(`(?i)<\?php|<\?=|<%@\s*page|<%\s*(?:eval|execute|response\.write)|<script\s+runat\s*=\s*["']?server|<jsp:|Runtime\.getRuntime\(\)\.exec|eval\s*\(\s*\$_(?:POST|GET|REQUEST|COOKIE)|assert\s*\(\s*\$_|\$_(?:POST|GET|REQUEST)\s*\[[^\]]{1,40}\]\s*\(|eval\s*\(\s*request|c99shell|r57shell|b374k|FilesMan`)},
	{id: "180002", keywords: []string{"filename"}, attack: AttackWebshell, level: 1, webshell: true, targets: tPartHead, needsAny: cDot,
		match: re(`(?i)filename\s*=\s*"?[^"\r\n]*\.\s*(?:php\d*|phtml|pht|phps|phpt|phar|jsp|jspx|asp|aspx|asa|cer|ashx|cgi|pl|war)\b|filename\s*=\s*"?(?:[^"\r\n]*[/\\])?(?:\.htaccess|\.user\.ini|web\.config)(?:"|\s*(?:;|[\r\n]|$))`)},
	{id: "180004", keywords: []string{".php", ".pht", ".phar", ". php", ". pht", ". phar"}, attack: AttackWebshell, level: 1, webshell: true, targets: tHeader, needsAll: cDot,
		match: re(`(?i)^[^/\\:=;,\s]*(?:\s[^/\\:=;,\s]+)*\.\s*(?:php\d*|phtml|pht|phps|phpt|phar)[.\s]*$`)},
	{id: "180003", keywords: []string{"addtype", "sethandler", "addhandler", "auto_prepend_file", "auto_append_file"}, attack: AttackWebshell, level: 1, webshell: true, targets: tRaw,
		match: re(`(?i)\b(?:AddType|SetHandler|AddHandler)\s+application/x-httpd-php|\bauto_(?:prepend|append)_file\s*=`)},
}
