package condition

// op is a compiled logic operation; a negated form is the same op with
// cond.not set.
type op uint8

const (
	opContain op = iota
	opEqual
	opPrefix
	opSuffix
	opLenEqual
	opLenGreater
	opLenLess
	opLenGreaterEqual
	opLenLessEqual
	opNumEqual
	opNumGreater
	opNumLess
	opExist
	opRegexp
)

// operation is what a logic operation name means.
type operation struct {
	op    op
	not   bool
	table bool // the *_any / not_*_all forms: compares with a reference table
}

// operations maps Huawei's logic operation names to their meaning. The
// table forms hold for "one of the table's values" (X_any) or "none of
// them" (not_X_all, the negation of X_any).
var operations = map[string]operation{
	"contain": {op: opContain}, "not_contain": {op: opContain, not: true},
	"equal": {op: opEqual}, "not_equal": {op: opEqual, not: true},
	"prefix": {op: opPrefix}, "not_prefix": {op: opPrefix, not: true},
	"suffix": {op: opSuffix}, "not_suffix": {op: opSuffix, not: true},

	"contain_any": {op: opContain, table: true}, "not_contain_all": {op: opContain, not: true, table: true},
	"equal_any": {op: opEqual, table: true}, "not_equal_all": {op: opEqual, not: true, table: true},
	"prefix_any": {op: opPrefix, table: true}, "not_prefix_all": {op: opPrefix, not: true, table: true},
	"suffix_any": {op: opSuffix, table: true}, "not_suffix_all": {op: opSuffix, not: true, table: true},

	"len_equal": {op: opLenEqual}, "len_not_equal": {op: opLenEqual, not: true},
	"len_greater": {op: opLenGreater}, "len_less": {op: opLenLess},
	"len_greater_equal": {op: opLenGreaterEqual}, "len_less_equal": {op: opLenLessEqual},

	"num_equal": {op: opNumEqual}, "num_not_equal": {op: opNumEqual, not: true},
	"num_greater": {op: opNumGreater}, "num_less": {op: opNumLess},

	"exist": {op: opExist}, "not_exist": {op: opExist, not: true},

	"regular_match": {op: opRegexp}, "regular_not_match": {op: opRegexp, not: true},
}

func (o op) isLength() bool { return o >= opLenEqual && o <= opLenLessEqual }

func (o op) isNumber() bool { return o >= opNumEqual && o <= opNumLess }

func (o op) isText() bool { return o <= opSuffix }
