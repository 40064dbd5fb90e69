package storeform

import "github.com/rampartsec/rampart/internal/waf"

// conditionRow is how a condition is stored in the conditions array of
// precise-protection and CC rules.
type conditionRow struct {
	Category       string   `json:"category"`
	Index          string   `json:"index,omitempty"`
	LogicOperation string   `json:"logic_operation"`
	Contents       []string `json:"contents"`
	ValueListID    string   `json:"value_list_id,omitempty"`
}

// EncodeConditions returns the stored conditions array.
func EncodeConditions(cs []waf.CustomCondition) string {
	rows := make([]conditionRow, len(cs))
	for i, c := range cs {
		rows[i] = conditionRow(c)
	}
	return encode(rows)
}

// DecodeConditions reads a conditions array; an empty array gives an
// empty, non-nil slice.
func DecodeConditions(b []byte) ([]waf.CustomCondition, error) {
	var rows []conditionRow
	if err := decode(b, &rows, "conditions"); err != nil {
		return nil, err
	}
	out := make([]waf.CustomCondition, len(rows))
	for i, c := range rows {
		out[i] = waf.CustomCondition(c)
	}
	return out, nil
}

// customActionRow is how a precise-protection rule's action is stored.
type customActionRow struct {
	Category         string `json:"category"`
	FollowedActionID string `json:"followed_action_id,omitempty"`
}

// EncodeCustomAction returns the stored action document.
func EncodeCustomAction(a waf.CustomAction) string { return encode(customActionRow(a)) }

// DecodeCustomAction reads an action document.
func DecodeCustomAction(b []byte) (waf.CustomAction, error) {
	var a customActionRow
	err := decode(b, &a, "action")
	return waf.CustomAction(a), err
}

// ccActionRow is how a CC rule's action is stored.
type ccActionRow struct {
	Category string         `json:"category"`
	Response *ccResponseRow `json:"response,omitempty"`
}

type ccResponseRow struct {
	ContentType string `json:"content_type"`
	Content     string `json:"content"`
}

// EncodeCCAction returns the stored CC action document.
func EncodeCCAction(a waf.CCAction) string {
	row := ccActionRow{Category: a.Category}
	if a.Response != nil {
		row.Response = &ccResponseRow{a.Response.ContentType, a.Response.Content}
	}
	return encode(row)
}

// DecodeCCAction reads a CC action document.
func DecodeCCAction(b []byte) (waf.CCAction, error) {
	var a ccActionRow
	if err := decode(b, &a, "action"); err != nil {
		return waf.CCAction{}, err
	}
	out := waf.CCAction{Category: a.Category}
	if a.Response != nil {
		out.Response = &waf.CCResponse{ContentType: a.Response.ContentType, Content: a.Response.Content}
	}
	return out, nil
}

// ccTagConditionRow is how a CC rule's tag condition is stored.
type ccTagConditionRow struct {
	Category string   `json:"category"`
	Contents []string `json:"contents"`
}

// EncodeCCTagCondition returns the stored tag condition: nil (NULL) for
// none.
func EncodeCCTagCondition(c *waf.CCTagCondition) *string {
	if c == nil {
		return nil
	}
	s := encode(ccTagConditionRow(*c))
	return &s
}

// DecodeCCTagCondition reads a tag condition; nil b (NULL) gives nil.
func DecodeCCTagCondition(b []byte) (*waf.CCTagCondition, error) {
	if b == nil {
		return nil, nil
	}
	var t ccTagConditionRow
	if err := decode(b, &t, "tag_condition"); err != nil {
		return nil, err
	}
	c := waf.CCTagCondition(t)
	return &c, nil
}

// ignoreConditionRow is how an ignore rule's condition is stored.
type ignoreConditionRow struct {
	Category        string   `json:"category"`
	Index           string   `json:"index,omitempty"`
	LogicOperation  string   `json:"logic_operation"`
	Contents        []string `json:"contents"`
	CheckAllIndexes int      `json:"check_all_indexes_logic,omitempty"`
}

// EncodeIgnoreConditions returns the stored conditions of an ignore rule.
func EncodeIgnoreConditions(cs []waf.IgnoreCondition) string {
	rows := make([]ignoreConditionRow, len(cs))
	for i, c := range cs {
		rows[i] = ignoreConditionRow(c)
	}
	return encode(rows)
}

// DecodeIgnoreConditions reads the conditions of an ignore rule.
func DecodeIgnoreConditions(b []byte) ([]waf.IgnoreCondition, error) {
	var rows []ignoreConditionRow
	if err := decode(b, &rows, "conditions"); err != nil {
		return nil, err
	}
	out := make([]waf.IgnoreCondition, len(rows))
	for i, c := range rows {
		out[i] = waf.IgnoreCondition(c)
	}
	return out, nil
}

// ignoreAdvancedRow is how an ignore rule's advanced settings are stored.
type ignoreAdvancedRow struct {
	Index  string   `json:"index"`
	Fields []string `json:"fields"`
}

// EncodeIgnoreAdvanced returns the stored advanced document: nil (NULL)
// for none.
func EncodeIgnoreAdvanced(a *waf.IgnoreAdvanced) *string {
	if a == nil {
		return nil
	}
	s := encode(ignoreAdvancedRow(*a))
	return &s
}

// DecodeIgnoreAdvanced reads an advanced document; nil b (NULL) gives nil.
func DecodeIgnoreAdvanced(b []byte) (*waf.IgnoreAdvanced, error) {
	if b == nil {
		return nil, nil
	}
	var a ignoreAdvancedRow
	if err := decode(b, &a, "advanced"); err != nil {
		return nil, err
	}
	out := waf.IgnoreAdvanced(a)
	return &out, nil
}
