package inspect

// Shell command separators and substitutions, followed by a command.
const cmdSep = "(?:[;|&\\n`]|\\$\\(|\\|\\|)\\s*(?:/(?:usr/)?s?bin/)?"

var cmdiRules = []rule{
	{id: "120001", attack: AttackCmdi, level: 1, targets: fields, needsAny: cSemi | cPipe | cCtl | cTick | cDollar,
		match: re(`(?i)` + cmdSep + `(?:whoami|uname\s+-|wget\s|curl\s|ncat\s|netcat\s|nc\s+-|bash\s+-|sh\s+-c|zsh\s|nslookup\s|ifconfig\b|ipconfig\b|systeminfo\b|tasklist\b|powershell\b|cmd(?:\.exe)?\s*/c|mkfifo\s|chmod\s+[0-7+]|python[23]?\s+-c|perl\s+-e|ruby\s+-e|php\s+-r|cat\s+/|ls\s+-[a-z]|id\s*(?:$|[;|&#])|ping\s+-[nc]|sleep\s+\d|rm\s+-[rf])`)},
	{id: "120002", keywords: []string{";", "|", "&", "\n", "`", "$", "/bin/"}, attack: AttackCmdi, level: 2, targets: fields, needsAny: cDollar | cSemi | cPipe | cSlash | cTick,
		match: re("(?i)`\\s*(?:id|whoami|uname|ls|cat|pwd|hostname|sleep)\\b[^`]*`|" + `\$\{IFS\}|\$IFS\b|\$\(\s*[a-z]|` + cmdSep + `(?:cat|ls|id|ps|rm|ping|echo|env|printenv|dir|type|hostname|net\s+user|reg\s+query|certutil|bitsadmin|telnet|tftp|scp|ssh|sleep|timeout|xxd|awk|sed|find|head|tail|more|less|nl|od|tac|kill|crontab|useradd|passwd)\b|/bin/(?:ba|z|k|da)?sh\b`)},
	{id: "120003", keywords: []string{"`", "|", ";"}, attack: AttackCmdi, level: 3, targets: fields, needsAny: cTick | cPipe | cSemi,
		match: re("`\\s*(?:curl|wget|nc|ncat|bash|sh|python[23]?|perl|php|ruby|ping|nslookup|dig|rm|chmod)\\b[^`]*`|[|;]\\s*[a-z]{2,12}\\s+-")},
}

var codeRules = []rule{
	{id: "130001", keywords: []string{"eval", "assert", "system", "passthru", "shell_exec", "exec", "popen", "proc_open", "pcntl_exec", "create_function", "call_user_func", "phpinfo"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cParen,
		match: re(`(?i)\b(?:eval|assert|system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|create_function|call_user_func(?:_array)?)\s*\(\s*(?:\$|['"]|base64_decode|gzinflate|str_rot13|chr\s*\(|\)|getenv|file_get_contents)|\bphpinfo\s*\(\s*\)`)},
	{id: "130002", keywords: []string{"${"}, attack: AttackVuln, level: 1, targets: fields | tURL | tHeader | tUA | tRaw, needsAny: cDollar | cBrace,
		match: re(`(?i)\$\{\s*(?:jndi|(?:lower|upper|env|sys|java|date|main|base64|::-)[^}]*\}?\s*[jJ$])|\$\{\s*jndi\s*:`)},
	{id: "130003", keywords: []string{"java.", "getruntime", "class.forname", "_memberaccess", "ognl", "#context", "getclass", "new java", "javax", "freemarker", "t(", "application"}, attack: AttackVuln, level: 1, targets: fields | tURL | tHeader | tRaw, needsAny: cDot | cAt | cBrace | cParen,
		match: re(`(?i)java\.lang\.(?:Runtime|ProcessBuilder|System)|getRuntime\s*\(\s*\)|\bClass\.forName\s*\(|#_memberAccess|@ognl\.OgnlContext|#context\s*\[|\.getClass\s*\(\s*\)\s*\.|new\s+java\.|javax\.script\.ScriptEngineManager|freemarker\.template\.utility\.Execute|\bT\s*\(\s*java\.|#?\bapplication\s*\[\s*['"]`)},
	{id: "130004", keywords: []string{"{{", "${", "#{", "__", "{%", "<%=", "config.", "lipsum", "cycler", "joiner", "namespace", "self._", "{php}"}, attack: AttackVuln, level: 2, targets: fields | tURL, needsAny: cBrace | cDot | cAngle | cPipe,
		match: re(`(?i)\{\{\s*[\w.'"\[\]()]*\s*[*+]\s*\d+\s*\}\}|[$#]\{\s*\d+\s*[*+]\s*\d+\s*\}|__(?:class|mro|subclasses|globals|builtins|import|init)__|\{%\s*(?:import|include|set|for|if|print|exec)\b|<%=|\bconfig\.items\s*\(|\b(?:lipsum|cycler|joiner|namespace)\.__|self\._TemplateReference|\{php\}|\{\{\s*(?:request|config|self|settings)\b`)},
	{id: "130005", keywords: []string{"${", "#{", "%{", "{{"}, attack: AttackVuln, level: 3, targets: fields, needsAny: cBrace,
		match: re(`[$#%]\{[^}]{1,80}\}|\{\{[^}]{1,80}\}\}`)},
	{id: "130006", keywords: []string{"<!"}, attack: AttackVuln, level: 1, targets: fields | tRaw, needsAny: cAngle,
		match: re(`(?i)<!(?:DOCTYPE|ENTITY)[^>]*\b(?:SYSTEM|PUBLIC)\b|<!ENTITY\s+%`)},
}
