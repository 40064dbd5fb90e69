package proxy

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// errAfter is a client body that yields its text, then fails.
type errAfter struct {
	r   io.Reader
	err error
}

func (e *errAfter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}
func (e *errAfter) Close() error { return nil }

// The body that replaces the client's after inspection serves the prefix
// and then the rest unchanged, reports a read error met while reading the
// prefix after the prefix, and stops serving once the request is over.
func TestBodyPrefixIsForwardedThenReleased(t *testing.T) {
	long := strings.Repeat("a=1&", 20000) // 80,000 bytes: past the 64 KiB prefix
	for _, tc := range []struct {
		name    string
		body    io.ReadCloser
		length  int64
		want    string
		wantErr error
	}{
		{"short, with length", io.NopCloser(strings.NewReader("a=1&b=2")), 7, "a=1&b=2", nil},
		{"short, chunked", io.NopCloser(strings.NewReader("a=1&b=2")), -1, "a=1&b=2", nil},
		{"past the limit", io.NopCloser(strings.NewReader(long)), int64(len(long)), long, nil},
		{"shorter than its length", io.NopCloser(strings.NewReader("a=1")), 10, "a=1", io.ErrUnexpectedEOF},
		{"client fails", &errAfter{strings.NewReader("a=1"), errors.New("connection reset")}, -1, "a=1", errors.New("connection reset")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://x/", nil)
			r.Body, r.ContentLength = tc.body, tc.length
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			v := getView()
			v.readBody(r)
			if len(v.req.Body) > len(v.buf) || !strings.HasPrefix(tc.want, string(v.req.Body)) {
				t.Fatalf("inspected prefix of %d bytes", len(v.req.Body))
			}
			body := r.Body
			got, err := io.ReadAll(body)
			if string(got) != tc.want || (err == nil) != (tc.wantErr == nil) || err != nil && err.Error() != tc.wantErr.Error() {
				t.Fatalf("forwarded %d bytes, err %v; want %d bytes, err %v", len(got), err, len(tc.want), tc.wantErr)
			}
			v.release()
			if n, err := body.Read(make([]byte, 8)); n != 0 || err != errBodyReleased {
				t.Fatalf("read after release: %d, %v", n, err)
			}
		})
	}
}

// The view holds the path as sent, the query, each cookie and, without
// check_all_headers, only the headers the inspector reads then.
func TestViewOfARequest(t *testing.T) {
	r := httptest.NewRequest("GET", "http://x/a%2Fb/c?q=1&r=%27", nil)
	r.Header.Set("Cookie", "sid=abc; theme=dark;;  x=")
	r.Header.Set("User-Agent", "ua")
	r.Header.Set("Referer", "ref")
	r.TransferEncoding = []string{"chunked"}
	for _, all := range []bool{false, true} {
		v := getView()
		v.fill(r, all)
		if v.req.Path != "/a%2Fb/c" || v.req.RawQuery != "q=1&r=%27" || v.req.Method != http.MethodGet {
			t.Fatalf("view %+v", v.req)
		}
		if len(v.req.Cookies) != 3 || v.req.Cookies[0].Value != "abc" || v.req.Cookies[1].Name != "theme" || v.req.Cookies[2].Name != "x" {
			t.Fatalf("cookies %+v", v.req.Cookies)
		}
		names := map[string]bool{}
		for _, h := range v.req.Headers {
			names[h.Name] = true
		}
		if !names["User-Agent"] || !names["Transfer-Encoding"] || names["Referer"] != all || len(v.req.Headers) != 2+2*btoi(all) {
			t.Fatalf("all headers %v: %+v", all, v.req.Headers)
		}
		// Narrowed for basic web protection, only the first two remain.
		v.basicHeaders()
		if len(v.req.Headers) != 2 || v.req.Headers[0].Name != "User-Agent" || v.req.Headers[1].Name != "Transfer-Encoding" {
			t.Fatalf("all headers %v, narrowed: %+v", all, v.req.Headers)
		}
		v.release()
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
