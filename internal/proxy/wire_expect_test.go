package proxy

import (
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
)

// "Expect: 100-continue": the client gets "100 Continue" before it sends
// the body, then the origin's answer to the whole request.
func TestWireExpectContinue(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		body := string(patternBytes(10_000))
		for i := 1; i <= 2; i++ { // twice: the connection stays usable
			conn.send(t, "POST /e HTTP/1.1\r\n"+hostLine+"Expect: 100-continue\r\nContent-Length: 10000\r\n\r\n")
			resp, _ := conn.read(t, "POST")
			if resp.StatusCode != 100 {
				t.Fatalf("before the body: status %d, want 100", resp.StatusCode)
			}
			conn.send(t, body)
			for resp.StatusCode == 100 { // a relayed 100 may follow the data plane's own
				resp, _ = conn.read(t, "POST")
			}
			if originSeq(resp) != i {
				t.Fatalf("status %d, not the origin's answer %d", resp.StatusCode, i)
			}
			if r := o.requests()[i-1]; r.BodyLen != 10_000 || string(r.Body) != body {
				t.Fatalf("the origin got %d body bytes", r.BodyLen)
			}
		}
	})
}

// A request blocked by an address rule gets the block page at once: no
// "100 Continue", no body needed, nothing reaches the origin.
func TestWireExpectContinueBlocked(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		tp.dec.byIP[netip.MustParseAddr("127.0.0.1")] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleEmergency}
		conn := tp.open(t)
		conn.send(t, "POST /e HTTP/1.1\r\n"+hostLine+"Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
		resp, body := conn.read(t, "POST")
		if resp.StatusCode != 418 || originSeq(resp) != 0 {
			t.Fatalf("status %d, %q; want the block page", resp.StatusCode, body)
		}
		if n := len(o.requests()); n != 0 || o.accepted() != 0 {
			t.Fatalf("the origin got %d requests on %d connections", n, o.accepted())
		}
	})
}
