package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browserPath finds Debian's chromium (or another Chrome) for the console's
// browser tests.
func browserPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the console tests write their screenshots:
// $RAMPART_CONSOLE_SCREENSHOTS, or a new temporary directory that is kept.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RAMPART_CONSOLE_SCREENSHOTS")
	if dir == "" {
		d, err := os.MkdirTemp("", "rampart-console-screenshots-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("console screenshots in %s", dir)
	return dir
}

// pageRequests records every request the console's pages make.
type pageRequests struct {
	mu   sync.Mutex
	list []string // "METHOD URL"
}

func (p *pageRequests) add(method, u string) {
	p.mu.Lock()
	p.list = append(p.list, method+" "+u)
	p.mu.Unlock()
}

func (p *pageRequests) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

// consoleBrowser drives one headless browser tab against the console.
type consoleBrowser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
}

// run runs actions, failing the test with what was asked on error.
func (b *consoleBrowser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		text, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#page")))
		b.t.Fatalf("%s: %v\npage text: %.2000s", what, err, text)
	}
}

// open goes to a page of the console and waits until it has rendered.
func (b *consoleBrowser) open(page string) {
	b.t.Helper()
	b.run("open "+page, chromedp.Navigate(b.base+"/console/#/"+page),
		chromedp.WaitVisible(chromedp.CSS(`#page[data-page="`+page+`"][data-ready="true"]`)))
}

// shot writes a full-page screenshot named name.png.
func (b *consoleBrowser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// submit sets the values of the inputs and selects of the form labelled form (pairs
// of input name and value, in order) and submits it.
func (b *consoleBrowser) submit(what, form string, pairs ...string) {
	b.t.Helper()
	sel := `form[aria-label="` + form + `"] `
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(pairs); i += 2 {
		field := sel + `[name="` + pairs[i] + `"]`
		if pairs[i+1] == "" { // SetValue takes an empty value for a failure
			steps = append(steps, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(field)+`).value = ""`))
			continue
		}
		steps = append(steps, chromedp.SetValue(chromedp.CSS(field), pairs[i+1]))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(sel+`button[type="submit"]`)))
	b.run(what, steps...)
}

