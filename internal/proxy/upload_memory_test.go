package proxy_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// patternReader generates n bytes of a repeating clean pattern without
// holding them.
type patternReader struct {
	left int64
	off  int
}

const uploadPattern = "lorem ipsum dolor sit amet 0123456789 "

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		p[i] = uploadPattern[r.off]
		r.off = (r.off + 1) % len(uploadPattern)
	}
	r.left -= int64(len(p))
	return len(p), nil
}

// A 100 MB upload through a host with basic web protection in block mode
// reaches the origin whole while the heap grows by far less than the body:
// the data plane holds the inspected prefix, not the upload.
func TestLargeUploadThroughAProtectedHostKeepsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB upload")
	}
	e := newEnv(t)
	const name = "upload.example.com"
	h := e.host(t, name)
	e.eventually(t, "host routed", name, "192.0.2.1", 200)
	e.policy(t, h, &waf.PolicyUpdate{Action: ptr("block")}, name, sqliQuery, 418)

	const size = 100 << 20
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	for _, ctype := range []string{"application/octet-stream", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"} {
		req, err := http.NewRequestWithContext(context.Background(), "POST", e.srv.URL+"/upload", &patternReader{left: size})
		if err != nil {
			t.Fatal(err)
		}
		req.Host = name
		req.ContentLength = size
		req.Header.Set("Content-Type", ctype)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Body-Len") != strconv.Itoa(size) {
			t.Fatalf("%s upload: status %d, origin got %s bytes", ctype, resp.StatusCode, resp.Header.Get("X-Body-Len"))
		}
	}
	close(stop)
	<-sampled
	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use: %.1f MiB before, %.1f MiB at the peak (3 uploads of 100 MiB)", float64(base.HeapInuse)/(1<<20), float64(peak.Load())/(1<<20))
	if growth > 32<<20 {
		t.Fatalf("heap grew by %.1f MiB during 100 MiB uploads, want < 32 MiB", float64(growth)/(1<<20))
	}
}
