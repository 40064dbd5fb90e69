package proxy

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// answerEmpty answers 200 with X-Origin-Seq and no body, so that a client
// reading with any method frames the answer the same way.
func answerEmpty(n int, r *seenRequest, c net.Conn) bool {
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Origin-Seq: %d\r\nX-Seen: %s %d\r\nContent-Length: 0\r\n\r\n", n, r.Method, r.BodyLen)
	return true
}

// Arbitrary bytes, then a closing request, sent to the data plane on one
// connection: every request the origin receives whole is one whose
// answer the client got, in order, and the origin never receives bytes
// that are not a request. Seeded with the smuggling corpus.
func FuzzWireFraming(f *testing.F) {
	for _, c := range smugglingCorpus {
		if len(c.raw) <= 4<<10 {
			f.Add([]byte(c.raw))
		}
	}
	f.Add([]byte("HEAD / HTTP/1.1\r\n" + hostLine + "\r\n" + get("/2")))
	f.Add([]byte("POST / HTTP/1.1\r\n" + hostLine + "Expect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte("POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 100\r\n\r\nshort"))
	const stall = 300 * time.Millisecond
	f.Fuzz(func(t *testing.T, raw []byte) {
		o, srv := startRawOrigin(t, &rawOrigin{respond: answerEmpty})
		st := &fakeStore{}
		st.set(newHost("p1", wireHost, 1, srv))
		tp := startProxyWith(t, st, Config{ClientTimeout: stall, UpstreamTimeout: 2 * time.Second}, false, nil,
			ServerConfig{ReadHeaderTimeout: stall, IdleTimeout: stall})
		conn := tp.open(t)
		go func() {
			if _, err := conn.Write(raw); err == nil {
				_, _ = conn.Write([]byte("GET /closing HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"))
			}
		}()
		var seqs []int
		for {
			resp, _, err := conn.tryRead("GET")
			if err != nil {
				if !isConnEnd(err) {
					t.Fatalf("after %d answers: %v (the data plane neither answered nor closed)", len(seqs), err)
				}
				break
			}
			if n := originSeq(resp); n > 0 {
				seqs = append(seqs, n)
			}
		}
		conn.Close()
		tp.p.Close()
		if !o.settle() {
			t.Fatal("a connection to the origin stayed open")
		}
		complete, bad, _ := o.counts()
		if len(bad) > 0 {
			t.Fatalf("the origin received bytes that are not a request: %v", bad)
		}
		if complete != len(seqs) {
			t.Fatalf("the origin received %d whole requests, the client got %d of their answers: %v", complete, len(seqs), seqs)
		}
		for i, n := range seqs {
			if n != i+1 {
				t.Fatalf("the origin's answers reached the client out of order: %v", seqs)
			}
		}
	})
}
