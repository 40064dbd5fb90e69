package inspecttest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CorpusItem is one line of the attack corpus (testdata/attacks.txt:
// attack, where, payload) or of the benign corpus (testdata/benign.txt:
// where, payload). A payload written with a q: prefix is a Go-quoted
// string.
type CorpusItem struct {
	Attack  string // empty in the benign corpus
	Where   string // path, param, cookie, ua, header, json, form or xml
	Payload string
}

// LoadCorpus reads a corpus file; withAttack says whether its lines start
// with an attack type.
func LoadCorpus(path string, withAttack bool) ([]CorpusItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(path)
	var items []CorpusItem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		var it CorpusItem
		switch {
		case withAttack && len(fields) == 3:
			it = CorpusItem{Attack: fields[0], Where: fields[1], Payload: fields[2]}
		case !withAttack && len(fields) == 2:
			it = CorpusItem{Where: fields[0], Payload: fields[1]}
		default:
			return nil, fmt.Errorf("%s:%d: malformed line %q", name, n, line)
		}
		if rest, ok := strings.CutPrefix(it.Payload, "q:"); ok {
			if it.Payload, err = strconv.Unquote(rest); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, n, err)
			}
		}
		items = append(items, it)
	}
	return items, sc.Err()
}

// Body returns the body that carries a json, form or xml item, with its
// content type: attack payloads are values and are wrapped in a body,
// benign json and form items are whole bodies.
func (it CorpusItem) Body() (contentType, body string) {
	switch it.Where {
	case "json":
		if it.Attack != "" {
			return "application/json", `{"q":"` + it.Payload + `"}`
		}
		return "application/json", it.Payload
	case "form":
		if it.Attack != "" {
			return "application/x-www-form-urlencoded", "q=" + it.Payload
		}
		return "application/x-www-form-urlencoded", it.Payload
	case "xml":
		return "application/xml", it.Payload
	}
	return "", ""
}
