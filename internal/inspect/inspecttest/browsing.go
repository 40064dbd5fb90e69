package inspecttest

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
)

// BrowsingTraffic returns a few thousand benign values as ordinary
// browsing sends them: browser User-Agents and headers, analytics and
// session cookies, campaign and click-id parameters, search text in
// several languages, identifiers, dates, e-mail addresses, URLs and file
// paths in parameters, REST paths, form and JSON bodies and uploads. It is
// generated from the pieces in browsing_data.go with a fixed seed, so every
// run sees the same values.
func BrowsingTraffic() []CorpusItem {
	g := &generator{r: rand.New(rand.NewPCG(14, 2026))}
	for _, ua := range userAgents {
		g.add("ua", ua)
	}
	for _, h := range browserHeaders {
		g.add("header", h)
	}
	for range 120 {
		g.add("header", "Referer: "+g.pageURL())
	}
	for _, s := range searchText {
		g.add("param", s)
		g.add("param", strings.ToLower(s))
	}
	for range 600 {
		g.add("cookie", g.cookie())
	}
	for range 1500 {
		g.add("param", g.paramValue())
	}
	for range 400 {
		g.add("path", g.path())
	}
	for range 300 {
		g.add("form", g.formBody())
	}
	for range 300 {
		g.add("json", g.jsonBody())
	}
	for _, name := range uploadNames {
		g.add("filename", name)
	}
	return g.items
}

type generator struct {
	r     *rand.Rand
	items []CorpusItem
}

