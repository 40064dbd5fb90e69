package inspect

import (
	"math/bits"
	"strings"
	"sync"
	"unsafe"
)

// scratch holds the decoding buffers of one Inspect call.
type scratch struct {
	buf    [2][]byte
	b64    []byte
	json   []byte // a JSON string literal with its syntax escapes undone
	values int    // values inspected so far, bounded by MaxValues
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		buf:  [2][]byte{make([]byte, 0, MaxValueBytes), make([]byte, 0, MaxValueBytes)},
		b64:  make([]byte, 0, MaxValueBytes),
		json: make([]byte, 0, MaxValueBytes),
	}
}}

// Inspect looks at the request and returns the first attack found, or the
// zero Verdict when the request is clean (or protection is off). Parts are
// looked at in this order: path, parameters, cookies (names and values),
// headers, body.
func (in *Inspector) Inspect(r *Request) Verdict {
	if !in.cfg.Enabled {
		return Verdict{}
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.values = 0
	if in.cfg.Common && !isMethodToken(r.Method) {
		return Verdict{Attack: AttackVuln, RuleID: ruleBadMethod, Location: LocationURL, Excerpt: excerpt(r.Method, 0, 0)}
	}
	if v := in.value(sc, r.Path, tURL, LocationURL, false); v.Detected() {
		return v
	}
	if r.Params != nil {
		for _, p := range r.Params {
			if v := in.pair(sc, p.Name, p.Value, tParams, LocationParams, false); v.Detected() {
				return v
			}
		}
	} else if v := in.form(sc, r.RawQuery, LocationParams); v.Detected() {
		return v
	}
	for _, c := range r.Cookies {
		if v := in.pair(sc, c.Name, c.Value, tCookie, LocationCookie, false); v.Detected() {
			return v
		}
	}
	if v := in.headers(sc, r.Headers); v.Detected() {
		return v
	}
	return in.body(sc, r.Body, r.BodyType)
}

// pair inspects a parameter's name and value.
func (in *Inspector) pair(sc *scratch, name, value string, t target, loc string, form bool) Verdict {
	if v := in.value(sc, name, t, loc, form); v.Detected() {
		return v
	}
	if t == tParams && in.cfg.Common && in.cfg.Level >= 2 && includeParam(name, value) {
		return Verdict{Attack: AttackRFI, RuleID: ruleIncludeParam, Location: loc, Excerpt: excerpt(value, 0, 0)}
	}
	return in.value(sc, value, t, loc, form)
}

// headers inspects User-Agent always, every header with check_all_headers,
// and the framing headers for request smuggling.
func (in *Inspector) headers(sc *scratch, hs []Pair) Verdict {
	var te, cl int
	for _, h := range hs {
		switch {
		case strings.EqualFold(h.Name, "User-Agent"):
			if v := in.value(sc, h.Value, tUA, LocationHeader, false); v.Detected() {
				return v
			}
		case strings.EqualFold(h.Name, "Transfer-Encoding"):
			te++
			if !strings.EqualFold(h.Value, "chunked") && in.cfg.Common {
				return Verdict{Attack: AttackVuln, RuleID: ruleSmuggling, Location: LocationHeader, Excerpt: excerpt(h.Value, 0, 0)}
			}
		case strings.EqualFold(h.Name, "Content-Length"):
			cl++
		case strings.EqualFold(h.Name, "Request-Range") && in.cfg.Common:
			return Verdict{Attack: AttackVuln, RuleID: ruleRequestRange, Location: LocationHeader, Excerpt: excerpt(h.Value, 0, 0)}
		}
		if in.cfg.CheckAllHeaders && !strings.EqualFold(h.Name, "Cookie") {
			if v := in.value(sc, h.Value, tHeader, LocationHeader, false); v.Detected() {
				return v
			}
		}
	}
	if in.cfg.Common && (te > 0 && cl > 0 || te > 1 || cl > 1) {
		return Verdict{Attack: AttackVuln, RuleID: ruleSmuggling, Location: LocationHeader, Excerpt: "Transfer-Encoding/Content-Length"}
	}
	return Verdict{}
}

// ruleSmuggling is the rule of ambiguous request framing: a
// Transfer-Encoding other than chunked, or both Transfer-Encoding and
// Content-Length, or either twice.
const ruleSmuggling = "170004"

// ruleRequestRange is the rule of the obsolete Request-Range header, which
// no current client sends and range-exhaustion tools (Apache Killer)
// did.
const ruleRequestRange = "170011"

// ruleBadMethod is the rule of a request method that is not an HTTP token
// (|GET, a method with spaces or control bytes).
const ruleBadMethod = "170012"

// isMethodToken reports whether m is empty or shaped like the methods of
// HTTP and its extensions (GET, M-SEARCH, VERSION-CONTROL): letters,
// digits, '-' and '_', at most 32 bytes. RFC 9110 allows more symbols in a
// method, which no client uses and exploits (|GET) do.
func isMethodToken(m string) bool {
	if len(m) > 32 {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// value inspects one value: prefilter, then the rules on the raw value and
// on each decoding round that changed it.
func (in *Inspector) value(sc *scratch, s string, t target, loc string, form bool) Verdict {
	bit := bitIndex(t)
	if len(in.rules[bit]) == 0 || s == "" {
		return Verdict{}
	}
	if sc.values >= MaxValues {
		return Verdict{}
	}
	sc.values++
	if len(s) > MaxValueBytes {
		s = s[:MaxValueBytes]
	}
	table := &byteClass
	if form {
		table = &formByteClass // a '+' of form encoding is a space to decode
	}
	m := classesBy(table, s)
	if m&(in.needs[bit]|cDecode) == 0 && !in.always[bit] && !in.cfg.DeepDecode {
		return Verdict{}
	}
	if v := in.match(s, m, bit, loc); v.Detected() {
		return v
	}
	cur, cls, k := s, m, 0
	for round := 0; round < in.rounds && (cls&cDecode != 0 || round == 0 && m&cEscape != 0); round++ {
		changed := false
		for step := 0; step < 4; step++ {
			// A decoder runs only when the value holds a byte it
			// decodes from: most values of a form have none.
			if cls&decoderNeeds[step] == 0 && !(step == 0 && form && round == 0) {
				continue
			}
			var out []byte
			var ok bool
			known := false // cls of out is known without reading it again
			switch step {
			case 0:
				var c class
				out, c, ok = urlDecode(sc.buf[k][:0], cur, form && round == 0)
				if ok {
					cls, known = c, true
				}
			case 1:
				out, ok = UnicodeEscapeDecode(sc.buf[k][:0], cur)
			case 2:
				out, ok = HTMLEntityDecode(sc.buf[k][:0], cur)
			case 3:
				out, ok = OverlongDecode(sc.buf[k][:0], cur)
			}
			if ok {
				sc.buf[k] = out
				cur = unsafe.String(unsafe.SliceData(out), len(out))
				if !known {
					cls = classesOf(cur)
				}
				k ^= 1
				changed = true
			}
		}
		if !changed {
			break
		}
		if v := in.match(cur, cls, bit, loc); v.Detected() {
			return v
		}
	}
	if in.cfg.DeepDecode {
		if out, ok := Base64Decode(sc.b64[:0], cur); ok {
			sc.b64 = out
			dec := unsafe.String(unsafe.SliceData(out), len(out))
			return in.match(dec, classesOf(dec), bit, loc)
		}
	}
	return Verdict{}
}

// decoderNeeds are, for each decoding step of value, the classes of the
// bytes it can decode from: URLDecode '%' (a form's '+' is handled
// apart), UnicodeEscapeDecode '\', '%' and the lead byte of full-width
// forms, HTMLEntityDecode '&', OverlongDecode bytes of 0xC0 and 0xC1.
var decoderNeeds = [4]class{cEscape, cEscape | cSlash | cHigh, cPipe, cHigh}

// match runs the rules of a target whose prefilter the value passes.
func (in *Inspector) match(s string, m class, bit int, loc string) Verdict {
	if m == 0 {
		return in.matchBare(s, bit, loc)
	}
	return in.matchAll(s, m, bit, loc)
}

// matchAll runs every rule of a target whose prefilter the value passes.
func (in *Inspector) matchAll(s string, m class, bit int, loc string) Verdict {
	return in.matchRules(s, in.pre[bit].candidates(m), bit, loc)
}

// matchBare is match for a value of no byte class (letters, digits,
// spaces and neutral punctuation only): just the rules without a class
// prefilter can match it, so only they are looked at, in the same order.
func (in *Inspector) matchBare(s string, bit int, loc string) Verdict {
	return in.matchRules(s, in.pre[bit].bare, bit, loc)
}

// matchRules runs the rules of a target in cand, in order: a rule with
// keywords only when the value holds one of them. The keywords of all
// the rules in cand are looked for in one shared pass.
func (in *Inspector) matchRules(s string, cand ruleBits, bit int, loc string) Verdict {
	rules, keyed := in.rules[bit], &in.pre[bit].keyed
	var want ruleBits
	var any uint64
	for w := range want {
		want[w] = cand[w] & keyed[w]
		any |= want[w]
	}
	if any != 0 {
		found := in.kw[bit].scan(s, &want)
		for w := range cand {
			cand[w] &^= want[w] &^ found[w]
		}
	}
	for w := range cand {
		for run := cand[w]; run != 0; run &= run - 1 {
			r := rules[w*64+bits.TrailingZeros64(run)]
			if start, end, ok := r.match(s); ok {
				return Verdict{Attack: r.attack, RuleID: r.id, Location: loc, Excerpt: excerpt(s, start, end)}
			}
		}
	}
	return Verdict{}
}

// bitIndex returns the index of a single target bit.
func bitIndex(t target) int {
	for i := 0; i < numTargets; i++ {
		if t == 1<<i {
			return i
		}
	}
	panic("inspect: not a single target")
}
