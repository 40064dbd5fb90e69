package condition

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"

	"github.com/rampartsec/rampart/internal/waf"
)

// Compile errors; the error Compile returns wraps one of them and names the
// condition.
var (
	ErrCategory  = errors.New("unknown condition category")
	ErrOperation = errors.New("logic operation not allowed for the category")
	ErrContents  = errors.New("contents do not fit the logic operation")
	ErrIndex     = errors.New("index does not fit the category")
	ErrNoList    = errors.New("unknown reference table")
	ErrListType  = errors.New("reference table of the wrong type")
)

// Set is the compiled conditions of one rule, cheapest first. It is
// immutable and safe for concurrent use.
type Set struct {
	conds []cond
}

// cond is one compiled condition.
type cond struct {
	src       source
	op        op
	not       bool
	allFields bool   // ignore rules' check_all_indexes_logic 1: every field
	anyField  bool   // ignore rules' check_all_indexes_logic 2: any field
	every     bool   // ignore rules: the named field holds when every occurrence does, not one
	index     string // field name (params, cookie; header: ASCII lower case)
	values    []string
	n         int64
	re        *regexp.Regexp
	body      []byte         // request_body: the content
	prefixes  []netip.Prefix // ip, ipv6: masked
	cost      int
}

// spec is a condition of either rule model, with its reference table
// resolved.
type spec struct {
	category, index, operation string
	contents                   []string
	listID                     string
	lists                      map[string]*waf.ValueList
	allFields, anyField        bool
	every                      bool
}

// Compile compiles the conditions of a precise-protection or CC rule. A
// condition on a named field (params, cookie, header) holds when any
// occurrence of the field satisfies it, so that repeating a field never
// hides a value from a rule. The *_any / not_*_all operations read the reference table value_list_id
// names in lists; a table missing from lists, or of another type than the
// condition's category, is an error, as is any condition the package
// cannot evaluate. No condition compiles to a nil *Set, which matches
// every request.
func Compile(conds []waf.CustomCondition, lists map[string]*waf.ValueList) (*Set, error) {
	specs := make([]spec, len(conds))
	for i, c := range conds {
		specs[i] = spec{category: c.Category, index: c.Index, operation: c.LogicOperation, contents: c.Contents,
			listID: c.ValueListID, lists: lists}
	}
	return compile(specs)
}

// CompilePass compiles the conditions of a precise-protection pass rule,
// which lets a request skip the other checks: as Compile, except that a
// condition on a named field holds only when every occurrence of the
// field satisfies it (as for ignore rules), so that ?id=ok&id=<attack>
// does not pass under "id equal ok".
func CompilePass(conds []waf.CustomCondition, lists map[string]*waf.ValueList) (*Set, error) {
	specs := make([]spec, len(conds))
	for i, c := range conds {
		specs[i] = spec{category: c.Category, index: c.Index, operation: c.LogicOperation, contents: c.Contents,
			listID: c.ValueListID, lists: lists, every: true}
	}
	return compile(specs)
}

// CompileIgnore compiles the conditions of an ignore (false-alarm mask)
// rule. They read no reference table. A condition on a named field holds
// only when every occurrence of the field satisfies it (and, for the
// operations that need the field, there is one), so that a repeated field
// cannot carry an attack past a mask written for another value.
func CompileIgnore(conds []waf.IgnoreCondition) (*Set, error) {
	specs := make([]spec, len(conds))
	for i, c := range conds {
		specs[i] = spec{category: c.Category, index: c.Index, operation: c.LogicOperation, contents: c.Contents,
			allFields: c.CheckAllIndexes == 1, anyField: c.CheckAllIndexes == 2, every: true}
	}
	return compile(specs)
}

func compile(specs []spec) (*Set, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	s := &Set{conds: make([]cond, 0, len(specs))}
	for i := range specs {
		c, err := specs[i].compile()
		if err != nil {
			return nil, fmt.Errorf("conditions[%d] (%s %s): %w", i, specs[i].category, specs[i].operation, err)
		}
		s.conds = append(s.conds, c)
	}
	slices.SortStableFunc(s.conds, func(a, b cond) int { return cmp.Compare(a.cost, b.cost) })
	return s, nil
}

