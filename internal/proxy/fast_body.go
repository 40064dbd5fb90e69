package proxy

import (
	"io"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// clientBody is a client's request body on its way to the origin: a
// client that sends nothing of it for Config.ClientTimeout is cut off (the
// read deadline of its connection follows the progress of the body, as
// nginx's client_body_timeout does). The server sets its own deadlines
// again before it reads the connection's next request.
//
// At the end of a chunked body the server has read the client's trailer
// fields into the request's header; they are copied then to the outgoing
// request (trailerTo), whose client writes them after the last chunk.
type clientBody struct {
	r         io.Reader
	ctx       *fasthttp.RequestCtx
	d         time.Duration
	pd        progressDeadline
	trailerTo *fasthttp.RequestHeader
}

var clientBodies = sync.Pool{New: func() any { return new(clientBody) }}

// newClientBody returns the body r of the request of ctx with the client
// timeout d (negative or zero: none). Release it when the upstream client
// is done with it.
func newClientBody(ctx *fasthttp.RequestCtx, r io.Reader, d time.Duration) *clientBody {
	b := clientBodies.Get().(*clientBody)
	*b = clientBody{r: r, ctx: ctx, d: d, pd: progressDeadline{d: d}}
	return b
}

// release returns the body to the pool.
func (b *clientBody) release() {
	*b = clientBody{}
	clientBodies.Put(b)
}

func (b *clientBody) Read(p []byte) (int, error) {
	if b.d > 0 {
		if now := progressNow(); b.pd.due(now) {
			_ = b.ctx.Conn().SetReadDeadline(b.pd.move(now, b.d))
		}
	}
	n, err := b.r.Read(p)
	if err == io.EOF && b.trailerTo != nil {
		in := &b.ctx.Request.Header
		for k := range in.Trailers() {
			if v := in.PeekBytes(k); len(v) > 0 {
				b.trailerTo.SetBytesKV(k, v)
			}
		}
		b.trailerTo = nil
	}
	return n, err
}
