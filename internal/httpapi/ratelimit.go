package httpapi

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiterSet holds one token bucket per key (a credential or an address).
// Buckets idle for longer than it takes them to refill are dropped, so the
// set stays bounded by the number of active keys.
type limiterSet struct {
	limit rate.Limit
	burst int

	now  func() time.Time
	idle time.Duration // how long a bucket stays after its last use

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiterSet returns a set allowing perSecond sustained with burst; a
// non-positive perSecond disables limiting.
func newLimiterSet(perSecond float64, burst int) *limiterSet {
	idle := time.Minute
	if perSecond > 0 {
		// A bucket dropped before it has refilled would come back full.
		idle = max(idle, time.Duration(float64(burst)/perSecond*float64(time.Second)))
	}
	return &limiterSet{limit: rate.Limit(perSecond), burst: burst, now: time.Now, idle: idle, buckets: make(map[string]*bucket)}
}

// allow reports whether one more request for key fits the limit now.
func (l *limiterSet) allow(key string) bool {
	if l.limit <= 0 {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.idle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// clientKey is the rate-limit key of a request's peer: an IPv4 address
// (also IPv4-mapped), or the /64 of an IPv6 address, as one host is given
// a whole /64 and could otherwise change address at every request.
func clientKey(r *http.Request) string {
	host := remoteIP(r)
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
