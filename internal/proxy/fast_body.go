package proxy

import (
	"io"
	"time"

	"github.com/valyala/fasthttp"
)

// clientBody is a client's request body on its way to the origin: a
// client that sends nothing of it for Config.ClientTimeout is cut off (the
// read deadline of its connection follows the progress of the body, as
// nginx's client_body_timeout does). The server sets its own deadlines
// again before it reads the connection's next request.
type clientBody struct {
	r   io.Reader
	ctx *fasthttp.RequestCtx
	d   time.Duration
	pd  progressDeadline
}

// newClientBody returns the body r of the request of ctx with the client
// timeout d (negative or zero: none).
func newClientBody(ctx *fasthttp.RequestCtx, r io.Reader, d time.Duration) *clientBody {
	return &clientBody{r: r, ctx: ctx, d: d, pd: progressDeadline{d: d}}
}

func (b *clientBody) Read(p []byte) (int, error) {
	if b.d > 0 {
		if now := time.Now(); b.pd.due(now) {
			b.pd.set = now
			_ = b.ctx.Conn().SetReadDeadline(now.Add(b.d))
		}
	}
	return b.r.Read(p)
}
