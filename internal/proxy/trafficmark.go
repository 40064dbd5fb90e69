package proxy

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

// trafficMarks name what identifies a visitor to known-attack-source
// rules, from the host's traffic_mark: cookie (Huawei's Cookie mark, for
// *_cookie_block), params (Huawei's user mark, for *_params_block) and
// header (a Rampart extension key, for *_header_block: Huawei's
// traffic_mark has no header mark). An empty name: the rules of that kind
// punish nobody on this host.
type trafficMarks struct {
	cookie, param, header string
}

// trafficMarksOf reads the traffic_mark the host stores as a free-form
// object; values that are not non-empty strings are ignored.
func trafficMarksOf(h *waf.Host) trafficMarks {
	m, _ := h.Extra["traffic_mark"].(map[string]any)
	str := func(k string) string {
		s, _ := m[k].(string)
		return strings.TrimSpace(s)
	}
	tm := trafficMarks{cookie: str("cookie"), param: str("params"), header: str("header")}
	if tm.header != "" {
		tm.header = http.CanonicalHeaderKey(tm.header)
	}
	return tm
}

// cookieValue returns the value of the first cookie named name in the
// view; "" when there is none.
func (v *view) cookieValue(name string) string {
	if name == "" {
		return ""
	}
	for _, c := range v.req.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// queryValue returns the raw (still percent-encoded) value of the first
// query parameter named name; "" when there is none. It allocates
// nothing.
func queryValue(rawQuery, name string) string {
	if name == "" {
		return ""
	}
	for rawQuery != "" {
		var item string
		item, rawQuery, _ = strings.Cut(rawQuery, "&")
		if k, val, _ := strings.Cut(item, "="); k == name {
			return val
		}
	}
	return ""
}