func (sp *spec) compile() (cond, error) {
	src, ok := sources[sp.category]
	if !ok {
		return cond{}, fmt.Errorf("%w %q", ErrCategory, sp.category)
	}
	o, ok := operations[sp.operation]
	if !ok || !allowed(src, o) {
		return cond{}, ErrOperation
	}
	c := cond{src: src, op: o.op, not: o.not, allFields: sp.allFields, anyField: sp.anyField, every: sp.every}
	switch {
	case !src.hasFields() && (sp.index != "" || sp.allFields || sp.anyField):
		return cond{}, ErrIndex
	case src.hasFields() && sp.allFields && sp.anyField:
		return cond{}, ErrIndex
	case src.hasFields() && sp.index == "" && !sp.allFields && !sp.anyField:
		return cond{}, ErrIndex
	}
	c.index = sp.index
	switch src {
	case srcHeader:
		c.index = HeaderKey(c.index)
	case srcUserAgent:
		c.index = "user-agent" // read as the header of that name, every occurrence
	case srcReferer:
		c.index = "referer"
	}
	if err := sp.values(&c, o); err != nil {
		return cond{}, err
	}
	c.cost = c.estimate()
	return c, nil
}

// allowed reports whether the package can evaluate the operation on the
// source.
func allowed(src source, o operation) bool {
	switch {
	case src.isAddress():
		return o.op == opEqual
	case src.isLengthOnly():
		return o.op.isLength()
	case src == srcBody:
		return (o.op == opContain || o.op == opRegexp) && !o.table
	case o.op == opExist || o.op.isNumber():
		return src.hasFields()
	case o.table:
		_, ok := tableTypes[src]
		return ok
	}
	return true
}

// values sets the values, number, regular expression or prefixes of c
// from the contents or the reference table.
func (sp *spec) values(c *cond, o operation) error {
	values := sp.contents
	switch {
	case o.table:
		if len(sp.contents) != 0 {
			return fmt.Errorf("%w: a reference-table operation takes no contents", ErrContents)
		}
		l := sp.lists[sp.listID]
		if l == nil {
			return fmt.Errorf("%w %q", ErrNoList, sp.listID)
		}
		if l.Type != tableTypes[c.src] {
			return fmt.Errorf("%w: table %q is of type %q, the category needs %q", ErrListType, sp.listID, l.Type, tableTypes[c.src])
		}
		values = l.Values
	case sp.listID != "":
		return fmt.Errorf("%w: value_list_id without a reference-table operation", ErrContents)
	case o.op == opExist:
		if len(values) != 0 {
			return fmt.Errorf("%w: %s takes no contents", ErrContents, sp.operation)
		}
		return nil
	case len(values) != 1:
		return fmt.Errorf("%w: exactly one value is needed", ErrContents)
	}
	switch {
	case c.src.isAddress():
		for _, v := range values {
			p, err := ParsePrefix(v)
			if err != nil {
				return fmt.Errorf("%w: %q is not an address or CIDR block", ErrContents, v)
			}
			c.prefixes = append(c.prefixes, p)
		}
	case o.op.isLength() || o.op.isNumber():
		n, err := strconv.ParseInt(values[0], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not an integer", ErrContents, values[0])
		}
		c.n = n
	case o.op == opRegexp:
		re, err := regexp.Compile(values[0])
		if err != nil {
			return fmt.Errorf("%w: %v", ErrContents, err)
		}
		c.re = re
	default:
		c.values = slices.Clone(values)
		if c.src == srcBody {
			c.body = []byte(values[0])
		}
	}
	return nil
}

// ParsePrefix reads the address or CIDR block of an ip or ipv6 condition
// as conditions match it: masked, an IPv4-mapped IPv6 address read as
// IPv4, no zone.
func ParsePrefix(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("not an address")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// estimate ranks a condition by the work it does on a request, so that a
// Set tries the cheap ones first: the result does not depend on the order.
func (c *cond) estimate() int {
	cost := 0
	switch c.src {
	case srcMethod, srcIP, srcIPv6, srcRequestLine:
		cost = 1
	case srcURL:
		cost = 2
	case srcUserAgent, srcReferer, srcCookie, srcHeader:
		cost = 3
	case srcParams:
		cost = 4
	case srcRequest:
		cost = 5
	case srcBody:
		cost = 8
	}
	switch {
	case c.op == opContain:
		cost += 2
	case c.op == opRegexp:
		cost += 6
	}
	if c.allFields || c.anyField {
		cost += 3
	}
	return cost*32 + min(len(c.values)+len(c.prefixes), 31)
}

// HeaderKey is a header name as conditions compare it: its ASCII letters in
// lower case (header names are case-insensitive).
func HeaderKey(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