func (g *generator) add(where, payload string) {
	g.items = append(g.items, CorpusItem{Where: where, Payload: payload})
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

// token returns n characters of the given alphabet.
func (g *generator) token(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerHex = "0123456789abcdef"
	b64url   = alnum + "-_"
)

func (g *generator) uuid() string {
	h := g.token(32, lowerHex)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *generator) date() string {
	y, m, d := 2019+g.r.IntN(8), 1+g.r.IntN(12), 1+g.r.IntN(28)
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("%02d/%02d/%d", m, d, y)
	case 1:
		return fmt.Sprintf("%d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
	case 2:
		return fmt.Sprintf("%d-%02d-%02dT%02d:%02d:00+02:00", y, m, d, g.r.IntN(24), g.r.IntN(60))
	case 3:
		return fmt.Sprintf("%d.%02d.%d", d, m, y)
	}
	return fmt.Sprintf("%d-%02d-%02d", y, m, d)
}

// jwt returns a token shaped like a signed JSON Web Token.
func (g *generator) jwt() string {
	enc := base64.RawURLEncoding.EncodeToString
	head := enc([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := enc(fmt.Appendf(nil, `{"sub":"%d","name":"%s","iat":%d,"exp":%d,"scope":"read write"}`,
		g.r.IntN(1e6), g.pick(firstNames), 1.7e9+g.r.IntN(1e8), 1.8e9+g.r.IntN(1e8)))
	return head + "." + body + "." + g.token(43, b64url)
}

func (g *generator) email() string {
	return strings.ToLower(g.pick(firstNames)) + g.pick([]string{".", "_", "+news.", ""}) +
		strings.ToLower(g.pick(lastNames)) + "@" + g.pick(domains)
}

func (g *generator) pageURL() string {
	u := "https://" + g.pick(domains) + g.path()
	if g.r.IntN(2) == 0 {
		u += "?" + g.query()
	}
	return u
}

func (g *generator) query() string {
	v := url.Values{}
	for range 1 + g.r.IntN(4) {
		name := g.pick(paramNames)
		v.Set(name, g.paramValue())
	}
	return v.Encode()
}

func (g *generator) path() string {
	switch g.r.IntN(9) {
	case 0:
		return fmt.Sprintf("/api/v%d/%s/%d", 1+g.r.IntN(3), g.pick(resources), g.r.IntN(100000))
	case 1:
		return fmt.Sprintf("/api/v1/%s/%s/%s", g.pick(resources), g.uuid(), g.pick(resources))
	case 2:
		return fmt.Sprintf("/static/%s/%s.%s.%s", g.pick([]string{"js", "css", "media", "chunks"}), g.pick(slugs), g.token(8, lowerHex), g.pick([]string{"js", "css", "woff2", "map", "svg", "png"}))
	case 3:
		return fmt.Sprintf("/%s/%d/%02d/%s", g.pick([]string{"blog", "news", "articles"}), 2015+g.r.IntN(11), 1+g.r.IntN(12), g.pick(slugs))
	case 4:
		return "/" + g.pick(locales) + "/" + g.pick(slugs)
	case 5:
		return fmt.Sprintf("/p/%s-%d.html", g.pick(slugs), g.r.IntN(1e7))
	case 6:
		return "/" + url.PathEscape(g.pick(searchText))
	case 7:
		return fmt.Sprintf("/images/products/%d/%s_%dx%d.jpg", g.r.IntN(9999), g.pick(slugs), 100*(1+g.r.IntN(12)), 100*(1+g.r.IntN(12)))
	}
	return g.pick(staticPaths)
}

func (g *generator) cookie() string {
	switch g.r.IntN(16) {
	case 0:
		return fmt.Sprintf("GA1.2.%d.%d", 1e9+g.r.IntN(9e8), 1.6e9+g.r.IntN(2e8))
	case 1:
		return fmt.Sprintf("GS1.1.%d.%d.1.1.%d.0.0.0", 1.6e9+g.r.IntN(2e8), 1+g.r.IntN(40), 1.6e9+g.r.IntN(2e8))
	case 2:
		return fmt.Sprintf("fb.1.%d.%d", 1.6e12+g.r.IntN(2e11), g.r.IntN(2e9))
	case 3:
		return g.token(26, "abcdefghijklmnopqrstuv0123456789") // PHPSESSID
	case 4:
		return strings.ToUpper(g.token(32, lowerHex)) + ".node" + fmt.Sprint(1+g.r.IntN(4)) // JSESSIONID
	case 5:
		return g.token(64, alnum) // csrftoken
	case 6:
		return g.jwt()
	case 7:
		return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, `{"theme":"%s","lang":"%s","consent":true}`, g.pick([]string{"dark", "light"}), g.pick(locales)))
	case 8:
		return url.QueryEscape(fmt.Sprintf(`{"cart":[{"id":%d,"qty":%d}],"currency":"EUR"}`, g.r.IntN(9999), 1+g.r.IntN(5)))
	case 9:
		return fmt.Sprintf("isGpcEnabled=0&datestamp=%s&version=202401.1.0&groups=C0001%%3A1%%2CC0002%%3A%d%%2CC0004%%3A0&hosts=&landingPath=NotLandingPage",
			url.QueryEscape("Mon Dec 07 2026 10:12:31 GMT+0100 (Central European Standard Time)"), g.r.IntN(2))
	case 10:
		return fmt.Sprintf("1.1.%d.%d", g.r.IntN(2e9), 1.6e9+g.r.IntN(2e8)) // _gcl_au
	case 11:
		return g.uuid()
	case 12:
		return g.token(80, alnum+"+/") + "==" // load-balancer stickiness
	case 13:
		return `"` + g.pick(locales) + `"`
	case 14:
		return fmt.Sprintf("%%7B%%22id%%22%%3A%%22%s%%22%%2C%%22created%%22%%3A%d%%2C%%22existing%%22%%3Atrue%%7D", g.uuid(), 1.7e12+g.r.IntN(1e11))
	}
	return fmt.Sprintf("%s|%s|%d", g.pick(locales), g.pick([]string{"EUR", "USD", "GBP", "JPY"}), g.r.IntN(3))
}

func (g *generator) paramValue() string {
	switch g.r.IntN(24) {
	case 0:
		return g.pick(utmValues)
	case 1:
		return "Cj0KCQiA" + g.token(70, b64url) + "_BwE" // gclid
	case 2:
		return "IwAR" + g.token(55, b64url) // fbclid
	case 3:
		return g.token(32, lowerHex) // msclkid
	case 4:
		return g.uuid()
	case 5:
		return g.date()
	case 6:
		return g.email()
	case 7:
		return g.pick(phones)
	case 8:
		return g.pageURL()
	case 9:
		return g.pick(relativePaths)
	case 10:
		return g.pick(filePaths)
	case 11:
		return fmt.Sprint(g.r.IntN(1e6))
	case 12:
		return g.pick(sortValues)
	case 13:
		return g.pick(searchText)
	case 14:
		return fmt.Sprintf(`{"brand":["%s","%s"],"size":%d,"price":{"min":%d,"max":%d}}`, g.pick(brands), g.pick(brands), 36+g.r.IntN(10), g.r.IntN(50), 50+g.r.IntN(500))
	case 15:
		return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"return":"/account","nonce":"%s"}`, g.token(16, alnum)))
	case 16:
		return fmt.Sprintf("%.4f,%.4f", -90+180*g.r.Float64(), -180+360*g.r.Float64())
	case 17:
		return g.pick(misc)
	case 18:
		return g.jwt()
	case 19:
		return strings.Join([]string{g.pick(slugs), g.pick(slugs)}, ",")
	case 20:
		return g.pick(firstNames) + " " + g.pick(lastNames)
	case 21:
		return fmt.Sprintf("%s %s", g.pick(searchText), g.pick(searchText))
	case 22:
		return g.token(20+g.r.IntN(40), alnum)
	}
	return g.pick(brands)
}

func (g *generator) formBody() string {
	v := url.Values{}
	switch g.r.IntN(8) {
	case 0:
		v.Set("username", g.email())
		v.Set("password", g.pick(passwords))
		v.Set("remember", "on")
		v.Set("csrf_token", g.token(40, alnum))
	case 1:
		v.Set("name", g.pick(firstNames)+" "+g.pick(lastNames))
		v.Set("email", g.email())
		v.Set("subject", g.pick(searchText))
		v.Set("message", g.pick(messages))
	case 2:
		v.Set("q", g.pick(searchText))
		v.Set("category", g.pick(slugs))
		v.Set("sort", g.pick(sortValues))
	case 3:
		v.Set("comment", g.pick(messages))
		v.Set("comment_post_ID", fmt.Sprint(g.r.IntN(9999)))
		v.Set("_wp_http_referer", "/"+g.pick(slugs)+"/")
		v.Set("author", g.pick(firstNames))
		v.Set("url", "https://"+g.pick(domains)+"/")
	case 4:
		v.Set("authenticity_token", base64.StdEncoding.EncodeToString([]byte(g.token(48, alnum))))
		v.Set("user[email]", g.email())
		v.Set("user[address][street]", g.pick(streets))
		v.Set("user[address][zip]", fmt.Sprintf("%05d", g.r.IntN(99999)))
	case 5:
		v.Set("grant_type", "authorization_code")
		v.Set("code", g.token(32, b64url))
		v.Set("redirect_uri", "https://app."+g.pick(domains)+"/oauth/callback")
		v.Set("client_id", g.uuid())
	case 6:
		v.Set("__VIEWSTATE", base64.StdEncoding.EncodeToString([]byte(g.token(120, alnum))))
		v.Set("__EVENTVALIDATION", base64.StdEncoding.EncodeToString([]byte(g.token(40, alnum))))
		v.Set("ctl00$MainContent$txtSearch", g.pick(searchText))
	default:
		// Latin-1 forms, as older shops send them.
		return g.pick(latin1Forms)
	}
	return v.Encode()
}

func (g *generator) jsonBody() string {
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	switch g.r.IntN(7) {
	case 0:
		return fmt.Sprintf(`{"items":[{"sku":"%s-%d","qty":%d,"price":%d.%02d}],"shipping":{"name":%s,"street":%s,"email":%s},"coupon":null}`,
			strings.ToUpper(g.token(3, "ABCDEFGHJKLMNPRSTUVWXYZ")), g.r.IntN(9999), 1+g.r.IntN(4), g.r.IntN(300), g.r.IntN(100),
			q(g.pick(firstNames)+" "+g.pick(lastNames)), q(g.pick(streets)), q(g.email()))
	case 1:
		return fmt.Sprintf(`{"query":%s,"variables":{"id":"%d","first":%d},"operationName":"%s"}`, q(g.pick(graphqlQueries)), g.r.IntN(1e5), 10*(1+g.r.IntN(5)), g.pick([]string{"GetProduct", "ListOrders", "Viewer"}))
	case 2:
		return fmt.Sprintf(`{"client_id":"%d.%d","events":[{"name":"page_view","params":{"page_location":%s,"page_title":%s,"engagement_time_msec":%d}}]}`,
			g.r.IntN(2e9), 1.6e9+g.r.IntN(2e8), q(g.pageURL()), q(g.pick(searchText)), g.r.IntN(60000))
	case 3:
		return fmt.Sprintf(`{"message":%s,"level":"error","exception":{"type":"TypeError","value":"Cannot read properties of undefined (reading 'map')","stacktrace":"at render (https://%s/static/js/main.%s.js:1:%d)"}}`,
			q(g.pick(messages)), g.pick(domains), g.token(8, lowerHex), g.r.IntN(99999))
	case 4:
		return fmt.Sprintf(`{"title":%s,"body":%s,"tags":[%s,%s],"draft":false}`, q(g.pick(searchText)), q(g.pick(messages)), q(g.pick(slugs)), q(g.pick(slugs)))
	case 5:
		return fmt.Sprintf(`{"user":{"email":%s,"password":%s,"phone":%s,"birthday":%s}}`, q(g.email()), q(g.pick(passwords)), q(g.pick(phones)), q(g.date()))
	}
	return fmt.Sprintf(`{"query":{"bool":{"must":[{"match":{"title":%s}}],"filter":[{"range":{"price":{"gte":%d,"lte":%d}}}]}},"size":%d}`,
		q(g.pick(searchText)), g.r.IntN(50), 50+g.r.IntN(500), 10*(1+g.r.IntN(5)))
}
