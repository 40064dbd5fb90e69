package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// nftRuleset renders a layer's emergency IP entries as a complete
// nftables ruleset for one table, inet rampart_<layer>: four interval
// sets (allow4, allow6, block4, block6) whose elements are the entries
// merged into disjoint ranges (nft refuses overlapping intervals), each
// with a timeout from its expiry, and an input and a forward chain that
// accept WHITE sources before they drop BLOCK ones. The first two lines
// create and delete the table, so `nft -f` replaces it atomically (and
// only it) whether or not it exists. now sets the timeouts.
func nftRuleset(projectID string, layer decision.Layer, rev uint64, entries []decision.Entry, now time.Time) []byte {
	var allow, block []decision.Entry
	for _, e := range entries {
		if !e.Prefix.IsValid() {
			continue
		}
		if e.Block {
			block = append(block, e)
		} else {
			allow = append(allow, e)
		}
	}
	allow4, allow6 := decision.Ranges(allow)
	block4, block6 := decision.Ranges(block)
	table := "rampart_" + layer.String()
	var b bytes.Buffer
	fmt.Fprintf(&b, "#!/usr/sbin/nft -f\n# Rampart: SecMaster emergency entries of project %s at layer %s, revision %d, %s.\n",
		projectID, layer, rev, now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# WHITE sources are accepted before BLOCK sources are dropped; timeouts count from the time above.\n")
	fmt.Fprintf(&b, "table inet %s\ndelete table inet %s\ntable inet %s {\n", table, table, table)
	nftSet(&b, "allow4", "ipv4_addr", allow4, now)
	nftSet(&b, "allow6", "ipv6_addr", allow6, now)
	nftSet(&b, "block4", "ipv4_addr", block4, now)
	nftSet(&b, "block6", "ipv6_addr", block6, now)
	for _, hook := range []string{"input", "forward"} {
		fmt.Fprintf(&b, "\tchain %s {\n\t\ttype filter hook %s priority filter - 10; policy accept;\n", hook, hook)
		b.WriteString("\t\tip saddr @allow4 accept\n\t\tip6 saddr @allow6 accept\n")
		b.WriteString("\t\tip saddr @block4 drop\n\t\tip6 saddr @block6 drop\n\t}\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// nftSet writes one interval set; a set with no element has no elements
// line (nft refuses an empty one).
func nftSet(b *bytes.Buffer, name, typ string, rs []decision.Range, now time.Time) {
	fmt.Fprintf(b, "\tset %s {\n\t\ttype %s\n\t\tflags interval, timeout\n", name, typ)
	var els []string
	for _, r := range rs {
		el := r.From.String()
		if p, ok := r.Prefix(); ok {
			if !p.IsSingleIP() {
				el = p.String()
			}
		} else {
			el += "-" + r.To.String()
		}
		if !r.Expires.IsZero() {
			if !r.Expires.After(now) {
				continue // expired
			}
			el += nftTimeout(r.Expires, now)
		}
		els = append(els, el)
	}
	if len(els) > 0 {
		fmt.Fprintf(b, "\t\telements = {\n\t\t\t%s\n\t\t}\n", strings.Join(els, ",\n\t\t\t"))
	}
	b.WriteString("\t}\n")
}

// nftMaxTimeout is the longest element timeout written (about 137
// years): kernels refuse timeouts from about 213,500 days on, and
// decision.Ranges reports expiries past 2262 as 2262, so an expiry further
// away is written without a timeout (the element stays until the next
// refresh).
const nftMaxTimeout = 50000 * 24 * time.Hour

// nftTimeout returns the " timeout …" clause of an element expiring at
// exp (after now), in whole seconds rounded up. nft refuses a seconds
// literal of 100,000,000 or more, so longer timeouts are written in days,
// hours, minutes and seconds.
func nftTimeout(exp, now time.Time) string {
	if exp.After(now.Add(nftMaxTimeout)) {
		return ""
	}
	secs := int64((exp.Sub(now) + time.Second - 1) / time.Second) // rounded up
	if secs < 100000000 {
		return fmt.Sprintf(" timeout %ds", secs)
	}
	return fmt.Sprintf(" timeout %dd%dh%dm%ds", secs/86400, secs%86400/3600, secs%3600/60, secs%60)
}

// handleFirewallNftables serves GET
// /v1/{project_id}/rampart/firewall/nftables?layer=cfw|vpc (Rampart
// extension): the layer's emergency IP entries as an nftables ruleset
// (text/plain) that `nft -f` applies.
func (s *server) handleFirewallNftables() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		layer, err := s.feedLayer(r.URL.Query(), decision.LayerCFW, decision.LayerVPC)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		projectID := r.PathValue("project_id")
		entries, rev, err := s.feed.Entries(r.Context(), projectID, layer)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		body := nftRuleset(projectID, layer, rev, entries, time.Now())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}
