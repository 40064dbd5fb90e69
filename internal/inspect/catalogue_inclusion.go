package inspect

var inclusionRules = []rule{
	{id: "140001", keywords: []string{".."}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAll: cDot | cSlash,
		match: re(`(?:\.\.[/\\]){3,}|\.\.[/\\]+(?:etc|windows|winnt|proc|boot|usr|var|root|home|tmp|WEB-INF|META-INF)\b`)},
	{id: "140002", keywords: []string{"/etc/", "/proc/", "windows", "win.ini", "system.ini", "boot.ini", "web-inf", "htpasswd", "bash_history", ".ssh", "id_rsa", "id_dsa"}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAny: cSlash | cDot,
		match: re(`(?i)/etc/(?:passwd|shadow|group|hosts|issue|crontab|sudoers|master\.passwd)\b|/proc/self/(?:environ|cmdline|fd|maps)|c:[/\\]+windows\b|\bwin(?:dows)?[/\\]+(?:win\.ini|system\.ini)|\bboot\.ini\b|/WEB-INF/(?:web|applicationContext)\.xml|\.htpasswd\b|\.bash_history\b|/\.ssh/|\bid_[rd]sa\b`)},
	{id: "140003", keywords: []string{"://"}, attack: AttackLFI, level: 1, targets: fields | tURL, needsAll: cColon | cSlash,
		match: re(`(?i)\b(?:php|phar|zip|glob|compress\.zlib|file|expect)://`)},
	{id: "140004", keywords: []string{"..;/", "/.git", "/.svn", "/.hg", "/.env", "/.htaccess", "/.ds_store", "wp-config", "web.config", ".bak", ".old", ".swp", ".sql", ".orig"}, attack: AttackLFI, level: 2, targets: fields | tURL, needsAny: cDot,
		match: re(`(?i)\.\.;/|/\.(?:git|svn|hg)/|/\.(?:env|htaccess|DS_Store)$|/wp-config\.php|\bweb\.config$|\.(?:bak|old|swp|sql|orig)$`)},
	{id: "140005", keywords: []string{".."}, attack: AttackLFI, level: 3, targets: fields | tURL, needsAny: cDot,
		match: re(`\.\.[/\\]|[/\\]\.\.$|^\.\.$`)},
	{id: "150001", keywords: []string{"://"}, attack: AttackRFI, level: 1, targets: fields, needsAll: cColon | cSlash,
		match: re(`(?i)^\s*(?:https?|ftps?|file)://\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|^\s*(?:data|gopher|dict|ldap|jar|tftp)://`)},
	{id: "150002", keywords: []string{"://"}, attack: AttackRFI, level: 2, targets: fields, needsAll: cColon | cSlash,
		match: re(`(?i)^\s*(?:https?|ftps?)://[^\s]*?(?:\?+|%00|\x00)$|^\s*(?:https?|ftps?)://[^?#\s]+\.(?:txt|php\d?|phtml|inc)(?:\?|$)`)},
	{id: "150003", keywords: []string{"://", "\\\\"}, attack: AttackRFI, level: 3, targets: fields, needsAll: cColon | cSlash,
		match: re(`(?i)^\s*(?:https?|ftps?)://[^?#\s]+\.(?:jsp|asp|sh|pl|py|cgi|js)(?:\?|$)|^\s*\\\\[\w.-]+\\`)},
}
