package console_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/console"
)

func get(t *testing.T, h http.Handler, method, path, acceptEncoding string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func handler(t *testing.T) *console.Handler {
	t.Helper()
	h, err := console.NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The page, its files and its application paths are served with the
// security headers; unknown files and /console/api/ paths are 404.
func TestHandlerServesFiles(t *testing.T) {
	h := handler(t)
	for _, tc := range []struct {
		path, wantType string
		wantStatus     int
		wantBody       string
	}{
		{"/console/", "text/html; charset=utf-8", 200, `<script type="module" src="/console/js/app.js">`},
		{"/console/index.html", "text/html; charset=utf-8", 200, "<title>Rampart console</title>"},
		{"/console/events", "text/html; charset=utf-8", 200, "<title>Rampart console</title>"},
		{"/console/js/app.js", "text/javascript; charset=utf-8", 200, "import { api }"},
		{"/console/console.css", "text/css; charset=utf-8", 200, ":root"},
		{"/console/vendor/chartjs/chart.umd.min.js", "text/javascript; charset=utf-8", 200, "Chart.js v4"},
		{"/console/missing.js", "text/plain; charset=utf-8", 404, "404"},
		{"/console/api/other", "text/plain; charset=utf-8", 404, "404"},
	} {
		res := get(t, h, "GET", tc.path, "")
		if res.StatusCode != tc.wantStatus || res.Header.Get("Content-Type") != tc.wantType {
			t.Errorf("%s: %d %q, want %d %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), tc.wantStatus, tc.wantType)
		}
		if b := body(t, res); !strings.Contains(b, tc.wantBody) {
			t.Errorf("%s: body lacks %q", tc.path, tc.wantBody)
		}
		if res.Header.Get("Content-Security-Policy") != console.SecurityPolicy || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
			res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers %v", tc.path, res.Header)
		}
	}
	if res := get(t, h, "HEAD", "/console/", ""); res.StatusCode != 200 || body(t, res) != "" || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
}

// A client that accepts gzip gets the compressed file, which decompresses
// to the same bytes; one that refuses it (q=0) or does not ask gets it
// plain.
func TestHandlerCompresses(t *testing.T) {
	h := handler(t)
	plain := body(t, get(t, h, "GET", "/console/vendor/chartjs/chart.umd.min.js", ""))
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true}, {"br, gzip;q=0.5", true}, {"GZIP", true}, {"gzip;q=0", false}, {"gzip; q=0.0", false},
		{"br", false}, {"", false}, {"identity", false},
	} {
		res := get(t, h, "GET", "/console/vendor/chartjs/chart.umd.min.js", tc.accept)
		if got := res.Header.Get("Content-Encoding") == "gzip"; got != tc.gzip {
			t.Errorf("Accept-Encoding %q: gzip=%v, want %v", tc.accept, got, tc.gzip)
		}
		if b := body(t, res); b != plain {
			t.Errorf("Accept-Encoding %q: the body differs from the plain file", tc.accept)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary", tc.accept)
		}
	}
}

// The console weighs at most 300 KB compressed: every file a page loads
// (the page, its style sheet, its scripts and the chart library).
func TestPageWeight(t *testing.T) {
	h := handler(t)
	total := 0
	for _, name := range h.Files() {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".css") && !strings.HasSuffix(name, ".js") {
			continue
		}
		res := get(t, h, "GET", console.Prefix+name, "gzip")
		b, _ := io.ReadAll(res.Body)
		total += len(b)
	}
	t.Logf("the console weighs %d bytes compressed", total)
	if total > 300_000 {
		t.Errorf("the console weighs %d bytes compressed, more than 300 KB", total)
	}
}

// The page and its scripts name no other site: every script, style and
// call is Rampart's own (the browser test checks the requests made).
func TestNoExternalReferences(t *testing.T) {
	h := handler(t)
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|fetch\(\s*["'\x60]https?:|import\s.*from\s+["']https?:`)
	for _, name := range h.Files() {
		if strings.HasPrefix(name, "vendor/") || !(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".css")) {
			continue
		}
		if m := external.FindString(body(t, get(t, h, "GET", console.Prefix+name, ""))); m != "" {
			t.Errorf("%s refers to another site: %q", name, m)
		}
	}
}
