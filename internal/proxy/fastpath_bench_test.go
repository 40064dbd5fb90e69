package proxy

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/valyala/fasthttp"
)

// The HTTP/1.1 data plane's cost per proxied GET over loopback, in one
// process: a client on one kept-alive connection, the proxy's server and
// upstream client, and a fasthttp origin answering 200 "hello". Besides
// time and allocations it reports what the proxy does on the client's
// connection per request: reads, writes and deadline changes (each a
// change of the runtime's timers); those do not depend on the machine's
// load.
//
//	go test -run '^$' -bench 'BenchmarkFastPath' -benchtime 20000x -count 3 ./internal/proxy
func BenchmarkFastPath(b *testing.B) {
	origin := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/plain")
		ctx.SetBodyString("hello")
	}}
	oln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = origin.Serve(oln) }()
	defer origin.Shutdown()

	st := &fakeStore{}
	st.set(newHost("p1", "www.example.com", 1, serverOf(b, oln.Addr().String(), 1)))
	dec := &fakeDecider{byIP: map[netip.Addr]decision.Decision{}}
	p := New(Config{ClientTimeout: time.Minute, UpstreamTimeout: time.Minute},
		Deps{Hosts: st, Revisions: st, Decisions: fakeSource{dec}, Events: &fakeSink{}})
	if _, err := p.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	counted := &countingListener{Listener: ln}
	srv := p.NewServer(ServerConfig{})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(counted) }()
	defer func() { _ = srv.Close(); <-done; p.Close() }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /search?q=shoes HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	br := bufio.NewReaderSize(c, 4096)
	get := func() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		if err := readAnswer(br); err != nil {
			b.Fatal(err)
		}
	}
	get() // the upstream connection is dialled outside the measure
	cc := counted.last.Load()
	base := cc.counts()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		get()
	}
	b.StopTimer()
	n := float64(b.N)
	now := cc.counts()
	b.ReportMetric(float64(now.reads-base.reads)/n, "client-reads/op")
	b.ReportMetric(float64(now.writes-base.writes)/n, "client-writes/op")
	b.ReportMetric(float64(now.deadlines-base.deadlines)/n, "client-deadline-changes/op")
}

// readAnswer reads one answer with a Content-Length body from br and
// checks its status is 200.
func readAnswer(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(line), "HTTP/1.1 200 ") {
		return &answerError{string(line)}
	}
	length := 0
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := strings.Cut(string(line), ":"); ok && strings.EqualFold(k, "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	_, err = br.Discard(length)
	return err
}

type answerError struct{ line string }

func (e *answerError) Error() string { return "answer: " + e.line }

// countingListener counts, on each connection it accepts, the calls that
// reach the connection.
type countingListener struct {
	net.Listener
	last atomic.Pointer[countingConn]
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &countingConn{Conn: c}
	l.last.Store(cc)
	return cc, nil
}

// countingConn counts its reads, writes and deadline changes.
type countingConn struct {
	net.Conn
	reads, writes, deadlines atomic.Int64
}

type connCounts struct{ reads, writes, deadlines int64 }

func (c *countingConn) counts() connCounts {
	return connCounts{c.reads.Load(), c.writes.Load(), c.deadlines.Load()}
}

func (c *countingConn) Read(b []byte) (int, error) {
	c.reads.Add(1)
	return c.Conn.Read(b)
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

func (c *countingConn) SetDeadline(t time.Time) error {
	c.deadlines.Add(1)
	return c.Conn.SetDeadline(t)
}

func (c *countingConn) SetReadDeadline(t time.Time) error {
	c.deadlines.Add(1)
	return c.Conn.SetReadDeadline(t)
}

func (c *countingConn) SetWriteDeadline(t time.Time) error {
	c.deadlines.Add(1)
	return c.Conn.SetWriteDeadline(t)
}
