package proxy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"testing"
)

// largeSize is the size of the large upload and download.
const largeSize = 64 << 20

// largeBody is a generated stream of n bytes (the pattern of
// patternBytes, repeated), hashed as it is read.
type largeBody struct {
	left int64
	off  int
	sum  hash.Hash
}

var largeBlock = patternBytes(1 << 20)

func newLargeBody(n int64) *largeBody { return &largeBody{left: n, sum: sha256.New()} }

func (b *largeBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(int64(len(p)), b.left)], largeBlock[b.off:])
	b.off = (b.off + n) % len(largeBlock)
	b.left -= int64(n)
	b.sum.Write(p[:n])
	return n, nil
}

func (b *largeBody) hex() string { return hex.EncodeToString(b.sum.Sum(nil)) }

// A 64 MiB upload, streamed by the client, reaches the origin intact, by
// Content-Length and chunked.
func TestWireLargeUpload(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)

		body := newLargeBody(largeSize)
		conn.send(t, fmt.Sprintf("PUT /big HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n", hostLine, largeSize))
		if _, err := io.Copy(conn, body); err != nil {
			t.Fatal(err)
		}
		if resp, got := conn.read(t, "PUT"); originSeq(resp) != 1 {
			t.Fatalf("status %d %q", resp.StatusCode, got)
		}
		if r := o.requests()[0]; r.BodyLen != largeSize || r.BodySHA != body.hex() {
			t.Fatalf("the origin got %d bytes, sha256 %s; want %d, %s", r.BodyLen, r.BodySHA, largeSize, body.hex())
		}

		// Chunked, in the chunks io.Copy makes of it.
		body = newLargeBody(largeSize / 8)
		conn.send(t, "PUT /big HTTP/1.1\r\n"+hostLine+"Transfer-Encoding: chunked\r\n\r\n")
		cw := &chunkWriter{w: conn}
		if _, err := io.Copy(cw, body); err != nil {
			t.Fatal(err)
		}
		conn.send(t, "0\r\n\r\n")
		if resp, got := conn.read(t, "PUT"); originSeq(resp) != 2 {
			t.Fatalf("chunked: status %d %q", resp.StatusCode, got)
		}
		if r := o.requests()[1]; r.BodyLen != largeSize/8 || r.BodySHA != body.hex() {
			t.Fatalf("chunked: the origin got %d bytes, sha256 %s", r.BodyLen, r.BodySHA)
		}
	})
}

// chunkWriter writes each Write as one chunk.
type chunkWriter struct{ w io.Writer }

func (c *chunkWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(c.w, "%x\r\n", len(p)); err != nil {
		return 0, err
	}
	if _, err := c.w.Write(p); err != nil {
		return 0, err
	}
	_, err := io.WriteString(c.w, "\r\n")
	return len(p), err
}

// A 64 MiB download reaches the client intact.
func TestWireLargeDownload(t *testing.T) {
	want := newLargeBody(largeSize)
	if _, err := io.Copy(io.Discard, want); err != nil {
		t.Fatal(err)
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, srv := startRawOrigin(t, &rawOrigin{respond: func(_ int, _ *seenRequest, c net.Conn) bool {
			body := newLargeBody(largeSize)
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", largeSize)
			_, err := io.Copy(c, body)
			return err == nil
		}})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		conn.send(t, get("/big"))
		resp, err := http.ReadResponse(conn.br, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, err := io.Copy(h, resp.Body)
		if err != nil || n != largeSize {
			t.Fatalf("read %d bytes: %v", n, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want.hex() {
			t.Fatalf("sha256 %s, the origin sent %s", got, want.hex())
		}
	})
}
