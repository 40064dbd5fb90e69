package proxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// patternBytes returns n bytes of a repeating, position-dependent pattern.
func patternBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// chunked encodes body in chunks of the sizes given (the last size
// repeats), each chunk line carrying ext, followed by trailer lines.
func chunked(body []byte, sizes []int, ext, trailer string) string {
	var sb strings.Builder
	for i := 0; len(body) > 0; i++ {
		n := min(sizes[min(i, len(sizes)-1)], len(body))
		fmt.Fprintf(&sb, "%x%s\r\n", n, ext)
		sb.Write(body[:n])
		sb.WriteString("\r\n")
		body = body[n:]
	}
	return sb.String() + "0\r\n" + trailer + "\r\n"
}

// Chunked request bodies of several chunk sizes, with chunk extensions
// and with trailers, reach the origin intact.
func TestWireChunkedRequestBodies(t *testing.T) {
	cases := []struct {
		name    string
		size    int
		chunks  []int
		ext     string
		trailer string
	}{
		{name: "one byte chunks", size: 300, chunks: []int{1}},
		{name: "mixed chunk sizes", size: 100_000, chunks: []int{1, 10, 4096, 65536, 7}},
		{name: "one large chunk", size: 1 << 20, chunks: []int{1 << 20}},
		{name: "chunk extensions", size: 5000, chunks: []int{1000}, ext: ";name=value;flag"},
		{name: "quoted chunk extension", size: 100, chunks: []int{30}, ext: `;q="a b"`},
		{name: "empty body", size: 0, chunks: []int{1}},
		{name: "request trailers", size: 2000, chunks: []int{500}, trailer: "X-Checksum: abc123\r\nX-Other: 2\r\n"},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		for i, c := range cases {
			body := patternBytes(c.size)
			sum := sha256.Sum256(body)
			declare := ""
			if c.trailer != "" {
				declare = "Trailer: X-Checksum, X-Other\r\n"
			}
			conn.send(t, "POST /up HTTP/1.1\r\n"+hostLine+"Transfer-Encoding: chunked\r\n"+declare+"\r\n"+chunked(body, c.chunks, c.ext, c.trailer))
			if resp, got := conn.read(t, "POST"); originSeq(resp) != i+1 {
				t.Fatalf("%s: status %d %q", c.name, resp.StatusCode, got)
			}
			r := o.requests()[i]
			if r.BodyLen != int64(c.size) || r.BodySHA != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: the origin got %d bytes (sha256 %s), want %d", c.name, r.BodyLen, r.BodySHA, c.size)
			}
			if c.trailer != "" && (r.Trailer.Get("X-Checksum") != "abc123" || r.Trailer.Get("X-Other") != "2") {
				t.Errorf("%s: the origin got trailers %v", c.name, r.Trailer)
			}
		}
	})
}

// A chunked response, with the trailers its origin declares, reaches the
// client: body intact, trailers after it.
func TestWireChunkedResponseAndTrailers(t *testing.T) {
	body := patternBytes(70_000)
	sum := sha256.Sum256(body)
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, srv := startRawOrigin(t, &rawOrigin{respond: func(_ int, r *seenRequest, c net.Conn) bool {
			trailer := ""
			head := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			if r.URI == "/trailers" {
				head += "Trailer: X-Sum, X-Count\r\n"
				trailer = "X-Sum: " + hex.EncodeToString(sum[:]) + "\r\nX-Count: 3\r\n"
			}
			_, _ = io.WriteString(c, head+"\r\n"+chunked(body, []int{3, 8000, 1, 4093, 65536}, "", trailer))
			return true
		}})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		for _, path := range []string{"/plain", "/trailers"} {
			conn.send(t, get(path))
			resp, got := conn.read(t, "GET")
			if resp.StatusCode != 200 || !bytes.Equal(got, body) {
				t.Fatalf("%s: status %d, %d body bytes, want %d", path, resp.StatusCode, len(got), len(body))
			}
			if path == "/trailers" && (resp.Trailer.Get("X-Sum") != hex.EncodeToString(sum[:]) || resp.Trailer.Get("X-Count") != "3") {
				t.Fatalf("trailers: %v", resp.Trailer)
			}
		}
	})
}

// HEAD, 204 and 304 answers carry no body, whatever length the origin
// declares; the connection then serves the next request.
func TestWireAnswersWithoutBody(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, srv := startRawOrigin(t, &rawOrigin{respond: func(n int, r *seenRequest, c net.Conn) bool {
			switch r.URI {
			case "/head":
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Origin-Seq: %d\r\nContent-Length: 5000\r\n\r\n", n)
			case "/204":
				fmt.Fprintf(c, "HTTP/1.1 204 No Content\r\nX-Origin-Seq: %d\r\n\r\n", n)
			case "/304":
				fmt.Fprintf(c, "HTTP/1.1 304 Not Modified\r\nX-Origin-Seq: %d\r\nETag: \"x\"\r\nContent-Length: 1234\r\n\r\n", n)
			default:
				return answerSeen(n, r, c)
			}
			return true
		}})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		for _, c := range []struct{ method, path string }{{"HEAD", "/head"}, {"GET", "/204"}, {"GET", "/304"}} {
			conn.send(t, c.method+" "+c.path+" HTTP/1.1\r\n"+hostLine+"\r\n")
			resp, body := conn.read(t, c.method)
			if originSeq(resp) == 0 || len(body) != 0 {
				t.Fatalf("%s %s: status %d, body %q", c.method, c.path, resp.StatusCode, body)
			}
			// Had the data plane sent body bytes, they would stand
			// where the next answer's status line must be.
			conn.send(t, get("/after"))
			if resp, body := conn.read(t, "GET"); string(body) != "seen GET /after 0" {
				t.Fatalf("after %s %s: status %d %q", c.method, c.path, resp.StatusCode, body)
			}
		}
	})
}

// An origin that sends fewer bytes than its Content-Length and closes
// makes the data plane close the client connection: the client sees the
// body cut short, never a hang or a longer body.
func TestWireShortOriginBody(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, srv := startRawOrigin(t, &rawOrigin{respond: func(_ int, _ *seenRequest, c net.Conn) bool {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
			return false
		}})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		conn.send(t, get("/"))
		resp, body, err := conn.tryRead("GET")
		switch {
		case err == nil && resp.ContentLength == 100:
			t.Fatalf("a 100-byte answer read whole: %q", body)
		case err == nil && resp.ContentLength < 0:
			// Chunked or close-delimited: the body must not end
			// cleanly as if it were whole.
			t.Fatalf("the cut-off body ended cleanly: %q", body)
		case err == nil:
			t.Fatalf("status %d, length %d, %q", resp.StatusCode, resp.ContentLength, body)
		case !isConnEnd(err):
			t.Fatalf("reading the answer: %v (the data plane did not close the connection)", err)
		}
		if !conn.closed(t) {
			t.Fatal("the client connection stayed open")
		}
	})
}
