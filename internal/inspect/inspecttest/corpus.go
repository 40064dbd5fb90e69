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
// string. An attack written as "type:3" is an evasion only the strict
// level is expected to catch: its Level is 3 (otherwise 1).
type CorpusItem struct {
	Attack  string // empty in the benign corpus
	Level   int    // the lowest level expected to detect the attack
	Where   string // path, param, cookie, ua, header, json, form, xml, filename or upload
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
			it = CorpusItem{Attack: fields[0], Level: 1, Where: fields[1], Payload: fields[2]}
			if attack, level, ok := strings.Cut(it.Attack, ":"); ok {
				if it.Level, err = strconv.Atoi(level); err != nil || it.Level < 1 || it.Level > 3 {
					return nil, fmt.Errorf("%s:%d: bad level in %q", name, n, fields[0])
				}
				it.Attack = attack
			}
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

// Body returns the body that carries a json, form, xml, filename or
// upload item, with its content type: attack payloads are values and are
// wrapped in a body, benign json and form items are whole bodies. A
// filename item is the name of an uploaded file, an upload item its
// content, both sent as multipart/form-data.
func (it CorpusItem) Body() (contentType, body string) {
	switch it.Where {
	case "filename":
		return MultipartUpload(it.Payload, "GIF89a\x01\x00\x01\x00")
	case "upload":
		return MultipartUpload("avatar.png", it.Payload)
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

// MultipartBoundary is the boundary of the multipart bodies built here.
const MultipartBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

// MultipartUpload returns a browser-style multipart/form-data body with a
// text field and one uploaded file, and its content type.
func MultipartUpload(filename, content string) (contentType, body string) {
	const d = "--" + MultipartBoundary
	body = d + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday photos\r\n" +
		d + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\nContent-Type: image/png\r\n\r\n" +
		content + "\r\n" + d + "--\r\n"
	return "multipart/form-data; boundary=" + MultipartBoundary, body
}
