package httpapi

import (
	"bufio"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/rampart"
)

// crowdsecPermanent is the duration a ban without expiry is sent with
// (CrowdSec has no permanent decision), and the longest one sent.
const crowdsecPermanent = 87600 * time.Hour // 10 years

// crowdsecError answers in the Local API's error form, {"message": …}.
func crowdsecError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b := append([]byte(`{"message":`), jsonString(nil, msg)...)
	_, _ = w.Write(append(b, '}'))
}

// crowdsecKey authenticates the request's X-Api-Key; on failure it has
// answered 403 (or 500) and ok is false.
func (s *server) crowdsecKey(w http.ResponseWriter, r *http.Request) (k bouncer.Key, ok bool) {
	if s.bouncers == nil {
		crowdsecError(w, http.StatusNotFound, "the bouncer API is not configured")
		return k, false
	}
	k, err := s.bouncers.Authenticate(r.Context(), r.Header.Get("X-Api-Key"))
	switch {
	case rampart.ErrorKind(err) == rampart.KindForbidden:
		s.observer().ObserveBouncerDenied()
		crowdsecError(w, http.StatusForbidden, "access forbidden")
		return k, false
	case err != nil:
		s.crowdsecInternal(w, r, err)
		return k, false
	}
	if ri := infoFrom(r.Context()); ri != nil {
		ri.projectID = k.ProjectID
	}
	return k, true
}

func (s *server) crowdsecInternal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("bouncer API", "request_id", requestIDFrom(r.Context()), "err", err)
	crowdsecError(w, http.StatusInternalServerError, "internal error")
}

// commaList splits a comma-separated query parameter; nil when absent.
func commaList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// handleCrowdSecStream serves GET /v1/decisions/stream (CrowdSec Local
// API): {"new": […], "deleted": […]} for the key's project and layer,
// everything with startup=true, else what changed since the key's last
// pull; an empty list is null. HEAD checks the key and pulls nothing.
func (s *server) handleCrowdSecStream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		k, ok := s.crowdsecKey(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodHead {
			// A key check (CrowdSec answers it without a body and without
			// counting it as a pull): pulling here would advance the key's
			// state while the answer is thrown away.
			w.WriteHeader(http.StatusOK)
			return
		}
		q := r.URL.Query()
		f := bouncer.Filter{Scopes: commaList(q.Get("scopes")), Origins: commaList(q.Get("origins")),
			ScenariosContaining: commaList(q.Get("scenarios_containing")), ScenariosNotContaining: commaList(q.Get("scenarios_not_containing"))}
		startup := q.Get("startup") == "true"
		added, deleted, err := s.bouncers.Pull(r.Context(), k, startup)
		if err != nil {
			s.crowdsecInternal(w, r, err)
			return
		}
		added, deleted = f.Apply(added), f.Apply(deleted)
		now := s.bouncers.Now()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(w, 64<<10)
		_, _ = bw.WriteString(`{"new":`)
		writeBans(bw, added, now)
		_, _ = bw.WriteString(`,"deleted":`)
		writeBans(bw, deleted, now)
		_, _ = bw.WriteString("}\n")
		_ = bw.Flush()
		kind := "delta"
		if startup {
			kind = "startup"
		}
		s.observer().ObserveBouncerPull(k.Name, kind, len(added), len(deleted), time.Since(start))
	})
}

// handleCrowdSecDecisions serves GET /v1/decisions (CrowdSec Local API):
// the bans that contain the address or range given by ip, range, or scope
// and value (with contains=false: the bans inside it), or null.
func (s *server) handleCrowdSecDecisions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		k, ok := s.crowdsecKey(w, r)
		if !ok {
			return
		}
		q := r.URL.Query()
		target, none, msg := crowdsecTarget(q.Get("ip"), q.Get("range"), q.Get("scope"), q.Get("value"))
		if msg != "" {
			crowdsecError(w, http.StatusBadRequest, msg)
			return
		}
		if t := q.Get("type"); t != "" && !strings.EqualFold(t, "ban") {
			none = true
		}
		var bans []bouncer.Ban
		if !none {
			var err error
			if bans, err = s.bouncers.Match(r.Context(), k, target, q.Get("contains") != "false"); err != nil {
				s.crowdsecInternal(w, r, err)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(w, 64<<10)
		writeBans(bw, bans, s.bouncers.Now())
		_ = bw.WriteByte('\n')
		_ = bw.Flush()
		s.observer().ObserveBouncerPull(k.Name, "query", len(bans), 0, time.Since(start))
	})
}

