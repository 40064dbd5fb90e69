package proxy

import (
	"net/netip"
	"testing"
)

// X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host as
// docs/compatibility.md states them: a client's own are replaced unless
// its peer is a trusted proxy; underscore spellings are dropped.
func TestWireForwardedHeaders(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cases := []struct {
		name    string
		trusted []netip.Prefix
		headers string
		// want: header → value at the origin; "proto" stands for the
		// listener's scheme.
		want map[string]string
		gone []string
	}{
		{name: "untrusted peer: spoofing ignored",
			headers: "X-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\n",
			want:    map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "127.0.0.1", "X-Forwarded-Proto": "proto", "X-Forwarded-Host": wireHost}},
		{name: "untrusted peer: underscore spellings dropped",
			headers: "X_Forwarded_For: 203.0.113.9\r\nx_real_ip: 203.0.113.9\r\nX_Other: kept\r\n",
			want:    map[string]string{"X-Forwarded-For": "127.0.0.1", "X_Other": "kept"}, gone: []string{"X_Forwarded_For", "X_real_ip"}},
		{name: "trusted peer: its list is extended", trusted: loopback,
			headers: "X-Forwarded-For: 203.0.113.9, 198.51.100.1\r\nX-Forwarded-Proto: https\r\n",
			want: map[string]string{"X-Forwarded-For": "203.0.113.9, 198.51.100.1, 127.0.0.1", "X-Real-Ip": "198.51.100.1",
				"X-Forwarded-Proto": "https", "X-Forwarded-Host": wireHost}},
		{name: "trusted peer: two X-Forwarded-For lines joined", trusted: loopback,
			headers: "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-For: 198.51.100.1\r\n",
			want:    map[string]string{"X-Forwarded-For": "203.0.113.9, 198.51.100.1, 127.0.0.1", "X-Real-Ip": "198.51.100.1"}},
		{name: "trusted peer: X-Real-IP names the client without X-Forwarded-For", trusted: loopback,
			headers: "X-Real-IP: 198.51.100.7\r\n",
			want:    map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "198.51.100.7"}},
		{name: "trusted peer: a scheme other than http or https ignored", trusted: loopback,
			headers: "X-Forwarded-Proto: javascript\r\n",
			want:    map[string]string{"X-Forwarded-Proto": "proto"}},
		{name: "trusted peer: X-Forwarded-Host is still the request's host", trusted: loopback,
			headers: "X-Forwarded-Host: evil.test\r\n",
			want:    map[string]string{"X-Forwarded-Host": wireHost}},
		{name: "peer outside the trusted list", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			headers: "X-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 203.0.113.9\r\n",
			want:    map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "127.0.0.1"}},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		proto := "http"
		if tlsOn {
			proto = "https"
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o, srv := startRawOrigin(t, &rawOrigin{})
				tp := wireProxy(t, tlsOn, Config{TrustedProxies: c.trusted}, srv)
				conn := tp.open(t)
				conn.send(t, "GET / HTTP/1.1\r\n"+hostLine+c.headers+"\r\n")
				if resp, _ := conn.read(t, "GET"); originSeq(resp) != 1 {
					t.Fatalf("status %d, not answered by the origin", resp.StatusCode)
				}
				got := o.requests()[0].Header
				for k, v := range c.want {
					if v == "proto" {
						v = proto
					}
					if vs := got.Values(k); len(vs) != 1 || vs[0] != v {
						t.Errorf("the origin got %s %q, want %q", k, vs, v)
					}
				}
				for _, k := range c.gone {
					if v := got.Values(k); len(v) > 0 {
						t.Errorf("%s reached the origin: %q", k, v)
					}
				}
			})
		}
	})
}
