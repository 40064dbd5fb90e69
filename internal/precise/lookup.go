package precise

import (
	"unsafe"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
)

// selection gathers the lists one request selects.
type selection struct {
	lists *[maxLists][]int32
	n     int
	full  bool // more than maxLists: match every rule
}

func (s *selection) add(l []int32) {
	if len(l) == 0 {
		return
	}
	for i := range s.n { // the same list found twice (a gram repeated in a value)
		if unsafe.SliceData(s.lists[i]) == unsafe.SliceData(l) {
			return
		}
	}
	if s.n == maxLists {
		s.full = true
		return
	}
	s.lists[s.n] = l
	s.n++
}

// candidates fills out with the lists of the rules req can satisfy and
// returns how many; ok is false when the request selects too many lists
// (or too long a value for the gram index) and every rule must be tried.
func (ix *index) candidates(req *inspect.Request, out *[maxLists][]int32) (n int, ok bool) {
	sel := selection{lists: out}
	sel.add(ix.byPath[req.Path])
	if a := req.Client.Unmap(); a.IsValid() && len(ix.byNet) > 0 {
		sel.add(ix.byNet[addrKey(a)])
	}
	if seg, ok := firstSegment(req.Path); ok && len(ix.bySegment) > 0 {
		sel.add(ix.bySegment[seg])
	}
	if len(ix.byField) > 0 {
		ix.fieldLists(req, &sel)
	}
	if ix.grams[gramURL].lists != nil {
		ix.grams[gramURL].scan(req.Path, &sel)
	}
	if ix.grams[gramUserAgent].lists != nil {
		if v, ok := condition.Header(req, "User-Agent"); ok {
			ix.grams[gramUserAgent].scan(v, &sel)
		}
	}
	if ix.grams[gramReferer].lists != nil {
		if v, ok := condition.Header(req, "Referer"); ok {
			ix.grams[gramReferer].scan(v, &sel)
		}
	}
	sel.add(ix.byMethod[req.Method])
	sel.add(ix.rest)
	return sel.n, !sel.full
}

// scan adds the lists of every gram of v.
func (g *grams) scan(v string, sel *selection) {
	if len(v) > maxGramScan {
		sel.full = true
		return
	}
	for i := 0; i+4 <= len(v); i++ {
		k := gram(v, i)
		if h := gramHash(k); g.bloom[h>>6]&(1<<(h&63)) != 0 {
			sel.add(g.lists[k])
		}
	}
}

// maxFieldKey bounds the field keys looked up: a field that some rule
// names, with a value no longer than the longest value of a rule, whose key
// would be longer selects every rule.
const maxFieldKey = 512

// fieldLists adds the lists of the name, and of the name and value, of
// every parameter, cookie and header of req that a rule names. Every
// occurrence of a repeated field is looked up: a rule's condition holds
// when any occurrence satisfies it.
func (ix *index) fieldLists(req *inspect.Request, sel *selection) {
	var buf [maxFieldKey]byte
	look := func(part byte, name, value string, fold bool) bool {
		if 1+len(name) > maxFieldKey {
			sel.full = true
			return false
		}
		buf[0] = part
		n := 1 + copy(buf[1:], name)
		if fold {
			for i := 1; i < n; i++ {
				if c := buf[i]; 'A' <= c && c <= 'Z' {
					buf[i] = c + 'a' - 'A'
				}
			}
		}
		if !ix.names[string(buf[:n])] {
			return true // no rule names the field
		}
		sel.add(ix.byField[string(buf[:n])])
		if len(value) > ix.maxValue {
			return !sel.full // longer than every value a rule compares with
		}
		if n+1+len(value) > maxFieldKey {
			sel.full = true
			return false
		}
		buf[n] = 0
		n += 1 + copy(buf[n+1:], value)
		sel.add(ix.byField[string(buf[:n])])
		return !sel.full
	}
	condition.EachField(req, condition.Params, func(name, value string) bool { return look('p', name, value, false) })
	for _, c := range req.Cookies {
		if !look('c', c.Name, c.Value, false) {
			return
		}
	}
	for _, h := range req.Headers {
		if !look('h', h.Name, h.Value, true) {
			return
		}
	}
}
