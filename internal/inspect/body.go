package inspect

import (
	"mime"
	"strings"
	"unsafe"
)

// body inspects the body prefix according to its content type: form
// fields, JSON strings and multipart text fields as parameters; uploaded
// files and other bodies (XML, text) with the raw-body rules only.
func (in *Inspector) body(sc *scratch, b []byte, contentType string) Verdict {
	if len(b) == 0 {
		return Verdict{}
	}
	if len(b) > MaxBodyBytes {
		b = b[:MaxBodyBytes]
	}
	s := unsafe.String(unsafe.SliceData(b), len(b))
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	switch {
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		return in.form(sc, s, LocationBody)
	case strings.EqualFold(mt, "application/json") || strings.HasSuffix(strings.ToLower(mt), "+json"):
		return in.json(sc, s)
	case strings.EqualFold(mt, "multipart/form-data"):
		return in.multipart(sc, s, contentType)
	}
	return in.raw(sc, s)
}

// form inspects a URL-encoded list of name=value pairs.
func (in *Inspector) form(sc *scratch, s, loc string) Verdict {
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, "&")
		name, value, _ := strings.Cut(item, "=")
		if v := in.pair(sc, name, value, tParams, loc, true); v.Detected() {
			return v
		}
	}
	return Verdict{}
}

// json inspects every string literal of a JSON document (keys and
// values). The escapes of JSON's own syntax (\" \\ \/) are undone, so
// that a quote in text is a quote and not a backslash before one; the
// others (\uXXXX, \n, …) are left for the decoders. It does not validate
// the document: a truncated or malformed body is inspected as far as it
// goes.
func (in *Inspector) json(sc *scratch, s string) Verdict {
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		end := min(j, len(s))
		lit := s[i+1 : end]
		if strings.IndexByte(lit, '\\') >= 0 {
			lit = lit[:min(len(lit), MaxValueBytes)] // value inspects no more
			sc.json = unescapeJSONSyntax(sc.json[:0], lit)
			lit = unsafe.String(unsafe.SliceData(sc.json), len(sc.json))
		}
		if v := in.value(sc, lit, tParams, LocationBody, false); v.Detected() {
			return v
		}
		i = end
	}
	return Verdict{}
}

// unescapeJSONSyntax appends lit to dst with \" \\ and \/ replaced by
// the byte they escape.
func unescapeJSONSyntax(dst []byte, lit string) []byte {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == '\\' && i+1 < len(lit) && (lit[i+1] == '"' || lit[i+1] == '\\' || lit[i+1] == '/') {
			i++
			c = lit[i]
		}
		dst = append(dst, c)
	}
	return dst
}

// multipart inspects each part: the part headers for executable upload
// names, text fields as parameters, files with the raw-body rules.
func (in *Inspector) multipart(sc *scratch, s, contentType string) Verdict {
	_, params, err := mime.ParseMediaType(contentType)
	boundary := params["boundary"]
	if err != nil || boundary == "" {
		return in.raw(sc, s)
	}
	delim := "--" + boundary
	for {
		i := strings.Index(s, delim)
		if i < 0 {
			return Verdict{}
		}
		s = s[i+len(delim):]
		if strings.HasPrefix(s, "--") {
			return Verdict{}
		}
		head, rest, ok := cutPartHead(s)
		if !ok {
			return in.value(sc, s, tPartHead, LocationBody, false)
		}
		content := rest
		if j := strings.Index(rest, "\n"+delim); j >= 0 {
			content = strings.TrimSuffix(rest[:j], "\r")
		}
		s = rest[len(content):]
		if v := in.value(sc, head, tPartHead, LocationBody, false); v.Detected() {
			return v
		}
		t := tParams
		if strings.Contains(strings.ToLower(head), "filename=") {
			t = tRaw
		}
		for c := content; c != ""; {
			chunk := c[:min(len(c), MaxValueBytes)]
			c = c[len(chunk):]
			if v := in.value(sc, chunk, t, LocationBody, false); v.Detected() {
				return v
			}
			if t == tParams {
				break
			}
		}
	}
}

// raw inspects a body that is not made of fields, in MaxValueBytes chunks.
func (in *Inspector) raw(sc *scratch, s string) Verdict {
	for s != "" {
		chunk := s[:min(len(s), MaxValueBytes)]
		s = s[len(chunk):]
		if v := in.value(sc, chunk, tRaw, LocationBody, false); v.Detected() {
			return v
		}
	}
	return Verdict{}
}

// cutPartHead splits a multipart part at the blank line after its
// headers. Lines may end with CRLF, as the standard says, or with a bare
// LF, as some clients and servers accept.
func cutPartHead(s string) (head, rest string, ok bool) {
	crlf, lf := strings.Index(s, "\r\n\r\n"), strings.Index(s, "\n\n")
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return s[:crlf], s[crlf+4:], true
	case lf >= 0:
		return s[:lf], s[lf+2:], true
	}
	return s, "", false
}
