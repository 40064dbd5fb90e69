package inspect

import "strings"

// phpCall finds a call of a PHP function by name: an identifier followed,
// after spaces, line breaks, comments (/* */, # and // to the end of the
// line) or an '=', by '('. Names come in two kinds:
//
//   - PHP's own names that are no words of text (gzuncompress, strrev,
//     print_r, curl_init, and the functions of PHP's extension prefixes:
//     array_, str_, preg_, pg_, ldap_, sodium_, ...) are a call wherever
//     they are followed by '(';
//   - names that are also words (exec, system, file, eval, unpack) only
//     when '(' follows at once and the argument does not look like text
//     (file(s), file(2)), or when the value starts with the name (exec
//     (blah), exec /* x */ ()).
//
// One pass over the value; each identifier is lowered into a fixed buffer
// for the lookup, without allocating.
func phpCall(s string) (int, int, bool) { return phpCallFrom(s, 0) }

// phpCallFrom is phpCall looking for a call that starts at from or after.
func phpCallFrom(s string, from int) (int, int, bool) {
	for i := from; i < len(s); {
		c := s[i]
		if !(isLetter(c) || c == '_') || i > 0 && (isShellWordByte(s[i-1]) || s[i-1] == '$' || s[i-1] == '\\') {
			i++
			continue
		}
		j := i
		var buf [48]byte
		n := 0
		for j < len(s) && (isLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '_') {
			if n < len(buf) {
				buf[n] = s[j]
				if isLetter(s[j]) {
					buf[n] |= 0x20
				}
			}
			n++
			j++
		}
		if n > len(buf) || n < 3 {
			i = j
			continue
		}
		k, gap := skipPHPGap(s, j)
		if k >= len(s) || s[k] != '(' {
			i = j
			continue
		}
		name := buf[:n]
		switch phpFunctionKind(name) {
		case phpNamed:
			return i, k + 1, true
		case phpWordy:
			atStart := strings.TrimSpace(s[:i]) == ""
			arg := s[k+1:]
			codeArg := arg == "" || strings.IndexByte(")$'\"", arg[0]) >= 0
			if !gap && (codeArg || phpRunWords[string(name)] && phpArgumentIsCode(arg)) || atStart && (phpStartWords[string(name)] || codeArg) {
				return i, k + 1, true
			}
		}
		i = j
	}
	return 0, 0, false
}

// skipPHPGap skips what PHP allows between a function name and its '(':
// spaces, line breaks, comments and (for 933150's shapes) one '='. gap
// reports whether anything was skipped.
func skipPHPGap(s string, i int) (int, bool) {
	start := i
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\v' || s[i] == '\f':
			i++
		case strings.HasPrefix(s[i:], "/*"):
			e := strings.Index(s[i+2:], "*/")
			if e < 0 {
				return len(s), true
			}
			i += e + 4
		case s[i] == '#' || strings.HasPrefix(s[i:], "//"):
			e := strings.IndexByte(s[i:], '\n')
			if e < 0 {
				return len(s), true
			}
			i += e + 1
		case s[i] == '=' && i == start:
			i++
		default:
			return i, i > start
		}
	}
	return i, i > start
}

// phpArgumentIsCode reports whether what follows a '(' looks like a call's
// arguments rather than text in parentheses: ')' at once, a variable, a
// quote, or a word that is not a plural s or a number.
func phpArgumentIsCode(rest string) bool {
	if rest == "" {
		return true
	}
	switch c := rest[0]; {
	case c == ')' || c == '$' || c == '"' || c == '\'':
		return true
	case isLetter(c):
		return !(len(rest) > 1 && (c|0x20) == 's' && rest[1] == ')')
	}
	return false
}

// phpRunWords are the names that are also words but run code or
// commands: system(whoami) is a call, md5(checksum) is text.
var phpRunWords = map[string]bool{"exec": true, "system": true, "eval": true, "assert": true, "popen": true, "unpack": true, "passthru": true}

