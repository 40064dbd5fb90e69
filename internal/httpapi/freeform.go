package httpapi

import (
	"encoding/json"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Bounds of a free-form object (a field whose members Rampart keeps without
// interpreting them: a WAF host's block_page, flag, traffic_mark,
// circuit_breaker and timeout_config, a WAF policy's modulex_options).
const (
	maxFreeFormDepth = 8        // nesting below the field itself
	maxFreeFormBytes = 32 << 10 // encoded size
)

// freeFormObject checks a decoded free-form object and returns it with its
// numbers as float64, the form every later read decodes them to, so what a
// write answers is what a read answers. decode has already refused numbers
// beyond float64, NUL characters and invalid UTF-8; this bounds the depth
// and the encoded size. A nil object stays nil (the field is absent).
func freeFormObject(field string, m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	out, err := freeFormValue(field, m, 1)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, rampart.Invalid(field, "The field %s cannot be stored: %s.", field, err.Error())
	}
	if len(b) > maxFreeFormBytes {
		return nil, rampart.Invalid(field, "The field %s is %d bytes long once encoded; at most %d are accepted.", field, len(b), maxFreeFormBytes)
	}
	return out.(map[string]any), nil
}

func freeFormValue(field string, v any, depth int) (any, error) {
	switch v.(type) {
	case map[string]any, []any:
		if depth > maxFreeFormDepth {
			return nil, rampart.Invalid(field, "The field %s nests deeper than %d levels.", field, maxFreeFormDepth)
		}
	}
	var err error
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if out[k], err = freeFormValue(field, e, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			if out[i], err = freeFormValue(field, e, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return nil, rampart.Invalid(field, "The field %s holds the number %s, which is not a finite 64-bit floating-point value.", field, clip(v.String()))
		}
		return f, nil
	}
	return v, nil
}
