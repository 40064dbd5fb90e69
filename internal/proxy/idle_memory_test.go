package proxy

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"testing"
)

// An idle kept-alive HTTP/1.1 connection holds its read buffer (the head
// limit, 32 KiB) and little else: 1,000 of them cost well under 64 KiB
// each, client side included (a 64 KiB read buffer made it 87 KiB).
func TestIdleConnectionMemory(t *testing.T) {
	_, srv := upstreamServer(t, "a")
	st := &fakeStore{}
	st.set(newHost("p1", "www.test", 1, srv))
	tp := startProxy(t, st, Config{}, false, nil)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 1000
	conns := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", tp.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: www.test\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conns = append(conns, c)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapInuse) - int64(before.HeapInuse)) / n
	t.Logf("per idle connection: heap in use %d B", per)
	if per > 60<<10 {
		t.Errorf("an idle connection holds %d B of heap, want at most 60 KiB", per)
	}
	for _, c := range conns {
		c.Close()
	}
}
