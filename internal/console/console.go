// Package console holds the web console's static files (HTML, CSS,
// JavaScript and the vendored chart library), embedded in the binary, and
// serves them. The console is a page that calls the public APIs; it has no
// API of its own, so this package holds no business rules and imports no
// other package of Rampart. The chart library under static/vendor/ is the
// npm registry's published file, fetched by scripts/console-vendor.sh.
package console

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Prefix is the URL path the console is served under.
const Prefix = "/console/"

//go:embed static
var files embed.FS

// SecurityPolicy is the Content-Security-Policy of every console answer:
// scripts, styles, images and API calls only from Rampart itself, and no
// framing by other sites.
const SecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// asset is one static file, prepared once: its bytes, their gzip form when
// smaller, and its content type.
type asset struct {
	raw, gz     []byte
	contentType string
}

// Handler serves the console's files under Prefix. A path without a file
// (a page of the single-page application) is answered with index.html.
type Handler struct {
	assets map[string]*asset
}

// NewHandler prepares every embedded file.
func NewHandler() (*Handler, error) {
	h := &Handler{assets: map[string]*asset{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		a := &asset{raw: raw, contentType: mime.TypeByExtension(path.Ext(p))}
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(raw)
		if err := zw.Close(); err != nil {
			return err
		}
		if b.Len() < len(raw) {
			a.gz = b.Bytes()
		}
		h.assets[strings.TrimPrefix(p, "static/")] = a
		return nil
	})
	return h, err
}

// Files lists the served files by their path under Prefix.
func (h *Handler) Files() []string {
	out := make([]string, 0, len(h.assets))
	for name := range h.assets {
		out = append(out, name)
	}
	return out
}

// ServeHTTP answers GET and HEAD for the console's files.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", SecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	if name == "" {
		name = "index.html"
	}
	a, ok := h.assets[name]
	if !ok && !strings.HasPrefix(name, "api/") && !strings.Contains(path.Base(name), ".") { // an application page
		name, a, ok = "index.html", h.assets["index.html"], true
	}
	if !ok || a == nil {
		hdr.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("404 page not found\n"))
		return
	}
	// The page is never cached, so a new release is picked up at once; the
	// files it loads are small and revalidated too.
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Type", a.contentType)
	hdr.Add("Vary", "Accept-Encoding")
	body := a.raw
	if a.gz != nil && acceptsGzip(r) {
		hdr.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}