// cell returns the text of the column named column in the rows of the
// page's table that mention row.
func (b *consoleBrowser) cell(row, column string) string {
	b.t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#page tbody tr')]
		.filter(tr => tr.textContent.includes(`+strconv.Quote(row)+`))
		.map(tr => tr.querySelector('td[data-label=`+strconv.Quote(column)+`]').textContent).join()`))
	if err != nil {
		b.t.Fatalf("read the %s of %s: %v", column, row, err)
	}
	return text
}

// pageText returns the text of the rendered page.
func (b *consoleBrowser) pageText() string {
	b.t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#page")))
	if err != nil {
		b.t.Fatalf("read the page: %v", err)
	}
	return text
}

// waitText waits until the page shows want, running again before each
// look (a reload of the page's data) when again is not nil.
func (b *consoleBrowser) waitText(what, want string, again func()) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second) // asserts the effect, not the latency
	for {
		text := b.pageText()
		if strings.Contains(text, want) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the page never showed %q:\n%.3000s", what, want, text)
		}
		time.Sleep(200 * time.Millisecond)
		if again != nil {
			again()
		}
	}
}

// The console in a real browser against a real `rampart serve` with a
// data plane: log in, add a protected host and a geolocation rule, send a
// request from the blocked location through the data plane, find the block
// in the events, add a SecMaster emergency block with aging and see the
// decision tester report it, log out (the token is revoked). Every page is
// photographed; every request the pages make goes to Rampart itself, and
// every write to a public API.
func TestConsoleInBrowser(t *testing.T) {
	chrome := browserPath()
	if chrome == "" {
		t.Skip("skip: no chromium (Debian package chromium; scripts/install-test-packages.sh installs it): the console's browser test did not run")
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") }))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())

	dir := t.TempDir()
	proxyAddr := freeAddr(t)
	base, logs, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"},
		"--proxy-listen", proxyAddr, "--metrics-listen", "", "--trusted-proxies", "127.0.0.1/32")
	defer stop()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Skipf("skip: %s does not start here: %v", chrome, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	b := &consoleBrowser{t: t, ctx: ctx, base: base, dir: screenshotDir(t)}

	requests := &pageRequests{}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			requests.add(e.Request.Method, e.Request.URL)
		}
	}); err != nil {
		t.Fatal(err)
	}

	// Log in.
	b.run("open the login", chromedp.Navigate(base+"/console/"), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	b.shot("login")
	hiddenBar, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("session")).display + getComputedStyle(document.getElementById("nav")).display`))
	if err != nil || hiddenBar != "nonenone" {
		t.Errorf("before the login the session bar and menu show (display %q, %v)", hiddenBar, err)
	}
	b.run("wrong password",
		chromedp.SendKeys(chromedp.CSS("#login-domain"), "acme"),
		chromedp.SendKeys(chromedp.CSS("#login-user"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "not the password"),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-form .field-error:not(:empty), #login-form .form-error:not(:empty)`)))
	b.shot("login-error")
	// By keyboard alone: Tab walks the form in order, Enter submits it.
	b.run("focus the account field", chromedp.Evaluate[chromedp.Void](`document.getElementById("login-password").value = ""`), chromedp.Focus(chromedp.CSS("#login-domain")))
	var order []string
	for range 3 {
		b.run("tab", chromedp.KeyEvent("\t"))
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.textContent`))
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, focused)
	}
	if strings.Join(order, ",") != "login-user,login-password,Log in" {
		t.Errorf("Tab order of the login form: %v", order)
	}
	b.run("log in", chromedp.Focus(chromedp.CSS("#login-password")), chromedp.KeyEvent("first-password\r"),
		chromedp.WaitVisible(chromedp.CSS(`#page[data-page="overview"][data-ready="true"]`)))
	cookies, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
		return res.Cookies, err
	})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	for _, c := range cookies {
		if c.Name == "rampart_console" {
			token = c.Value
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict {
				t.Errorf("session cookie: HttpOnly=%v SameSite=%v", c.HTTPOnly, c.SameSite)
			}
		}
	}
	if token == "" {
		t.Fatalf("no session cookie after the login: %v", cookies)
	}
	scriptSees, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(scriptSees, token) {
		t.Error("document.cookie shows the session token")
	}
	b.shot("overview")

	// A protected host, reached from the menu by keyboard.
	b.run("the menu by keyboard", chromedp.Focus(chromedp.CSS(`nav a[href="#/hosts"]`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#page[data-page="hosts"][data-ready="true"]`)))
	b.submit("add a host", "Add a protected host", "hostname", "shop.example.com", "address", upHost, "port", upPort)
	b.waitText("the new host", "shop.example.com", nil)
	proxyEventually(t, "host routed", func() (int, string) { return proxyGet(t, proxyAddr, "shop.example.com", logs) }, 200, "from origin")
	b.shot("hosts")
	// Protection off and on again, and the origin server saved again.
	b.run("suspend protection", chromedp.Click(chromedp.CSS(`#page tbody button.secondary`)))
	b.waitText("protection off", "Enable protection", nil)
	if st := b.cell("shop.example.com", "Protection"); st != "Off" {
		t.Errorf("protection after suspending: %q", st)
	}
	b.run("enable protection", chromedp.Click(chromedp.CSS(`#page tbody button.secondary`)))
	b.waitText("protection on", "Suspend protection", nil)
	up2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from the second origin") }))
	defer up2.Close()
	_, up2Port, _ := net.SplitHostPort(up2.Listener.Addr().String())
	b.run("open the servers", chromedp.Click(chromedp.CSS(`#page tbody details summary`)))
	b.submit("move the host to a second origin", "Origin servers of shop.example.com", "address", upHost, "port", up2Port)
	b.waitText("the servers saved", "http://"+upHost+":"+up2Port, nil)
	proxyEventually(t, "host moved", func() (int, string) { return proxyGet(t, proxyAddr, "shop.example.com", logs) }, 200, "from the second origin")

	// A geolocation rule blocking Beijing, picked in the picker.
	b.open("geoip")
	geo := `form[aria-label="Add a geolocation rule"] `
	b.run("add a geolocation rule",
		chromedp.SendKeys(chromedp.CSS(geo+`input[name="name"]`), "no-beijing"),
		chromedp.SendKeys(chromedp.CSS(geo+`input[type="search"]`), "beijing"),
		chromedp.Click(chromedp.CSS(`#geo-BJ`)),
		chromedp.Click(chromedp.CSS(geo+`button[type="submit"]`)))
	b.waitText("the new rule", "Beijing (BJ)", nil)
	b.shot("geoip")
	b.open("policies")
	b.waitText("the module switches", "Geolocation access control", nil)
	b.run("save a policy", chromedp.Click(chromedp.CSS(`#page form button[type="submit"]`)))
	b.waitText("the policy saved", "Saved.", nil)
	b.shot("policies")

	// A client in Beijing (the embedded geolocation data places
	// 202.106.0.20 there) through the data plane, behind a trusted proxy.
	fromBeijing := func() (int, string) {
		req, _ := http.NewRequest("GET", "http://"+proxyAddr+"/cart?item=7", nil)
		req.Host = "shop.example.com"
		req.Header.Set("X-Forwarded-For", "202.106.0.20")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("proxy: %v\n%s", err, logs)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	proxyEventually(t, "geolocation block", fromBeijing, 418, "Event ID")

	// The block in the events, with its detail.
	b.open("events")
	reload := func() {
		b.run("reload the events", chromedp.Click(chromedp.CSS(`form[aria-label="Event filters"] button[type="submit"]`)))
	}
	b.waitText("the geolocation block", "202.106.0.20", reload)
	text := b.pageText()
	if !strings.Contains(text, "custom_geoip") || !strings.Contains(text, "block") {
		t.Errorf("the event list does not show a geolocation block:\n%.2000s", text)
	}
	b.shot("events")
	// A custom period: half of it is refused beside the missing field; the
	// whole of it lists the block.
	b.submit("half a period", "Event filters", "from", time.Now().Add(-time.Hour).Format("2006-01-02T15:04"), "to", "")
	b.run("the error beside the end", chromedp.WaitVisible(chromedp.CSS(`form[aria-label="Event filters"] input[name="to"][aria-invalid="true"] + .field-error:not(:empty)`)))
	b.submit("a period before the block", "Event filters", "from", time.Now().Add(-3*time.Hour).Format("2006-01-02T15:04"),
		"to", time.Now().Add(-2*time.Hour).Format("2006-01-02T15:04"))
	b.waitText("no block before it", "Nothing to show.", nil)
	b.submit("a period around the block", "Event filters", "from", time.Now().Add(-time.Hour).Format("2006-01-02T15:04"),
		"to", time.Now().Add(time.Hour).Format("2006-01-02T15:04"))
	b.waitText("the block in the period", "202.106.0.20", nil)
	b.run("open an event", chromedp.Click(chromedp.CSS(`button[aria-label^="Detail of event"]`)))
	b.waitText("the event detail", "/cart?item=7", nil)
	b.shot("event-detail")

	// A SecMaster emergency block with aging.
	b.open("secmaster")
	b.submit("add an emergency block", "Add an emergency policy", "block_target", "192.0.2.99", "ageing", "30")
	b.waitText("the emergency block", "192.0.2.99", nil)
	if text := b.pageText(); strings.Contains(text, "Never") {
		t.Errorf("the emergency block shows no aging:\n%.2000s", text)
	}
	b.shot("secmaster")
	// One that ages in 3 seconds: the worker lifts it, the list says so.
	b.submit("add a short emergency block", "Add an emergency policy", "block_target", "192.0.2.98", "ageing", "3", "unit", "seconds")
	b.waitText("the short block", "192.0.2.98", nil)
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := b.cell("192.0.2.98", "Status")
		if status == "EXPIRED" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the 3-second emergency block did not expire: status %q", status)
		}
		time.Sleep(500 * time.Millisecond)
		b.run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#page[data-page="secmaster"][data-ready="true"]`)))
	}
	b.shot("secmaster-expired")
	b.submit("a bad target", "Add an emergency policy", "block_target", "not an address", "ageing", "")
	sm := `form[aria-label="Add an emergency policy"] `
	b.run("the error beside the field", chromedp.WaitVisible(chromedp.CSS(sm+`input[name="block_target"][aria-invalid="true"] + .field-error:not(:empty)`)))
	b.shot("secmaster-error")

	// The decision tester sees the emergency block at the WAF layer.
	b.open("decisions")
	decide := func() {
		b.submit("ask for a decision", "Decision query", "ip", "192.0.2.99", "host", "shop.example.com")
	}
	decide()
	b.waitText("the emergency block decided", "emergency", decide)
	b.shot("decisions")

	// The overview (the dashboard operations, or their "no data" state).
	b.open("overview")
	if text := b.pageText(); !strings.Contains(text, "No data") && !strings.Contains(text, "Requests") {
		t.Errorf("the overview shows neither figures nor a no-data state:\n%.2000s", text)
	}
	b.shot("overview-after")

	// A phone's width.
	b.run("phone width", chromedp.EmulateViewport(390, 844))
	b.open("hosts")
	b.shot("hosts-phone")
	b.open("events")
	b.shot("events-phone")
	b.run("desktop width", chromedp.EmulateViewport(1280, 900))

	// Log out: the token no longer works.
	b.run("log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	b.shot("logged-out")
	req, _ := http.NewRequest("GET", base+"/v3/projects", nil)
	req.Header.Set("X-Auth-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session's token after logout: %d, want 401", res.StatusCode)
	}

	// Every request went to Rampart; every write to a public API.
	own, _ := url.Parse(base)
	writes := 0
	for _, r := range requests.all() {
		method, raw, _ := strings.Cut(r, " ")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != own.Host) {
			t.Errorf("the console requested %s outside Rampart", r)
			continue
		}
		if method == "GET" || method == "HEAD" || u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		writes++
		if !publicAPI(u.Path) {
			t.Errorf("the console wrote through %s, not a public API", r)
		}
	}
	if writes < 5 {
		t.Errorf("only %d writes seen: %v", writes, requests.all())
	}
	t.Logf("%d requests, %d writes", len(requests.all()), writes)
}

// publicAPI reports whether path is one of the public API families (IAM,
// WAF, SecMaster, Workspace, the Rampart extensions) or the console's
// session.
func publicAPI(path string) bool {
	return strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v2/") || strings.HasPrefix(path, "/v3/") ||
		path == "/console/api/session"
}
