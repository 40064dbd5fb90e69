package proxy

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/waf"
)

// metrics are the data plane's counters, exposed in the Prometheus text
// format. Counting is a few atomic additions on the request path; the
// exposition walks them when scraped.
type metrics struct {
	mu    sync.Mutex
	hosts map[string]*hostMetrics // by host name as stored; kept across table rebuilds while the host exists

	unknown   hostMetrics                                                        // requests to no protected host
	decisions [decision.ActionLog + 1][decision.RulePunishment + 1]atomic.Uint64 // action × rule type
	// webAttacks counts basic web protection detections by action (block
	// or log; masked ones are not counted).
	webAttacks [decision.ActionLog + 1]atomic.Uint64
	recorded   atomic.Uint64
	dropped    atomic.Uint64
	retries    atomic.Uint64
	latency    histogram // upstream response-header latency
	// Forward-auth answers (ServeForwardAuth).
	fauthAllowed, fauthBlocked, fauthUnknown, fauthRefused atomic.Uint64
}

// hostMetrics counts one host's responses by status class (index 1–5).
type hostMetrics struct {
	name   string
	status [6]atomic.Uint64
	// traffic is the dashboard counters of the host served under this name
	// (nil: none), set at each table build.
	traffic atomic.Pointer[hostTraffic]
}

// count counts a response the data plane generated.
func (h *hostMetrics) count(status int) { h.countFrom(status, false) }

// countUpstream counts a response of an origin server.
func (h *hostMetrics) countUpstream(status int) { h.countFrom(status, true) }

func (h *hostMetrics) countFrom(status int, upstream bool) {
	c := status / 100
	if c < 1 || c > 5 {
		c = 5
	}
	h.status[c].Add(1)
	if t := h.traffic.Load(); t != nil {
		t.add(waf.StatusCounter(status, upstream))
	}
}

func newMetrics() *metrics {
	return &metrics{hosts: map[string]*hostMetrics{}, unknown: hostMetrics{name: ""}}
}

// host returns the counters of a host name, created on first use.
func (m *metrics) host(name string) *hostMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.hosts[name]
	if !ok {
		h = &hostMetrics{name: name}
		m.hosts[name] = h
	}
	return h
}

// retain drops the counters of host names not in names (hosts deleted
// since the last table), so that they leave the exposition.
func (m *metrics) retain(names map[string]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name := range m.hosts {
		if !names[name] {
			delete(m.hosts, name)
		}
	}
}

// latencyBounds are the histogram's upper bounds in seconds.
var latencyBounds = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts [len(latencyBounds) + 1]atomic.Uint64 // the last is +Inf
	sumNs  atomic.Uint64
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(latencyBounds) && s > latencyBounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNs.Add(uint64(max(d, 0)))
}

var classNames = [6]string{"", "1xx", "2xx", "3xx", "4xx", "5xx"}

// ServeHTTP writes the metrics in the Prometheus text exposition format.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	b := bufio.NewWriter(w)
	defer b.Flush()

	m.mu.Lock()
	hosts := make([]*hostMetrics, 0, len(m.hosts)+1)
	for _, h := range m.hosts {
		hosts = append(hosts, h)
	}
	m.mu.Unlock()
	slices.SortFunc(hosts, func(a, b *hostMetrics) int { return strings.Compare(a.name, b.name) })
	hosts = append(hosts, &m.unknown)

	fmt.Fprint(b, "# HELP rampart_proxy_requests_total Requests answered by the WAF data plane, by protected host (empty: unknown host) and status class.\n# TYPE rampart_proxy_requests_total counter\n")
	for _, h := range hosts {
		for c := 1; c <= 5; c++ {
			if n := h.status[c].Load(); n > 0 {
				fmt.Fprintf(b, "rampart_proxy_requests_total{host=%s,code=%q} %d\n", quote(h.name), classNames[c], n)
			}
		}
	}
	fmt.Fprint(b, "# HELP rampart_proxy_decisions_total Decisions on protected requests, by action and rule type: the address decision (empty: no rule matched), then the policy's precise-protection (custom; allow: a pass rule), CC and known-attack-source (punishment) rules.\n# TYPE rampart_proxy_decisions_total counter\n")
	for a := range m.decisions {
		for t := range m.decisions[a] {
			if n := m.decisions[a][t].Load(); n > 0 {
				fmt.Fprintf(b, "rampart_proxy_decisions_total{action=%q,rule_type=%q} %d\n",
					decision.Action(a).String(), decision.RuleType(t).String(), n)
			}
		}
	}
	fmt.Fprint(b, "# HELP rampart_proxy_web_attacks_total Requests basic web protection detected as attacks, by action.\n# TYPE rampart_proxy_web_attacks_total counter\n")
	for _, a := range [...]decision.Action{decision.ActionBlock, decision.ActionLog} {
		fmt.Fprintf(b, "rampart_proxy_web_attacks_total{action=%q} %d\n", a.String(), m.webAttacks[a].Load())
	}
	fmt.Fprintf(b, "# HELP rampart_proxy_events_recorded_total Protection events handed to the event recorder.\n# TYPE rampart_proxy_events_recorded_total counter\nrampart_proxy_events_recorded_total %d\n", m.recorded.Load())
	fmt.Fprintf(b, "# HELP rampart_proxy_events_dropped_total Protection events dropped because the recorder's queue was full.\n# TYPE rampart_proxy_events_dropped_total counter\nrampart_proxy_events_dropped_total %d\n", m.dropped.Load())
	fmt.Fprintf(b, "# HELP rampart_proxy_upstream_retries_total Requests sent to another upstream server after a connection failure.\n# TYPE rampart_proxy_upstream_retries_total counter\nrampart_proxy_upstream_retries_total %d\n", m.retries.Load())
	fmt.Fprint(b, "# HELP rampart_proxy_forward_auth_total Forward-auth questions by answer: allow, block, unknown_host (the asker may not ask about the host, or it is not protected here) and refused (the asker was not authenticated).\n# TYPE rampart_proxy_forward_auth_total counter\n")
	for _, c := range [...]struct {
		name string
		n    *atomic.Uint64
	}{{"allow", &m.fauthAllowed}, {"block", &m.fauthBlocked}, {"unknown_host", &m.fauthUnknown}, {"refused", &m.fauthRefused}} {
		fmt.Fprintf(b, "rampart_proxy_forward_auth_total{answer=%q} %d\n", c.name, c.n.Load())
	}
	fmt.Fprint(b, "# HELP rampart_proxy_upstream_latency_seconds Time from sending a request upstream to its response headers.\n# TYPE rampart_proxy_upstream_latency_seconds histogram\n")
	var cum uint64
	for i := range m.latency.counts {
		cum += m.latency.counts[i].Load()
		le := "+Inf"
		if i < len(latencyBounds) {
			le = strconv.FormatFloat(latencyBounds[i], 'g', -1, 64)
		}
		fmt.Fprintf(b, "rampart_proxy_upstream_latency_seconds_bucket{le=%q} %d\n", le, cum)
	}
	fmt.Fprintf(b, "rampart_proxy_upstream_latency_seconds_sum %g\n", float64(m.latency.sumNs.Load())/1e9)
	fmt.Fprintf(b, "rampart_proxy_upstream_latency_seconds_count %d\n", cum)
}

// quote quotes a label value (host names hold no characters to escape
// beyond what %q escapes the same way as the exposition format).
func quote(s string) string { return strconv.Quote(s) }
