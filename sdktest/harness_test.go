package sdktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rampartBin is the server binary under test, set by TestMain.
var rampartBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if bin := os.Getenv("RAMPART_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "sdktest: RAMPART_BIN: %v\n", err)
			return 1
		}
		rampartBin = abs
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "rampart-sdktest-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "sdktest: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	rampartBin = filepath.Join(dir, "rampart")
	build := exec.Command("go", "build", "-o", rampartBin, "./cmd/rampart")
	build.Dir = ".." // the repository root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "sdktest: go build ./cmd/rampart: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// Server is a running "rampart serve" process with the bootstrap identity it
// was started with.
type Server struct {
	URL         string // http://127.0.0.1:PORT
	Account     string // account (domain) name
	User        string // bootstrap IAM user name
	Password    string // its password
	AccessKey   string
	SecretKey   string
	ProjectID   string
	ProjectName string
	DataDir     string

	cfg    serverConfig
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // the process's exit error, valid after done
	stdout *logBuffer
	stderr *logBuffer
}

// ServerOption changes how StartServer runs the server.
type ServerOption func(*serverConfig)

type serverConfig struct {
	args []string
	env  []string
}

// WithArgs appends command-line arguments to "rampart serve".
func WithArgs(args ...string) ServerOption {
	return func(c *serverConfig) { c.args = append(c.args, args...) }
}

// WithEnv adds environment variables ("KEY=value") to the server's
// environment; they override the defaults StartServer sets.
func WithEnv(kv ...string) ServerOption {
	return func(c *serverConfig) { c.env = append(c.env, kv...) }
}

// WithTokenTTL sets the lifetime of issued IAM tokens (--token-ttl).
func WithTokenTTL(d time.Duration) ServerOption {
	return WithArgs("--token-ttl", d.String())
}

const (
	testAccount     = "sdktest"
	testProjectName = "sdk-region"
	readyTimeout    = 30 * time.Second
	stopTimeout     = 20 * time.Second
)

// StartServer starts "rampart serve" on a free loopback port with a fresh
// data directory and random bootstrap credentials, waits until GET /readyz
// answers 200 and stops the server with SIGTERM when the test ends.
func StartServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	var cfg serverConfig
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		Account:     testAccount,
		User:        "admin",
		Password:    "Sdk-" + randomString(t, 20, alnum) + "-9z",
		AccessKey:   randomString(t, 20, upperAlnum),
		SecretKey:   randomString(t, 40, alnum),
		ProjectID:   randomString(t, 32, lowerHex),
		ProjectName: testProjectName,
		DataDir:     t.TempDir(),
	}
	s.cfg = cfg
	// The free port is found by binding and releasing it, so another process
	// can grab it in between: retry a start that fails to bind.
	for attempt := 1; ; attempt++ {
		err := s.start(t, cfg)
		if err == nil {
			break
		}
		if attempt < 3 && strings.Contains(s.stderr.String()+s.stdout.String(), "address already in use") {
			t.Logf("port taken, retrying: %v", err)
			continue
		}
		s.dumpLogs(t)
		t.Fatalf("start rampart: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop rampart: %v", err)
		}
		if t.Failed() {
			s.dumpLogs(t)
		}
	})
	return s
}

func (s *Server) start(t testing.TB, cfg serverConfig) error {
	t.Helper()
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.URL = "http://" + addr
	args := append([]string{"serve", "--listen", addr, "--data-dir", s.DataDir, "--metrics-listen", ""}, cfg.args...)
	cmd := exec.Command(rampartBin, args...)
	cmd.Env = append(os.Environ(),
		"RAMPART_ACCOUNT="+s.Account,
		"RAMPART_ADMIN_PASSWORD="+s.Password,
		"RAMPART_ACCESS_KEY="+s.AccessKey,
		"RAMPART_SECRET_KEY="+s.SecretKey,
		"RAMPART_PROJECT_ID="+s.ProjectID,
		"RAMPART_PROJECT_NAME="+s.ProjectName,
		"RAMPART_LOG_FORMAT=json",
	)
	cmd.Env = append(cmd.Env, cfg.env...)
	s.stdout, s.stderr = &logBuffer{}, &logBuffer{}
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/readyz", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("rampart exited before it was ready: %v", s.err)
		case <-ctx.Done():
			_ = s.Stop()
			return fmt.Errorf("GET %s/readyz did not answer 200 within %s", s.URL, readyTimeout)
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM and waits for the process to exit, killing it after
// stopTimeout. It returns the process's exit error (nil for exit status 0).
// Stopping twice is harmless.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return s.exitErr()
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return s.exitErr()
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("rampart did not exit within %s of SIGTERM and was killed", stopTimeout)
	}
}

func (s *Server) exitErr() error {
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Errorf("rampart was killed by %v instead of shutting down cleanly", ws.Signal())
		}
	}
	return s.err
}

// Kill ends the process with SIGKILL, as a crash would, and waits for it.
func (s *Server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Restart starts the server again on the same data directory (on a new
// port) after Kill or Stop.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		err := s.start(t, s.cfg)
		if err == nil {
			return
		}
		if attempt < 3 && strings.Contains(s.stderr.String()+s.stdout.String(), "address already in use") {
			continue
		}
		s.dumpLogs(t)
		t.Fatalf("restart rampart: %v", err)
	}
}

// Stderr returns what the server has written to standard error so far.
func (s *Server) Stderr() string { return s.stderr.String() }

func (s *Server) dumpLogs(t testing.TB) {
	t.Helper()
	if out := s.stdout.String(); out != "" {
		t.Logf("rampart stdout:\n%s", out)
	}
	if out := s.stderr.String(); out != "" {
		t.Logf("rampart stderr:\n%s", out)
	}
}

// logBuffer collects a process's output for the test log, keeping the last
// maxLog bytes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const maxLog = 256 << 10

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - maxLog; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerHex   = "0123456789abcdef"
)

// randomString returns n characters drawn uniformly from alphabet.
func randomString(t testing.TB, n int, alphabet string) string {
	t.Helper()
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}
