package inspect

import "strings"

// phpRules are the PHP code injection rules of the PHP call scanner
// (phpcall.go) and of PHP syntax text does not use: ini directives as
// values, variable variables, calls through variables, strings and array
// elements.
var phpRules = []rule{
	{id: "130022", attack: AttackVuln, level: 2, targets: fields | tURL | tRaw, needsAll: cParen, match: phpCall},
	// 130028: the calls of 130022 of functions that run code or commands,
	// touch files or decode payloads, at level 1.
	{id: "130028", attack: AttackVuln, level: 1, targets: fields | tURL | tRaw, needsAll: cParen, keywords: phpDangerousKeywords,
		match: phpDangerousCall},
	// 130023: a value that sets a PHP ini directive (allow_url_include=1,
	// auto_prepend_file=..., opcache.jit_max_polymorphic_calls=50).
	{id: "130023", attack: AttackVuln, level: 1, targets: fields, needsAll: cEq, match: phpIniSetting},
	// 130024: variable variables (${'a'}, $ {$x}) and a superglobal named alone.
	{id: "130024", attack: AttackVuln, level: 2, targets: fields, needsAll: cDollar,
		match: re(`\$\s+\{\s*(?:['"$]|[A-Za-z_]\w*\s*\})|\$\{\s*['"$]|^\s*\$_(?:SERVER|GET|POST|COOKIE|REQUEST|FILES|ENV|SESSION)\s*$`)},
	// 130025: a call through a variable, an array element, a method or
	// static variable, with comments between.
	{id: "130025", attack: AttackVuln, level: 1, targets: fields | tRaw, needsAll: cDollar | cParen,
		match: re(`(?:->|::)\s*\$[a-zA-Z_]\w*\s*\(|^\s*@?\$+[a-zA-Z_]\w*(?:\s*(?:\[(?:[^\[\]]|\[[^\]]*\])*\]|\{[^}]*\}|/\*.*?\*/|#[^\n]*\n|//[^\n]*\n))*\s*\(`)},
	// 130026: a call of a string, an array element or a parenthesised
	// expression, ended by a semicolon: "system"(ls); [system][0](ls);
	// ('sys'.'tem')('id'), "\x73ystem"(...).
	{id: "130026", attack: AttackVuln, level: 1, targets: fields | tRaw, needsAll: cParen,
		match: re(`(?:["'][\w\\]+["']|\]|\}|\))\s*(?:/\*.*?\*/\s*)*\(\s*[^()]*\)\s*;\s*$|\(\s*['"]\s*(?:` + phpCallable + `)\s*['"]\s*\)\s*\(|["'](?:` + phpCallable + `)["']\s*\(`)},
}

// phpIniDirectives are the php.ini settings 130023 knows, and the
// sections whose every setting it knows (opcache.*).
var phpIniDirectives = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`allow_url_fopen allow_url_include auto_prepend_file auto_append_file disable_functions
		disable_classes open_basedir memory_limit max_execution_time max_input_time extension extension_dir engine
		precision serialize_precision smtp smtp_port sendmail_path sendmail_from unserialize_max_depth
		unserialize_callback_func include_path doc_root user_dir file_uploads upload_tmp_dir upload_max_filesize
		post_max_size display_errors display_startup_errors log_errors error_log error_reporting html_errors
		short_open_tag output_buffering output_handler implicit_flush register_argc_argv auto_detect_line_endings
		default_socket_timeout expose_php variables_order request_order enable_dl zend_extension zend.assertions
		assert.active assert.callback assert.exception highlight.string highlight.comment
		highlight.keyword highlight.default highlight.html user_ini.filename user_ini.cache_ttl
		phar.readonly phar.require_hash auto_globals_jit max_input_vars max_input_nesting_level
		realpath_cache_size realpath_cache_ttl zend.enable_gc hard_timeout mail.add_x_header mail.log`) {
		m[n] = true
	}
	return m
}()

// phpIniSections are the ini sections whose settings 130023 takes whole.
var phpIniSections = []string{"opcache.", "mbstring.", "session.", "pcre.", "xdebug.", "apc.", "mysqli.", "pdo_mysql.", "sqlite3.", "zend.", "filter.", "iconv.", "intl.", "curl.", "openssl.", "date.", "phar.", "zlib."}

// phpIniSetting matches a value that is name=value with a php.ini name.
func phpIniSetting(s string) (int, int, bool) {
	t := strings.TrimSpace(s)
	eq := strings.IndexByte(t, '=')
	if eq <= 0 || eq > 48 || strings.TrimSpace(t[eq+1:]) == "" || strings.ContainsAny(t[eq+1:], "&=") {
		return 0, 0, false
	}
	if !phpIniValue(strings.TrimSpace(t[eq+1:])) {
		return 0, 0, false
	}
	name := strings.ToLower(strings.TrimSpace(t[:eq]))
	if phpIniDirectives[name] {
		return 0, 0, true
	}
	for _, sec := range phpIniSections {
		if len(name) > len(sec) && strings.HasPrefix(name, sec) && strings.IndexFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.')
		}) < 0 {
			return 0, 0, true
		}
	}
	return 0, 0, false
}

// phpIniValue reports whether v is shaped like a php.ini value: a switch
// (on, off, true, false, yes, no, none), a number with an optional unit
// (512M), a path or a quoted string.
func phpIniValue(v string) bool {
	switch strings.ToLower(v) {
	case "on", "off", "true", "false", "yes", "no", "none", "0", "1":
		return true
	}
	if v == "" || strings.ContainsAny(v, " \t") {
		return false
	}
	switch c := v[0]; {
	case c == '/' || c == '"' || c == '\'' || c == '.':
		return true
	case c >= '0' && c <= '9' || c == '-':
		k := 1
		for k < len(v) && v[k] >= '0' && v[k] <= '9' {
			k++
		}
		return k == len(v) || k == len(v)-1 && strings.IndexByte("kKmMgG", v[k]) >= 0
	}
	return false
}
