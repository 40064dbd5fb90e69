package mask

import (
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
)

// locates reports whether v lies where the rule's advanced settings limit
// it: in the right part of the request and, when fields are named, in one
// of them. The verdict names no field, so a named field holds the
// detection when its name or value, as received or decoded the way basic
// protection decodes it (URL, \u and %u escapes, HTML entities, up to
// inspect.MaxDecodeRounds times), contains the verdict's excerpt. A
// detection found only after base64 decoding, or whose excerpt had to be
// escaped beyond recognition, is not located in a field: it stays a
// detection.
func (r *rule) locates(req *inspect.Request, v inspect.Verdict) bool {
	if r.location == "" {
		return true
	}
	if r.location != v.Location {
		return false
	}
	if len(r.fields) == 0 {
		return true
	}
	ex := excerptText(v.Excerpt)
	if ex == "" {
		return false
	}
	part := condition.Params
	switch r.location {
	case inspect.LocationCookie:
		part = condition.Cookies
	case inspect.LocationHeader:
		part = condition.Headers
	}
	found := false
	condition.EachField(req, part, func(name, value string) bool {
		if r.names(name, part == condition.Headers) && (strings.Contains(name, ex) || decodedContains(value, ex)) {
			found = true
			return false
		}
		return true
	})
	return found
}

// names reports whether the rule's advanced fields name a field.
func (r *rule) names(name string, fold bool) bool {
	for _, f := range r.fields {
		if f == name || fold && strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// excerptText undoes the Go escaping of a verdict's excerpt; it returns ""
// when the excerpt cannot be read back.
func excerptText(ex string) string {
	if !strings.Contains(ex, `\`) {
		return ex
	}
	var b strings.Builder
	for ex != "" {
		r, _, tail, err := strconv.UnquoteChar(ex, '"')
		if err != nil {
			return ""
		}
		b.WriteRune(r)
		ex = tail
	}
	return b.String()
}

// decodeBuffers holds the two buffers decodedContains alternates between.
var decodeBuffers = sync.Pool{New: func() any { return new([2][]byte) }}

// decodedContains reports whether s, or s decoded as basic protection
// decodes it, contains sub.
func decodedContains(s, sub string) bool {
	if strings.Contains(s, sub) {
		return true
	}
	bufs := decodeBuffers.Get().(*[2][]byte)
	defer decodeBuffers.Put(bufs)
	cur, k := s, 0
	for range inspect.MaxDecodeRounds {
		changed := false
		for step := range 3 {
			var out []byte
			var ok bool
			switch step {
			case 0:
				out, ok = inspect.URLDecode(bufs[k][:0], cur, true)
			case 1:
				out, ok = inspect.UnicodeEscapeDecode(bufs[k][:0], cur)
			case 2:
				out, ok = inspect.HTMLEntityDecode(bufs[k][:0], cur)
			}
			if ok {
				bufs[k] = out
				cur = unsafe.String(unsafe.SliceData(out), len(out)) // read before the buffer is reused
				k ^= 1
				changed = true
			}
		}
		if !changed {
			return false
		}
		if strings.Contains(cur, sub) {
			return true
		}
	}
	return false
}
