package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// Long-poll bounds of the change stream.
const (
	streamDefaultWait = 30 * time.Second
	streamMaxWait     = 60 * time.Second
)

// entryJSON is one emergency entry as the change stream and its snapshot
// return it.
type entryJSON struct {
	Category  string `json:"category"`             // "block" or "white"
	Type      string `json:"type"`                 // "ip", "user" or "domain"
	Object    string `json:"object"`               // a CIDR (an address is a /32 or /128), a user name or a domain
	PolicyID  string `json:"policy_id"`            // the SecMaster emergency policy
	ExpiresAt int64  `json:"expires_at,omitempty"` // Unix milliseconds; absent: never
}

func entryToJSON(e *decision.Entry) entryJSON {
	j := entryJSON{Category: "white", PolicyID: e.PolicyID}
	if e.Block {
		j.Category = "block"
	}
	switch {
	case e.User != "":
		j.Type, j.Object = "user", e.User
	case e.Domain != "":
		j.Type, j.Object = "domain", e.Domain
	default:
		j.Type, j.Object = "ip", e.Prefix.String()
	}
	if !e.Expires.IsZero() {
		j.ExpiresAt = e.Expires.UnixMilli()
	}
	return j
}

func entriesToJSON(es []decision.Entry) []entryJSON {
	out := make([]entryJSON, len(es))
	for i := range es {
		out[i] = entryToJSON(&es[i])
	}
	return out
}

// feedLayer parses the layer parameter of the feeds (allowed lists the
// layers the endpoint serves) and checks that the feed is configured.
func (s *server) feedLayer(q url.Values, allowed ...decision.Layer) (decision.Layer, error) {
	if s.feed == nil {
		return 0, errors.New("the decision feed is not configured")
	}
	return layerParam(q, allowed...)
}

// layerParam reads the one layer query parameter, which must name one of
// allowed (case-insensitive).
func layerParam(q url.Values, allowed ...decision.Layer) (decision.Layer, error) {
	names := make([]string, len(allowed))
	for i, l := range allowed {
		names[i] = l.String()
	}
	list := strings.Join(names, ", ")
	vs := q["layer"]
	switch {
	case len(vs) > 1:
		return 0, decisionInvalid("layer", "layer is given more than once.")
	case len(vs) == 0 || vs[0] == "":
		return 0, decisionInvalid("layer", "layer is mandatory: %s.", list)
	}
	for _, l := range allowed {
		if strings.EqualFold(vs[0], l.String()) {
			return l, nil
		}
	}
	return 0, decisionInvalid("layer", "layer must be one of %s.", list)
}

// streamParams parses since and timeout.
func streamParams(q url.Values) (since uint64, wait time.Duration, err error) {
	for _, name := range []string{"since", "timeout"} {
		if len(q[name]) > 1 {
			return 0, 0, decisionInvalid(name, "%s is given more than once.", name)
		}
	}
	if s := q.Get("since"); s != "" {
		if since, err = strconv.ParseUint(s, 10, 64); err != nil {
			return 0, 0, decisionInvalid("since", "since must be a revision: a non-negative integer.")
		}
	}
	wait = streamDefaultWait
	if s := q.Get("timeout"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > int(streamMaxWait/time.Second) { // n*time.Second may overflow
			return 0, 0, decisionInvalid("timeout", "timeout must be a number of seconds from 0 to %d.", int(streamMaxWait/time.Second))
		}
		wait = time.Duration(n) * time.Second
	}
	return since, wait, nil
}

// handleDecisionStream serves GET
// /v1/{project_id}/rampart/decisions/stream?layer=…&since=REV&timeout=S
// (Rampart extension): the layer's emergency entries as a full snapshot
// (since 0, or a revision the feed no longer knows: reset is true and the
// client replaces its state) or as the changes since REV (the client
// removes removed, then adds added). When nothing has changed it holds the
// request up to timeout seconds (default 30, at most 60) and answers as
// soon as a change lands. revision is the since of the next request.
func (s *server) handleDecisionStream() http.Handler {
	type response struct {
		Layer    string      `json:"layer"`
		Revision uint64      `json:"revision"`
		Reset    bool        `json:"reset"`
		Added    []entryJSON `json:"added"`
		Removed  []entryJSON `json:"removed"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		layer, err := s.feedLayer(q, decision.LayerWAF, decision.LayerCFW, decision.LayerVPC, decision.LayerIAM)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		since, wait, err := streamParams(q)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		// The server's write timeout would cut a long poll short.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(wait + 10*time.Second))
		c, err := s.feed.Changes(r.Context(), r.PathValue("project_id"), layer, since, wait)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		encode(w, http.StatusOK, response{Layer: layer.String(), Revision: c.Revision, Reset: c.Reset,
			Added: entriesToJSON(c.Added), Removed: entriesToJSON(c.Removed)})
	})
}