// phpStartWords are the names that make a value starting with them a
// call whatever the argument: exec (blah), eval /* x */ (...).
var phpStartWords = map[string]bool{"exec": true, "eval": true, "assert": true}

type phpKind uint8

const (
	phpNone phpKind = iota
	phpNamed
	phpWordy
)

// phpFunctionKind looks a lower-case name up.
func phpFunctionKind(name []byte) phpKind {
	if k, ok := phpFunctions[string(name)]; ok {
		return k
	}
	if u := indexByteSlice(name, '_'); u > 0 {
		if phpPrefixes[string(name[:u+1])] {
			return phpNamed
		}
	}
	return phpNone
}

func indexByteSlice(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// phpPrefixes are the prefixes of PHP's extension functions.
var phpPrefixes = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`array_ str_ mb_ preg_ gz zlib_ curl_ ldap_ odbc_ pg_ mysqli_ mysql_ sqlite_ sodium_
		openssl_ hash_ tidy_ zend_ posix_ pcntl_ proc_ stream_ socket_ ftp_ imap_ simplexml_ xml_ xmlwriter_ dom_ ob_
		ini_ func_ call_ spl_ ctype_ iconv_ apache_ var_ file_ shell_ escapeshell base64_ json_ session_ php_
		readline_ highlight_ show_ strip_ print_ parse_ date_ gethostby get_defined_ get_class_ get_object_ get_parent_
		create_ debug_ register_ set_error_ set_exception_ restore_ user_ error_ libxml_ dns_ gmp_ bc bcmath_
		iterator_ class_ method_ property_ function_ is_callable_ fsock move_uploaded_ umask_ chown_ lchown_
		intl_ grapheme_ numfmt_ collator_ exif_ image_ finfo_ filter_ password_ random_ mt_ lcg_ uniqid_ usleep_
		pfsock putenv_ getenv_ mcrypt_ hex2bin_ bin2hex_ htmlspecialchars_ html_ url_ rawurl_ http_ headers_
		setcookie_ mail_ mb_ereg_ eregi_ ereg_ fastcgi_ opcache_ apcu_ apc_ memcache_ redis_ zip_ rar_ phar_
		bzip_ lzf_ snmp_ ssh2_ svn_ yaml_ msgpack_ igbinary_ xdebug_ runkit_ uopz_ fpm_ cli_`) {
		if strings.HasSuffix(p, "_") {
			m[p] = true
		}
	}
	return m
}()

