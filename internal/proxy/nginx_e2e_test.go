package proxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// nginxOrigin is a real nginx (Debian package nginx) serving a directory
// and accepting WebDAV PUTs under /dav/, started by the test.
type nginxOrigin struct {
	dir    string // its prefix: configuration, logs, temp paths, pid
	root   string // the document root
	server waf.Server
}

// startNginx starts nginx from a configuration written to a temporary
// directory, or skips the test when nginx is missing or cannot start.
func startNginx(t *testing.T) *nginxOrigin {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx not installed: the Debian package nginx provides it (scripts/test.sh installs it as root)")
		}
		bin = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	n := &nginxOrigin{dir: dir, root: filepath.Join(dir, "www")}
	for _, d := range []string{n.root, filepath.Join(n.root, "dav"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	user := "" // as root, the workers would otherwise run as nobody, who cannot read the temporary directory
	if os.Geteuid() == 0 {
		user = "user root root;"
	}
	tmp := filepath.Join(dir, "tmp")
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 256; }
http {
	log_format conn '$connection $connection_requests $request_method $uri $status';
	access_log %[2]s/access.log conn;
	client_body_temp_path %[3]s/body;
	proxy_temp_path %[3]s/proxy;
	fastcgi_temp_path %[3]s/fastcgi;
	uwsgi_temp_path %[3]s/uwsgi;
	scgi_temp_path %[3]s/scgi;
	keepalive_timeout 60s;
	keepalive_requests 1000;
	types { text/html html; application/octet-stream bin; }
	server {
		listen %[4]s;
		root %[5]s;
		client_max_body_size 256m;
		location /dav/ {
			dav_methods PUT DELETE;
			create_full_put_path on;
			dav_access user:rw group:r all:r;
		}
	}
}
`, user, dir, tmp, addr, n.root)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Skipf("nginx cannot start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // fast shutdown
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(wireTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Skipf("nginx cannot start: %v: %s %s", err, out.String(), log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	n.server = serverOf(t, addr, 1)
	return n
}

// connectionRequests returns, from nginx's access log, the most requests
// nginx served on one connection.
func (n *nginxOrigin) connectionRequests(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(n.dir, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			if k, _ := strconv.Atoi(f[1]); k > most {
				most = k
			}
		}
	}
	return most
}

// The data plane in front of a real nginx: a static file and a large one
// downloaded intact, a WebDAV upload read back, and connections kept
// alive on both sides.
func TestNginxOrigin(t *testing.T) {
	n := startNginx(t)
	index := []byte("<!DOCTYPE html><title>nginx origin</title>\n")
	if err := os.WriteFile(filepath.Join(n.root, "index.html"), index, 0o644); err != nil {
		t.Fatal(err)
	}
	large := newLargeBody(16 << 20)
	f, err := os.Create(filepath.Join(n.root, "large.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, large); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	eachWire(t, func(t *testing.T, tlsOn bool) {
		tp := wireProxy(t, tlsOn, Config{}, n.server)
		conn := tp.open(t) // every request below on this one client connection

		conn.send(t, get("/index.html"))
		resp, body := conn.read(t, "GET")
		if resp.StatusCode != 200 || !bytes.Equal(body, index) || !strings.HasPrefix(resp.Header.Get("Server"), "nginx") {
			t.Fatalf("index: %d %q, Server %q", resp.StatusCode, body, resp.Header.Get("Server"))
		}

		conn.send(t, get("/large.bin"))
		resp, body = conn.read(t, "GET")
		if sum := sha256.Sum256(body); resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != large.hex() {
			t.Fatalf("large file: %d, %d bytes", resp.StatusCode, len(body))
		}

		upload := patternBytes(8 << 20)
		name := "/dav/up-" + strconv.FormatBool(tlsOn) + ".bin"
		conn.send(t, fmt.Sprintf("PUT %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n", name, hostLine, len(upload)))
		if _, err := conn.Write(upload); err != nil {
			t.Fatal(err)
		}
		if resp, body := conn.read(t, "PUT"); resp.StatusCode != 201 && resp.StatusCode != 204 {
			t.Fatalf("PUT: %d %q", resp.StatusCode, body)
		}
		onDisk, err := os.ReadFile(filepath.Join(n.root, name))
		if err != nil || !bytes.Equal(onDisk, upload) {
			t.Fatalf("the uploaded file on nginx's disk: %d bytes, %v", len(onDisk), err)
		}
		conn.send(t, get(name))
		if resp, body := conn.read(t, "GET"); resp.StatusCode != 200 || !bytes.Equal(body, upload) {
			t.Fatalf("reading the upload back: %d, %d bytes", resp.StatusCode, len(body))
		}

		conn.send(t, "HEAD /large.bin HTTP/1.1\r\n"+hostLine+"\r\n")
		if resp, body := conn.read(t, "HEAD"); resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 16<<20 {
			t.Fatalf("HEAD: %d, length %d, %d body bytes", resp.StatusCode, resp.ContentLength, len(body))
		}
		conn.send(t, get("/missing"))
		if resp, _ := conn.read(t, "GET"); resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Server"), "nginx") {
			t.Fatalf("missing file: %d, Server %q", resp.StatusCode, resp.Header.Get("Server"))
		}
		if k := n.connectionRequests(t); k < 2 {
			t.Fatalf("nginx served at most %d request per connection: the data plane does not keep its connections alive", k)
		}
	})
}
