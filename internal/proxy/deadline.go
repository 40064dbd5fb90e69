package proxy

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// The client side of a forwarded request has no overall time limit (large
// uploads and downloads take as long as they take), but a client that
// stops sending its body or stops taking the response is disconnected
// after Config.ClientTimeout without progress, as nginx's
// client_body_timeout and send_timeout do. Without this a slow client
// holds a connection, a goroutine and an upstream connection for ever.

// deadliner is the part of the server's ResponseWriter (HTTP/1 and
// HTTP/2) that sets the connection's or stream's deadlines.
type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// progressDeadline moves a deadline to ClientTimeout after the latest
// progress. It moves it only when a tenth of the timeout has passed since
// it last did, so a stalled client is cut off between nine tenths of the
// timeout and all of it, for one deadline change per tenth at most.
//
// Every read and write asks whether the deadline is due, so the question
// reads only the monotonic clock (progressNow: one clock read, where
// time.Now makes two); the wall clock is not read at all.
type progressDeadline struct {
	d   time.Duration
	set time.Duration // progressNow when the deadline was last moved; zero: never
}

// progressEpoch anchors progressNow.
var progressEpoch = time.Now()

// progressNow is the monotonic time since progressEpoch.
func progressNow() time.Duration { return time.Since(progressEpoch) }

func (pd *progressDeadline) due(now time.Duration) bool { return pd.dueFor(now, pd.d) }

// dueFor is due with the timeout d.
func (pd *progressDeadline) dueFor(now, d time.Duration) bool {
	return pd.set == 0 || now-pd.set >= d/10
}

// move records that the deadline moves at now and returns the new
// deadline, d after now.
func (pd *progressDeadline) move(now, d time.Duration) time.Time {
	pd.set = max(now, 1)
	return progressEpoch.Add(now + d)
}

// deadlineWriter is the client's ResponseWriter with a write deadline
// that follows the progress of the response.
type deadlineWriter struct {
	http.ResponseWriter
	dl deadliner
	pd progressDeadline
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	if now := progressNow(); w.pd.due(now) {
		_ = w.dl.SetWriteDeadline(w.pd.move(now, w.pd.d))
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController (flushing, hijacking for
// upgrades) the server's ResponseWriter.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var deadlineWriters = sync.Pool{New: func() any { return new(deadlineWriter) }}

// deadlineBody is the client's request body with a read deadline that
// follows the progress of the body; the deadline is lifted when the body
// ends. The upstream transport may still read the body after ServeHTTP
// returned (the server then answers it with an error); by then the
// connection may be reading its next request, whose deadline the body
// must leave alone, so stop ends its part.
type deadlineBody struct {
	io.ReadCloser
	dl   deadliner
	mu   sync.Mutex
	pd   progressDeadline
	done bool // stopped, or the body ended
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	b.touch(nil)
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.touch(err)
	}
	return n, err
}

// touch moves the read deadline on progress (err nil); at the body's end
// (io.EOF) it lifts it. After a read error (a timeout: the client is
// stalled) the deadline is left as it is, so that the server, which then
// tries to read the rest of the body, fails at once and closes the
// connection instead of waiting for ever.
func (b *deadlineBody) touch(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done:
	case err == io.EOF:
		b.done = true
		_ = b.dl.SetReadDeadline(time.Time{})
	case err != nil:
		b.done = true
	default:
		if now := progressNow(); b.pd.due(now) {
			_ = b.dl.SetReadDeadline(b.pd.move(now, b.pd.d))
		}
	}
}

// stop makes later reads leave the deadlines alone.
func (b *deadlineBody) stop() {
	b.mu.Lock()
	b.done = true
	b.mu.Unlock()
}

// serveWithDeadlines forwards r through h with the client deadlines, after
// the basic web protection of c (which reads the body under the same
// deadline); the write deadline is lifted afterwards, since the server
// does not reset it for the next request of the connection.
func (p *Proxy) serveWithDeadlines(h http.Handler, w http.ResponseWriter, r *http.Request, c webCheck) {
	dl, ok := w.(deadliner)
	if !ok || p.cfg.ClientTimeout <= 0 {
		p.inspectAndForward(h, w, r, c)
		return
	}
	var body *deadlineBody
	if r.Body != nil && r.Body != http.NoBody {
		body = &deadlineBody{ReadCloser: r.Body, dl: dl, pd: progressDeadline{d: p.cfg.ClientTimeout}}
		r.Body = body
	}
	dw := deadlineWriters.Get().(*deadlineWriter)
	*dw = deadlineWriter{ResponseWriter: w, dl: dl, pd: progressDeadline{d: p.cfg.ClientTimeout}}
	p.inspectAndForward(h, dw, r, c)
	if body != nil {
		body.stop()
	}
	if dw.pd.set != 0 {
		_ = dl.SetWriteDeadline(time.Time{})
	}
	*dw = deadlineWriter{}
	deadlineWriters.Put(dw)
}

// inspectAndForward runs the policy checks of c (known attack source,
// precise protection, CC, basic web protection), when the route has any,
// and forwards what they let through.
func (p *Proxy) inspectAndForward(h http.Handler, w http.ResponseWriter, r *http.Request, c webCheck) {
	if c.web == nil && c.rules == nil {
		h.ServeHTTP(w, r)
		return
	}
	v := getView()
	defer v.release()
	if a := p.protect(stdRequest{r}, c, v); a.stops() {
		writeAnswer(w, r, a)
		return
	}
	h.ServeHTTP(w, r)
}
