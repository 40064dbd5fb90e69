package inspect

import (
	"regexp"
	"strings"

	libinjection "github.com/corazawaf/libinjection-go"
)

// isSQLi asks libinjection, except for a lone call of a function on a
// word or a number (Date(s) of travel, The Day (2021), length (cm)): the
// tokenizer takes any word before a parenthesis for a function, and the
// calls that matter are the SQL-only names of sqlCall.
func isSQLi(s string) bool {
	if onlyApostrophes(s) {
		return false
	}
	ok, fingerprint := libinjection.IsSQLi(s)
	return ok && !loneCallFingerprint.MatchString(fingerprint)
}

// onlyApostrophes reports whether every quote of s is an apostrophe inside
// a word (O'Neil, I'd, Lyon's) next to no SQL operator word, and s holds no
// other character a query needs (= ( ) ; # - * / | & < > " ` @ \): such text
// cannot close a string and continue a query, so libinjection, which costs
// tens of allocations a value, is not asked.
func onlyApostrophes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch apostropheByte[s[i]] {
		case notApostropheText:
			return false
		case apostrophe:
			if i == 0 || i+1 == len(s) || !isLetter(s[i-1]) || !isLetter(s[i+1]) {
				return false
			}
			k := i
			for k > 0 && isLetter(s[k-1]) {
				k--
			}
			j := i + 1
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			if isSQLOperatorWord(s[k:i]) || isSQLOperatorWord(s[i+1:j]) {
				return false
			}
		}
	}
	return true
}

// The kinds of byte onlyApostrophes tells apart.
const (
	apostropheTextByte = iota
	apostrophe
	notApostropheText // a character a query needs
)

// apostropheByte is the kind of each byte for onlyApostrophes.
var apostropheByte = func() (t [256]uint8) {
	for _, c := range []byte("=();#-*/|&<>\"`@\\^%+!~") {
		t[c] = notApostropheText
	}
	t['\''] = apostrophe
	return t
}()

// isSQLOperatorWord is sqlOperatorWords.has, without the map lookup for
// words shorter or longer than every operator word (the s of Lyon's).
func isSQLOperatorWord(w string) bool {
	return len(w) >= sqlOperatorWordLen[0] && len(w) <= sqlOperatorWordLen[1] && sqlOperatorWords.has(w)
}

// sqlOperatorWordLen is the shortest and the longest of sqlOperatorWords.
var sqlOperatorWordLen = func() [2]int {
	n := [2]int{1 << 30, 0}
	for w := range sqlOperatorWords {
		n[0], n[1] = min(n[0], len(w)), max(n[1], len(w))
	}
	return n
}()

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// sqlOperatorWords are the words that, glued to a quote, continue a query
// (a'or'1, x'union'...).
var sqlOperatorWords = newWordSet([]string{"or", "and", "xor", "not", "div", "mod", "like", "rlike", "regexp", "is", "in", "between", "sounds", "union", "select", "having", "where", "limit", "order", "group", "procedure", "into", "collate", "binary", "null", "exec", "execute", "waitfor", "declare", "insert", "update", "delete", "drop", "from", "case", "when", "then", "else", "end", "sleep", "benchmark", "true", "false"})

var loneCallFingerprint = regexp.MustCompile(`^[nE]?n?f\([1n]\)[nk]?$`)

const fields = tParams | tCookie | tHeader

