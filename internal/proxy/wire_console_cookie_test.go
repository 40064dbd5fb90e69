package proxy

import (
	"net/http"
	"slices"
	"testing"
)

// The web console's session cookie never reaches an origin (a browser sends
// it to every port of the console's host name); the site's own cookies do,
// in their order.
func TestWireConsoleCookieRemoved(t *testing.T) {
	cases := []struct {
		name, headers string
		want          []string // the origin's Cookie lines
	}{
		{"among others", "Cookie: a=1; rampart_console=tok; b=2\r\n", []string{"a=1; b=2"}},
		{"alone", "Cookie: rampart_console=tok\r\n", nil},
		{"on a second line", "Cookie: a=1\r\nCookie: rampart_console=tok\r\n", []string{"a=1"}},
		{"a look-alike name is kept", "Cookie: my_rampart_console=x; rampart_console_x=y\r\n",
			[]string{"my_rampart_console=x; rampart_console_x=y"}},
		{"no cookie", "", nil},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o, srv := startRawOrigin(t, &rawOrigin{})
				tp := wireProxy(t, tlsOn, Config{}, srv)
				conn := tp.open(t)
				conn.send(t, "GET / HTTP/1.1\r\n"+hostLine+c.headers+"\r\n")
				if resp, _ := conn.read(t, "GET"); originSeq(resp) != 1 {
					t.Fatalf("status %d, not answered by the origin", resp.StatusCode)
				}
				got := o.requests()[0].Header.Values("Cookie")
				if joined := cookiePairs(got); !slices.Equal(joined, cookiePairs(c.want)) {
					t.Errorf("the origin got Cookie %q, want %q", got, c.want)
				}
			})
		}
	})
}

// cookiePairs reads Cookie lines as their name=value pairs in order, so a
// proxy that joins two lines into one is judged on what the origin reads.
func cookiePairs(lines []string) []string {
	var pairs []string
	for _, c := range (&http.Request{Header: http.Header{"Cookie": lines}}).Cookies() {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	return pairs
}

// The net/http path (HTTP/2 clients) removes the cookie the same way.
func TestDropConsoleCookie(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"a=1; rampart_console=tok; b=2"}, []string{"a=1; b=2"}},
		{[]string{"rampart_console=tok"}, nil},
		{[]string{"a=1", "rampart_console=tok"}, []string{"a=1"}},
		{[]string{"my_rampart_console=x"}, []string{"my_rampart_console=x"}},
		{[]string{" rampart_console=tok ;b=2"}, []string{"b=2"}},
	}
	for _, c := range cases {
		h := http.Header{"Cookie": slices.Clone(c.in)}
		dropConsoleCookie(h)
		if got := h["Cookie"]; !slices.Equal(got, c.want) {
			t.Errorf("dropConsoleCookie(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
