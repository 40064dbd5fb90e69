package proxy

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
)

// The data plane's own pages. The block page follows Huawei's WAF: status
// 418 and an event ID the visitor can quote to the site's owner.

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;margin:4em auto;max-width:40em;color:#333}h1{font-size:1.5em}code{background:#eee;padding:.1em .3em}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p>{{if .EventID}}<p>Event ID: <code>{{.EventID}}</code></p>
<p>If you believe this is a mistake, contact the site's administrator and quote the event ID.</p>{{end}}
<hr><p><small>Rampart web application firewall</small></p></body></html>
`))

type page struct {
	Status  int
	Code    string // JSON error_code
	Title   string
	Text    string
	EventID string
}

var (
	pageUnknownHost = page{Status: http.StatusNotFound, Code: "waf.unknown_host", Title: "Site not found",
		Text: "No website is protected under this domain name here. Check the address, or the domain's DNS record."}
	pageBlocked = page{Status: http.StatusTeapot, Code: "waf.blocked", Title: "Request blocked",
		Text: "Your request was blocked by the web application firewall protecting this site."}
	pageBadGateway = page{Status: http.StatusBadGateway, Code: "waf.bad_gateway", Title: "Bad gateway",
		Text: "The website's origin servers could not be reached."}
	pageHTTP2Preface = page{Status: http.StatusHTTPVersionNotSupported, Code: "waf.unsupported_protocol", Title: "HTTP version not supported",
		Text: "The connection began with the HTTP/2 preface but had negotiated HTTP/1.1."}
	pageGatewayTimeout = page{Status: http.StatusGatewayTimeout, Code: "waf.gateway_timeout", Title: "Gateway timeout",
		Text: "The website's origin server did not answer in time."}
)

// wantsJSON reports whether a client whose Accept header is accept
// prefers JSON to HTML.
func wantsJSON(accept string) bool {
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// write sends the page as HTML, or as JSON when the client asks for it.
func (pg page) write(w http.ResponseWriter, r *http.Request, eventID string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	ct, body := pg.render(r.Header.Get("Accept"), eventID)
	h.Set("Content-Type", ct)
	w.WriteHeader(pg.Status)
	_, _ = w.Write(body)
}

// render returns the content type and body of the page for a client whose
// Accept header is accept.
func (pg page) render(accept, eventID string) (contentType string, body []byte) {
	pg.EventID = eventID
	if wantsJSON(accept) {
		// Codes, texts and event IDs hold nothing JSON must escape.
		s := `{"error_code":"` + pg.Code + `","error_msg":"` + pg.Text + `"`
		if eventID != "" {
			s += `,"event_id":"` + eventID + `"`
		}
		return "application/json", []byte(s + "}\n")
	}
	var b bytes.Buffer
	_ = pageTmpl.Execute(&b, pg)
	return "text/html; charset=utf-8", b.Bytes()
}