var sqliRules = []rule{
	{id: "100001", attack: AttackSQLi, level: 1, targets: fields,
		needsAny: cQuote | cParen | cSemi | cComment | cEq, match: whole(isSQLi)},
	{id: "100002", attack: AttackSQLi, level: 1, targets: tURL,
		needsAny: cQuote, match: whole(isSQLi)},
	{id: "100003", keywords: []string{"union"}, attack: AttackSQLi, level: 1, targets: fields | tURL,
		match: re(`(?is)\bunion\b(?:\s|/\*.*?\*/|\(|all|distinct)+select\b`)},
	{id: "100004", keywords: []string{"sleep", "benchmark", "extractvalue", "updatexml", "load_file", "dbms_pipe", "utl_inaddr", "waitfor"}, attack: AttackSQLi, level: 1, targets: fields | tURL, needsAny: cParen | cQuote,
		match: re(`(?i)\b(?:benchmark|pg_sleep|extractvalue|updatexml|load_file|dbms_pipe\.receive_message|utl_inaddr\.get_host_address)\s*\(|\bsleep\s*\(\s*(?:[^\w\s]|\d{1,3}(?:\.\d+)?\s*(?:[^\w\s]|$|(?:div|mod|x?or|and)\b)|0x|[a-z_]\w*\s*\(|$)|\bwaitfor\s+(?:delay|time)\s+['"]`)},
	{id: "100005", keywords: quoteThen("or", "and", "xor", "||", "&&", ";", "--", "#", "/*"), attack: AttackSQLi, level: 2, targets: fields, needsAny: cQuote,
		match: re(`(?i)['"]\s*(?:or|and|xor|\|\||&&)\s*['"]?[\w]+['"]?\s*(?:=|<>|!=|like\b|>|<)|['"]\s*;\s*(?:select|insert|update|delete|drop|exec|declare|shutdown)\b|^[\w.@-]+['"]\s*(?:--|#|/\*)`)},
	{id: "100007", keywords: []string{" or ", " and "}, attack: AttackSQLi, level: 2, targets: fields | tURL, needsAll: cEq,
		match: re(`(?i)\b(?:or|and)\s+(\d+)\s*=\s*\d+\b`)},
	{id: "100008", attack: AttackSQLi, level: 1, targets: fields | tURL, needsAll: cParen, match: sqlCall},
	{id: "100010", keywords: []string{"information_schema", "pg_catalog", "pg_shadow", "mysql.", "tempdb", "msdb", "master..", "sysobjects", "syscolumns", "sysdatabases", "msysaccessobjects", "msysqueries", "schema_name", "all_tables", "user_tables", "sqlite_master"}, attack: AttackSQLi, level: 1, targets: fields | tURL,
		match: re(`(?i)\b(?:information_schema|pg_catalog|pg_shadow|mysql\.(?:db|user)\b|tempdb|msdb|master\.\.|sysobjects|syscolumns|sysdatabases|msysaccessobjects|msysqueries|schema_name|all_tables|user_tables|sqlite_master)\b`)},
	{id: "100011", keywords: []string{"except", "select", "update", "delete", "replace", "execute", "insert", "drop", "truncate", "alter", "create", "exec", "declare", "shutdown", "union", "waitfor", "into", "procedure", "case", "group", ")like", ") like", ")\tlike", ")/*"}, attack: AttackSQLi, level: 1, targets: fields | tURL,
		match: whole(sqlPhrase)},
	{id: "100012", keywords: []string{"::", "->", "#>", "#-", "@>", "<@", "?", "json", "'$"}, attack: AttackSQLi, level: 1, targets: fields | tURL, needsAny: cColon | cQuote,
		match: re(`(?i)::\s*(?:jsonb?|int(?:eger)?|bool(?:ean)?|text|regclass|varchar)\b|'\s*(?:->>?|#>>?|#-|@>|<@|\?[|&]?)\s*(?:'|array\s*\[)|\bjsonb?_\w+\s*\(|'\s*(?:[<>=]|->>?)\s*'\$[.\[]`)},
	{id: "100013", keywords: []string{"$"}, attack: AttackSQLi, level: 1, targets: fields | tURL, needsAll: cDollar,
		match: re(`(?i)\[\s*\$(?:ne|eq|gte?|lte?|n?in|regex|where|exists|not|nor|or|and|elemMatch|text|expr|all|size|type|mod)\s*\]|^\$(?:ne|eq|gte?|lte?|n?in|regex|where|exists|not|nor|or|and|elemMatch|text|expr)$`)},
	{id: "100014", keywords: append(quoteThen(";", "--", "#", "/*"), "`;", "`--", "`#", "`/*"), attack: AttackSQLi, level: 1, targets: fields, needsAny: cQuote | cTick,
		match: re(`^[\w.@+-]+['"` + "`" + `]\s*(?:;|--|#|/\*)`)},
	{id: "100015", keywords: []string{"/*!", "4294967", "2147483", "2.225073858507201"}, attack: AttackSQLi, level: 1, targets: fields | tURL,
		match: re(`/\*!\d*|^(?:4294967296|4294967295|2147483648|2147483647|2\.2250738585072011e-308)$`)},
	{id: "100016", keywords: []string{"xp_", "sp_", "utl_", "openrowset", "opendatasource", "openquery", "dbms_", "msdasql", "sqloledb", "sysxlogins", "sysprocesses", "pg_"}, attack: AttackSQLi, level: 1, targets: fields | tURL,
		match: re(`(?i)\b(?:xp_(?:cmdshell|dirtree|regread|regwrite|fileexist|availablemedia|servicecontrol|terminate|makecab|ntsec_enumdomains|loginconfig)|sp_(?:password|executesql|oacreate|oamethod|configure|addlogin|addsrvrolemember|makewebtask|execute)|utl_(?:http|inaddr|file|smtp|tcp)|openrowset|opendatasource|openquery|dbms_(?:java|pipe|lock|xmlgen|output|sql|scheduler)|msdasql|sqloledb|sysxlogins|sysprocesses|pg_(?:sleep|read_file|ls_dir|shadow|user|database|stat_activity))\b`)},
	{id: "100017", keywords: []string{"--", "#", "\\'", "\\\"", "\\`"}, attack: AttackSQLi, level: 2, targets: fields, needsAny: cQuote | cTick,
		match: re(`(?i)['"` + "`" + `]\s*(?:is\s+not|not\s+(?:like|glob|regexp|between|in)|sounds\s+like|like|glob|regexp|x?or|and|div|[|^&<>=+*/%-])[^'"]{0,40}?(?:--|#)\s*-?\s*$|\\['"` + "`" + `]\s*(?:or|and)\b`)},
	{id: "100018", keywords: []string{" as", "`as", "'as", "\"as", ")as", "!as", ";as"}, attack: AttackSQLi, level: 1, targets: fields,
		match: reWith([]string{"from"}, `(?i)[)`+"`"+`'"\d!;]\s*as\s*[`+"`"+`'"]?\s*[\w$]*\s*[`+"`"+`'"]?\s*from\b`)},
	{id: "100019", keywords: []string{"and", "or", "&&", "||", "="}, attack: AttackSQLi, level: 2, targets: fields, needsAny: cEq | cComment,
		match: re(`(?i)(?:^|[\s(=,])(?:and|x?or|&&|\|\|)\s*\(?\s*(?:\d+|null|'[^']*'|"[^"]*")\s*(?:=|!=|<>|<=>|\bis\b|\blike\b)|(?:^|[,;(])\s*\d+\s*(?:=|!=|<=>|<>)\s*\d+\s*$|\b(?:or|and)\s+\d+\s*(?:#|--)|(?:^|[\s(=/])(?:and|x?or|&&|\|\|)\s*\(?\s*[\w@.$]+\s*(?:={2,3}|!={1,2}|<>)|(?:^|[\s(=/])(?:&&|\|\|)\s*\(?\s*[\w@.$]+\s*=|\b(?:and|or)\s+[\w.]+\s*!?=\s*['"(]`)},
	{id: "100027", keywords: append(quoteThen(";", "or", "glob", "like", "regexp", "rlike", "not", "alter", "create", "drop", "truncate", "collate", "and"), "when", "0x", "\\0x", "'1", "'0", "' 1", "' 0"), attack: AttackSQLi, level: 2, targets: fields | tURL,
		match: re(`(?i)^['"]\s*;\s*(?:$|--|#|print\b)|['"]\s*(?:glob|like|regexp)\s+\w+\s*;|\)\s*when\s+\d+\s+then\b|['"]\s*or\s+(?:true|false)\b|^['"]\s*(?:alter|create|drop|truncate)\b|\bselect\s+0x[0-9a-f]|\\0x[0-9a-f]{2}|['"]\s*\d+\s*['"]\s*=\s*['"]\s*\d+|['"]\s*(?:not\s+)?(?:regexp|rlike|glob)\s+['"]|\band\s+\w+\s+glob\b`)},
	{id: "100028", attack: AttackSQLi, level: 1, targets: fields | tURL, needsAll: cParen, match: sqlCallPunctuated},
	{id: "100029", keywords: []string{"execute", "regexp", "rlike", "order", "from"}, attack: AttackSQLi, level: 2, targets: fields,
		match: re(`(?i)^\s*execute\s+[\w.]+\s*$|^\s*(?:regexp|rlike)\s*$|^\s*order\s+by\s*$|\bfrom\s+[\w.` + "`" + `]+\s+(?:where\s+[\w.` + "`" + `]+\s*=\s*(?:[^\s?:$]|$)|group\s+by\b)`)},
	{id: "100030", keywords: digitThen(" like", " glob", " regexp", " rlike", "is not "), attack: AttackSQLi, level: 2, targets: fields,
		match: re(`(?i)\b\d+\s+(?:like|glob|regexp|rlike)\s+\d+\b|\bis\s+not\s+\d+\b`)},
	{id: "100025", keywords: []string{"set"}, attack: AttackSQLi, level: 2, targets: fields, needsAll: cAt,
		match: re(`(?i)(?:^|[;>\s])\s*SET\s+@@?\w+`)},
	{id: "100026", keywords: []string{"null", "xor", "||", "&&", "<<", ">>", "!=", "<=", ">=", "<>", "==", "collate", "notnull"}, attack: AttackSQLi, level: 2, targets: fields,
		match: re(`(?i)(?:['"` + "`" + `)]|\b\d+)\s*(?:is|like)\s+(?:not\s+)?null\s*(?:$|--|#|\)|;|\b(?:and|or)\b)|^\s*(?:is|like)\s+(?:not\s+)?null\s*(?:$|--|#|\)|;)|\bxor\b|^\s*(?:\|\||&&|<<|>>|!=|<=|>=|<>|<=>|==)\s*$|['"` + "`" + `]\s*(?:collate|notnull)\b`)},
	{id: "100020", keywords: []string{"/*", ";--", "; --", ";#", "execute", "case", "having", "select", "except", "null", "array", "from"}, attack: AttackSQLi, level: 2, targets: fields | tURL, needsAny: cComment | cParen | cEq | cTick | cBrace,
		match: re(`(?i)\w/\*[^*]*\*/\w|\b(?:drop|select|union|insert|delete|update|from|where|table)\s*/\*|;\s*(?:--|#)|\bexecute\s*\(|\bselect\s*\(\s*case\b|\bhaving\s+\d+\s*=|\bfrom\s*` + "`" + `[\w$]+` + "`" + `\s*\.|\bin\s*\(\s*select\b|\bis\s+not\s+null\s*(?:--|#)|[=<>@&|,(]\s*array\s*\[`)},
	{id: "100024", keywords: []string{"varchar"}, attack: AttackSQLi, level: 2, targets: fields | tURL, match: re(`(?i)\bn?varchar\b`)},
	{id: "100021", attack: AttackSQLi, level: 1, targets: fields | tURL, needsAll: cParen, match: sqlCallGlued},
	{id: "100022", attack: AttackSQLi, level: 3, targets: fields | tURL, needsAll: cParen, match: sqlCallSpaced},
	{id: "100023", keywords: append([]string{"in(", "in (", "limit", "regexp", "rlike", "execute", "where", " group ", " order "}, quoteThen("alter", "create", "drop", "select", "union", "insert", "delete", "update")...), attack: AttackSQLi, level: 3, targets: fields,
		match: re(`(?i)\bin\s*\(\s*[\d'"-]|\brlike\b|\blimit\s+\d+\s*,\s*\d+|\bregexp\b|\bexecute\s+\w+\s*(?:$|;|--|#|\(|\busing\b)|\bfrom\s+[\w.` + "`" + `]+\s+(?:where|limit|group\s+by|order\s+by)\b|['"]\s*(?:alter|create|drop|select|union|insert|delete|update)\b`)},
	{id: "100006", keywords: []string{"/*", "information_schema", "char", "chr", "concat", "ascii", "substring", "mid", "hex", "@@", "order", "--", "#", "xp_cmdshell", "sys.", "0x"}, attack: AttackSQLi, level: 3, targets: fields | tURL, needsAny: cParen | cComment | cAt | cSemi | cQuote,
		match: re(`(?i)/\*!\d*|/\*[^,;]*?\*/|\binformation_schema\b|\b(?:char|chr|concat(?:_ws)?|group_concat|ascii|substring|mid|hex|unhex)\s*\(|@@(?:version|datadir|hostname)|\border\s+by\s+\d+\s*(?:--|#)|['"]\s*(?:--|#)|\bxp_cmdshell\b|\bsys\.(?:user_objects|tables)|0x[0-9a-f]{8,}`)},
}

