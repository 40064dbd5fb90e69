package proxy

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/rampartsec/rampart/internal/waf"
)

// Load-balancing algorithms (waf.Host.LBAlgorithm).
const (
	algRoundRobin = iota
	algIPHash
	algSessionHash
)

// SessionCookie is the cookie whose value session_hash balancing hashes
// (requests without it are balanced by client address, like ip_hash).
const SessionCookie = "HWWAFSESID"

// downFor is how long a server that refused a connection is skipped.
const downFor = 2 * time.Second

// upstream is one origin server.
type upstream struct {
	scheme    string // http or https (the server's back_protocol)
	host      string // "address:port"
	downUntil atomic.Int64
	hc        *fasthttp.HostClient // the HTTP/1.1 server's connection pool to it
}

// pool is the upstream servers of one host and front protocol.
type pool struct {
	alg     int
	servers []*upstream
	seq     []uint8 // server indices in smooth weighted round-robin order
	next    atomic.Uint64
	metrics *hostMetrics
	rp      *httputil.ReverseProxy
}

// newPool builds a pool (nil when there are no servers).
func newPool(servers []waf.Server, alg string, hm *hostMetrics) *pool {
	if len(servers) == 0 {
		return nil
	}
	p := &pool{metrics: hm}
	switch alg {
	case "ip_hash":
		p.alg = algIPHash
	case "session_hash":
		p.alg = algSessionHash
	}
	weights := make([]int, len(servers))
	for i, s := range servers {
		scheme := "http"
		if s.BackProtocol == "HTTPS" {
			scheme = "https"
		}
		p.servers = append(p.servers, &upstream{scheme: scheme, host: net.JoinHostPort(s.Address, strconv.Itoa(s.Port))})
		weights[i] = max(s.Weight, 1)
	}
	p.seq = smoothSequence(weights)
	return p
}

// smoothSequence returns one cycle of smooth weighted round robin (nginx's
// algorithm) over weights reduced by their greatest common divisor: each
// server appears weight times, spread out.
func smoothSequence(weights []int) []uint8 {
	g := 0
	for _, w := range weights {
		g = gcd(g, w)
	}
	total := 0
	for i := range weights {
		weights[i] /= g
		total += weights[i]
	}
	cur := make([]int, len(weights))
	seq := make([]uint8, 0, total)
	for range total {
		best := 0
		for i, w := range weights {
			cur[i] += w
			if cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		seq = append(seq, uint8(best))
	}
	return seq
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// pick chooses the server for a request: a position in the weighted
// sequence (the next one, or one given by a hash), moved on past servers
// marked down unless all are.
// cookie is the request's SessionCookie value (read only for
// session_hash).
func (p *pool) pick(cookie string, client netip.Addr, now int64) *upstream {
	var pos uint64
	switch p.alg {
	case algRoundRobin:
		pos = p.next.Add(1) - 1
	case algSessionHash:
		if cookie != "" {
			pos = fnv(cookie)
			break
		}
		pos = hashAddr(client)
	default:
		pos = hashAddr(client)
	}
	n := uint64(len(p.seq))
	for i := range n {
		s := p.servers[p.seq[(pos+i)%n]]
		if s.downUntil.Load() <= now {
			return s
		}
	}
	return p.servers[p.seq[pos%n]]
}

// another returns a server other than the ones tried, preferring servers
// not marked down; nil when every server was tried.
func (p *pool) another(tried []*upstream, now int64) *upstream {
	var fallback *upstream
	for _, s := range p.servers {
		if containsServer(tried, s) {
			continue
		}
		if s.downUntil.Load() <= now {
			return s
		}
		if fallback == nil {
			fallback = s
		}
	}
	return fallback
}

func containsServer(list []*upstream, s *upstream) bool {
	for _, t := range list {
		if t == s {
			return true
		}
	}
	return false
}

// server returns the pool's server with the given host ("address:port").
func (p *pool) server(host string) *upstream {
	for _, s := range p.servers {
		if s.host == host {
			return s
		}
	}
	return nil
}

// sessionOf is the SessionCookie value of a net/http request when the
// pool balances by session ("" otherwise).
func sessionOf(p *pool, r *http.Request) string {
	if p.alg != algSessionHash {
		return ""
	}
	v, _ := cookieValue(r.Header.Get("Cookie"), SessionCookie)
	return v
}

// cookieValue finds a cookie's value in a Cookie header without
// allocating.
func cookieValue(header, name string) (string, bool) {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ";")
		part = strings.TrimSpace(part)
		if k, v, ok := strings.Cut(part, "="); ok && k == name {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}

// fnv is 64-bit FNV-1a: stable across processes, so several data-plane
// nodes send a session to the same server.
func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func hashAddr(a netip.Addr) uint64 {
	b := a.Unmap().As16()
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}