// crowdsecTarget reads the address or range a GET /v1/decisions asks
// about: invalid when none is given (every ban); none when the scope is
// one Rampart never sends; msg when the input is malformed.
func crowdsecTarget(ip, rng, scope, value string) (p netip.Prefix, none bool, msg string) {
	given := 0
	for _, v := range []string{ip, rng, value} {
		if v != "" {
			given++
		}
	}
	if given > 1 {
		return p, false, "give one of ip, range, or scope and value"
	}
	if value != "" || scope != "" {
		switch strings.ToLower(scope) {
		case "ip", "":
			ip = value
		case "range":
			rng = value
		default:
			return p, true, ""
		}
		if value == "" {
			return p, false, "value is mandatory with scope"
		}
	}
	switch {
	case ip != "":
		a, err := netip.ParseAddr(ip)
		if err != nil || a.Zone() != "" {
			return p, false, "ip: " + strconv.Quote(ip) + " is not an IP address"
		}
		return netip.PrefixFrom(a, a.BitLen()), false, ""
	case rng != "":
		r, err := netip.ParsePrefix(rng)
		if err != nil {
			return p, false, "range: " + strconv.Quote(rng) + " is not a CIDR range"
		}
		return r.Masked(), false, ""
	}
	return p, false, ""
}

// writeBans writes bans as a JSON array of CrowdSec decisions, or null.
func writeBans(bw *bufio.Writer, bans []bouncer.Ban, now time.Time) {
	if len(bans) == 0 {
		_, _ = bw.WriteString("null")
		return
	}
	buf := make([]byte, 0, 256)
	_ = bw.WriteByte('[')
	for i, b := range bans {
		if i > 0 {
			_ = bw.WriteByte(',')
		}
		buf = appendDecision(buf[:0], b, now)
		_, _ = bw.Write(buf)
	}
	_ = bw.WriteByte(']')
}

// appendDecision appends one ban as CrowdSec's models.Decision: duration
// is the time left as a Go duration (87600h for a ban without expiry, and
// at most that), until its end (RFC 3339, for bans that expire).
func appendDecision(buf []byte, b bouncer.Ban, now time.Time) []byte {
	var scratch [64]byte
	value := scratch[:0]
	if b.Value.Bits() == b.Value.Addr().BitLen() {
		value = b.Value.Addr().AppendTo(value)
	} else {
		value = b.Value.AppendTo(value)
	}
	left := crowdsecPermanent
	if b.Until != bouncer.Never {
		left = min(max(time.Unix(0, b.Until).Sub(now), time.Millisecond), crowdsecPermanent)
	}
	buf = append(buf, `{"duration":"`...)
	buf = append(buf, left.String()...)
	buf = append(buf, `","id":`...)
	buf = strconv.AppendInt(buf, banID(value, b.Until), 10)
	buf = append(buf, `,"origin":"`+bouncer.Origin+`","scenario":"`+bouncer.ScenarioPrefix...)
	if b.Policy != "" {
		buf = appendEscaped(append(buf, ':'), b.Policy)
	}
	buf = append(buf, `","scope":"`...)
	buf = append(buf, bouncer.Scope(b)...)
	buf = append(buf, `","type":"ban"`...)
	if b.Until != bouncer.Never {
		buf = append(buf, `,"until":"`...)
		buf = time.Unix(0, b.Until).UTC().AppendFormat(buf, time.RFC3339)
		buf = append(buf, '"')
	}
	buf = append(buf, `,"value":"`...)
	buf = append(buf, value...)
	return append(buf, `"}`...)
}

// banID is a decision's id: positive, the same for the same value and
// expiry in every pull and across restarts (FNV-1a of both).
func banID(value []byte, until int64) int64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, c := range value {
		h = (h ^ uint64(c)) * prime
	}
	for i := range 8 {
		h = (h ^ uint64(byte(until>>(8*i)))) * prime
	}
	return int64(h>>1) | 1
}

// jsonString appends s as a JSON string.
func jsonString(buf []byte, s string) []byte {
	return append(appendEscaped(append(buf, '"'), s), '"')
}

// appendEscaped appends s escaped for the inside of a JSON string; an
// invalid UTF-8 byte becomes U+FFFD, as encoding/json writes it.
func appendEscaped(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				buf = append(buf, `\ufffd`...)
			} else {
				buf = append(buf, s[i:i+n]...)
			}
			i += n
			continue
		default:
			buf = append(buf, c)
		}
		i++
	}
	return buf
}