var xssRules = []rule{
	{id: "110001", attack: AttackXSS, level: 1, targets: fields | tURL,
		needsAny: cAngle | cColon | cEq, match: whole(libinjection.IsXSS)},
	{id: "110002", attack: AttackXSS, level: 2, targets: fields | tURL, needsAny: cAngle,
		match: re(`(?i)<\s*/?\s*(?:script|iframe|frame|svg|object|embed|applet|meta|base|form|math|style|link|body|img|image|video|audio|source|details|marquee|isindex|frameset|template|input|button|select|textarea|xss|a\s)`)},
	{id: "110003", keywords: []string{"on"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAny: cEq,
		match: re(`(?i)(?:^|[\s"'/;<>])on(?:abort|blur|change|click|dblclick|error|focus\w*|input|invalid|key\w+|load\w*|mouse\w+|pointer\w+|submit|toggle|begin|end|animation\w+|transition\w+|wheel|drag\w*|drop|copy|cut|paste|scroll|resize|select|unload|beforeunload|hashchange|message|pageshow|popstate|readystatechange|touch\w+|auxclick|contextmenu|show|start|finish|repeat|search|play\w*|pause|ended|afterprint|beforeprint)\s*=`)},
	{id: "110004", keywords: []string{"script", "data", "alert", "prompt", "confirm"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAny: cColon | cQuote,
		match: re(`(?i)(?:j[\s\x00]*a[\s\x00]*v[\s\x00]*a|v[\s\x00]*b|l[\s\x00]*i[\s\x00]*v[\s\x00]*e)[\s\x00]*s[\s\x00]*c[\s\x00]*r[\s\x00]*i[\s\x00]*p[\s\x00]*t[\s\x00]*:|data\s*:\s*text/html|['"]\s*[;)]\s*(?:alert|prompt|confirm|eval)\s*\(`)},
	{id: "110006", attack: AttackXSS, level: 1, targets: fields | tURL, needsAll: cAngle, match: spacedTag},
	{id: "110007", keywords: []string{"on", "formaction", "srcdoc", "xlink"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAll: cEq,
		match: re(`(?i)[\s"'/;<>` + "`" + `]on[a-z]{3,}\s*=|[\s"'/;<>]\s*(?:formaction|srcdoc|xlink:href)\s*=`)},
	{id: "110008", keywords: []string{"document", "window", "self", "top", "parent", "globalthis", "frames"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAny: cDot | cBrace,
		match: re(`(?i)\b(?:document|window|self|top|parent|globalThis|frames)` + jsGap + `\)?` + jsGap + `(?:\.|\[` + jsGap + "[\"'`]" + `)` + jsGap + `(?:cookie|domain|location|write(?:ln)?|body|forms|createElement|querySelector(?:All)?|getElements?By\w+|alert|eval|globalEval|execScript|open|navigate|\$|\\x[0-9a-f]{2})`)},
	{id: "110009", keywords: []string{"alert", "prompt", "confirm", "atob", "btoa", "settimeout", "setinterval", "execscript", "fromcharcode", "function", "call", "apply", "bind", "${", "[]", "url", "+ad", "data"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAny: cParen | cTick | cBrace | cAngle | cColon | cComment | cDollar,
		match: re(`(?i)\b(?:alert|prompt|confirm|atob|btoa|setTimeout|setInterval|execScript|fromCharCode)\(|\bnew\s+Function\s*\(|\.` + jsGap + `(?:call|apply|bind)\s*` + "`" + `|\$\{\s*(?:alert|eval|prompt|confirm|navigation|location|document|window)\b|!\[\]|\+\[\]|\[\]\s*[+\[]|url\s*\(\s*['"]?\s*(?:java|vb)script|\+AD[w4]-|data\s*:[^,]{0,40},\s*<`)},
	{id: "110010", keywords: []string{`\xbc`, `\xc2\xbc`, `\xd0\xbc`}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAll: cSlash,
		match: re(`(?i)\\x(?:c2\\x|d0\\x)?bc\s*/?\s*\w+.{0,8}?\\x(?:c2\\x|d0\\x)?be`)},
	{id: "110011", keywords: []string{"-->"}, attack: AttackXSS, level: 3, targets: fields, match: re(`-->`)},
	{id: "110005", keywords: []string{"expression", "srcdoc", "alert", "prompt", "confirm", "settimeout", "setinterval", "function", "document", "window", "fromcharcode", "atob", "constructor"}, attack: AttackXSS, level: 1, targets: fields | tURL, needsAny: cParen | cDot | cEq | cQuote,
		match: re("(?i)expression\\s*\\(|srcdoc\\s*=|\\b(?:alert|prompt|confirm|setTimeout|setInterval|(?-i:Function))\\s*(?:\\(|`)|document\\s*\\.\\s*(?:cookie|domain|write|location)|window\\s*\\.\\s*location|String\\s*\\.\\s*fromCharCode|\\batob\\s*\\(|\\bconstructor\\s*\\.\\s*constructor")},
}

// quoteThen lists each word right after a single or double quote, with
// and without one space: the keywords of rules that start at a quote.
func quoteThen(words ...string) []string {
	var out []string
	for _, q := range []string{"'", "\"", "' ", "\" "} {
		for _, w := range words {
			out = append(out, q+w)
		}
	}
	return out
}

// sqlSpace is what SQL takes as a space: white space and inline comments.
const sqlSpace = `(?:\s|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)`

// sqlFunctions are function names found only in SQL; a call of one is an
// attack whatever the spacing.
var sqlFunctions = []string{"group_concat", "concat_ws", "concat", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "xmltype",
	"sqlite_compileoption_used", "sqlite_compileoption_get", "sqlite_version", "json_extract", "json_build_object", "lo_import", "lo_get", "lo_export",
	"unistr", "current_user", "session_user", "system_user", "db_name", "schema_name", "user_name", "find_in_set", "sysdate", "coalesce",
	"uncompress", "compress", "unhex", "substring", "substr", "to_char", "nchar", "varchar", "ifnull", "nullif", "isnull", "starts_with",
	"name_const", "row_count", "found_rows", "last_insert_id", "connection_id", "make_set", "geometrycollection", "multipoint", "multipolygon",
	"linestring", "polygon", "pg_read_file", "pg_ls_dir", "utl_http", "utl_inaddr", "dbms_pipe", "dbms_xmlgen", "ctxsys", "xp_cmdshell",
	"char_length", "octet_length", "bit_length", "instr", "locate", "mid", "ascii", "chr"}

// sqlWordFunctions are SQL functions whose names are also words: they
// count only glued to the parenthesis after an operator or at the start
// of the value, as a query fragment, not text, has them.
var sqlWordFunctions = []string{"md5", "sha1", "date", "format", "default", "abs", "pow", "insert", "day", "month", "year", "hour", "minute", "second", "week", "time", "timestamp", "upper", "lower", "least", "greatest", "sign", "sqrt", "log", "ln", "exp", "ceil", "ceiling", "avg", "sum", "min", "max", "isnull", "sha", "sha2", "password", "schema", "benchmark", "field", "load", "ltrim", "rtrim", "space", "strcmp", "repeat", "lpad", "rpad", "quote", "soundex", "values", "weight_string", "uuid", "in", "database", "user", "version", "char", "now", "decode", "encode", "cos", "sin", "pi", "floor", "rand", "elt",
	"exp", "length", "position", "hex", "ord", "cast", "convert", "div", "mod", "if", "iif", "sleep", "left", "right", "count", "trim", "replace", "reverse", "power", "round"}

// jsGap is what JavaScript takes as nothing between two tokens: white
// space and comments.
const jsGap = `\s*(?:/\*[^*]*\*/\s*)*`

// digitThen lists each word after each digit and each digit after each
// word ending in a space: keywords of rules about numbers beside a word.
func digitThen(words ...string) []string {
	var out []string
	for d := '0'; d <= '9'; d++ {
		for _, w := range words {
			if strings.HasSuffix(w, " ") {
				out = append(out, w+string(d))
			} else {
				out = append(out, string(d)+w)
			}
		}
	}
	return out
}
