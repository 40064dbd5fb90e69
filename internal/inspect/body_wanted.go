package inspect

import "strings"

// InspectsBody reports whether Inspect would look at a body of the content
// type, so that a data plane reads a body prefix only when it is needed:
// false when protection is off or none of the rules for that kind of body
// (fields of form, JSON and multipart bodies; raw rules for the others)
// is on.
func (in *Inspector) InspectsBody(contentType string) bool {
	if !in.cfg.Enabled {
		return false
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	fields := len(in.rules[bitIndex(tParams)]) > 0
	raw := len(in.rules[bitIndex(tRaw)]) > 0
	switch {
	case mt == "application/x-www-form-urlencoded" || mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return fields
	case mt == "multipart/form-data":
		return fields || raw || len(in.rules[bitIndex(tPartHead)]) > 0
	}
	return raw
}