// phpFunctions are PHP functions by name: phpNamed for names that are no
// words of text, phpWordy for names that are.
var phpFunctions = func() map[string]phpKind {
	m := map[string]phpKind{}
	for _, n := range strings.Fields(`gzuncompress gzinflate gzdeflate gzcompress gzdecode gzencode gzopen gzfile readgzfile
		bzdecompress bzopen strrev strlen strtolower strtoupper strpos stripos strrpos strstr stristr strtr substr
		substr_count sprintf printf vsprintf vprintf fprintf intval floatval boolval strval settype gettype
		unserialize serialize phpinfo phpversion fopen fread fwrite fputs fgets fgetc fgetss fclose fpassthru
		fscanf fseek ftruncate fflush flock readfile filegroup fileowner fileperms filesize filemtime fileatime
		filectime fileinode filetype fsockopen pfsockopen popen pclose passthru shell_exec proc_open pcntl_exec
		create_function call_user_func call_user_func_array usort uasort uksort array_map array_filter array_walk
		preg_replace ereg eregi chr ord hex2bin bin2hex base64_decode base64_encode convert_uudecode
		convert_uuencode str_rot13 urldecode rawurldecode htmlspecialchars_decode html_entity_decode
		parse_str putenv getenv ini_set ini_get ini_restore ini_alter symlink readlink lchown lchgrp chmod chown
		chgrp tempnam tmpfile move_uploaded_file scandir opendir readdir closedir rewinddir getcwd chdir chroot
		setcookie setrawcookie gethostbyname gethostbynamel gethostbyaddr getmxrr checkdnsrr dns_get_record
		curl_init curl_exec stream_socket_client file_get_contents file_put_contents highlight_file show_source
		php_uname getmyuid getmygid getmypid getmyinode getlastmod get_current_user debug_zval_dump var_dump
		var_export print_r debug_print_backtrace get_defined_vars get_defined_functions get_defined_constants
		func_get_args func_get_arg strip_tags addslashes stripslashes addcslashes stripcslashes quotemeta nl2br
		json_decode json_encode simplexml_load_string simplexml_load_file libxml_disable_entity_loader
		escapeshellarg escapeshellcmd register_shutdown_function register_tick_function set_error_handler
		set_exception_handler spl_autoload_register assert_options file_exists is_dir is_file is_writable
		is_writeable is_readable is_executable is_link is_uploaded_file iterator_apply mb_ereg_replace
		mb_eregi_replace preg_replace_callback preg_filter unlink rmdir mkdir fsockopen posix_kill posix_setuid
		posix_getpwuid posix_getuid pcntl_fork pcntl_signal dl gzpassthru htmlentities htmlspecialchars
		ob_start ob_get_clean ob_get_contents header_register_callback get_headers imagecreatefromstring
		mb_send_mail openlog syslog apache_setenv getallheaders uniqid
		hash_hmac str_replace str_ireplace str_repeat str_pad implode explode array_diff date_add
		date_sub date_create levenshtein similar_text soundex metaphone wordwrap chunk_split number_format
		money_format strrchr strncmp strcasecmp strncasecmp strcmp substr_replace ucfirst lcfirst ucwords
		trim ltrim rtrim chop strpbrk strspn strcspn nl_langinfo localeconv setlocale`) {
		m[n] = phpNamed
	}
	for _, n := range strings.Fields(`exec system eval assert file unpack pack extract include require popen glob
		header copy rename link touch trim chop join hash mail crypt virtual md5 sha1 crc32 strlen`) {
		m[n] = phpWordy
	}
	return m
}()

// phpDangerousCall is phpCall for the functions that run code or
// commands, read or write files, open connections, decode an obfuscated
// payload or reveal the server (exec, system, eval, base64_decode, fopen,
// phpinfo, get_defined_vars, ...): the calls of 130022 precise enough for
// level 1. printf(foo), filemtime($x) and gethostbyname( are left to
// 130022.
func phpDangerousCall(s string) (int, int, bool) {
	for from := 0; from < len(s); {
		i, end, ok := phpCallFrom(s, from)
		if !ok {
			return 0, 0, false
		}
		var buf [48]byte
		n := 0
		for j := i; j < len(s) && n < len(buf) && (isLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '_'); j++ {
			buf[n] = s[j]
			if isLetter(s[j]) {
				buf[n] |= 0x20
			}
			n++
		}
		if phpDangerous[string(buf[:n])] {
			return i, end, true
		}
		from = end
	}
	return 0, 0, false
}

// phpDangerousKeywords prefilter 130028: every name of phpDangerous holds
// one of them.
var phpDangerousKeywords = []string{"exec", "system", "eval", "assert", "passthru", "popen", "proc_open", "unserialize",
	"phpinfo", "base64_decode", "gzinflate", "gzuncompress", "gzdecode", "zlib_decode", "str_rot13", "fopen", "file",
	"fsockopen", "curl_init", "get_defined", "create_function", "call_user_func", "putenv", "show_source", "php_uname"}

// phpDangerous are the names of phpDangerousCall.
var phpDangerous = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`exec system eval assert assert_options passthru shell_exec pcntl_exec popen proc_open
		unserialize phpinfo php_uname base64_decode gzinflate gzuncompress gzdecode zlib_decode str_rot13 fopen file
		file_get_contents file_put_contents readfile highlight_file show_source move_uploaded_file fsockopen
		pfsockopen curl_init curl_exec get_defined_vars get_defined_functions get_defined_constants create_function
		call_user_func call_user_func_array putenv`) {
		m[n] = true
	}
	return m
}()
