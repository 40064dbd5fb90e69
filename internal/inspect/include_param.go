package inspect

import "strings"

// ruleIncludeParam is the rule of an absolute URL in a parameter whose
// name says the application includes or loads what it names (file=,
// include=, template=, path=): the shape of a remote file inclusion
// whatever the host. It looks at the name and the value together, so it
// lives outside the value-by-value catalogue, like the framing rules.
const ruleIncludeParam = "150010"

// includeParamNames are the parameter names, lower case, that name a file
// or template to load.
var includeParamNames = map[string]bool{
	"include": true, "inc": true, "require": true, "file": true, "filename": true, "filepath": true, "path": true,
	"template": true, "tpl": true, "module": true, "mod": true, "root": true, "dir": true, "folder": true,
	"conf": true, "config": true, "layout": true, "load": true, "document_root": true, "basedir": true,
}

// includeParam reports whether name is an include-like parameter name and
// value an absolute URL with a scheme an include can fetch (raw, as in a
// query string, or decoded).
func includeParam(name, value string) bool {
	if len(name) > 16 || len(value) < 8 {
		return false
	}
	v := value
	for v != "" && (v[0] == ' ' || v[0] == '\t' || v[0] == '+') {
		v = v[1:]
	}
	url := false
	for _, scheme := range []string{"http", "https", "ftp", "ftps"} {
		if len(v) > len(scheme) && hasFoldedPrefix(v, scheme) {
			rest := v[len(scheme):]
			if strings.HasPrefix(rest, "://") || len(rest) >= 9 && hasFoldedPrefix(rest, "%3a%2f%2f") {
				url = true
			}
		}
	}
	if !url {
		return false
	}
	var buf [16]byte
	for i := 0; i < len(name); i++ {
		buf[i] = name[i] | 0x20
		if name[i] < 'A' || name[i] > 'Z' && name[i] < 'a' {
			buf[i] = name[i]
		}
	}
	return includeParamNames[string(buf[:len(name)])]
}
