package secmaster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Blocklist file formats read by ParseBlocklist.
const (
	FormatPlain = "plain" // one address or CIDR per line, then an optional duration and reason
	FormatCSV   = "csv"   // CrowdSec's cscli decisions import CSV (header: any of duration,origin,reason,scope,type,value)
	FormatJSON  = "json"  // CrowdSec's cscli decisions import JSON (an array of {duration, origin, reason, scope, type, value})
)

// MaxReasonLen bounds a reason (it becomes the policy description).
const MaxReasonLen = MaxDescriptionLen

// MaxBadLines is how many bad lines ParseBlocklist reports before it stops.
const MaxBadLines = 20

// ImportEntry is one address or network of a blocklist file.
type ImportEntry struct {
	Line     int           // line of the file (1-based)
	Target   string        // normalised address or CIDR
	Duration time.Duration // 0: no expiry
	Reason   string
}

// BlocklistDefaults apply to the lines that do not say otherwise.
type BlocklistDefaults struct {
	Duration time.Duration // 0: no expiry
	Reason   string
}

// LineError is a bad line of a blocklist file.
type LineError struct {
	Line int
	Msg  string
}

// Error implements error.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// BlocklistError lists the bad lines of a file (at most MaxBadLines, the
// first ones); nothing of such a file is imported.
type BlocklistError struct {
	Lines     []*LineError
	Truncated bool // more bad lines followed
}

// Error implements error.
func (e *BlocklistError) Error() string {
	var b strings.Builder
	for i, l := range e.Lines {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l.Error())
	}
	if e.Truncated {
		fmt.Fprintf(&b, "\n(more bad lines follow; the first %d are shown)", MaxBadLines)
	}
	return b.String()
}

// FormatOf guesses a file's format from its name: .csv and .json are
// CrowdSec's formats, anything else is plain.
func FormatOf(name string) string {
	switch {
	case strings.HasSuffix(strings.ToLower(name), ".csv"):
		return FormatCSV
	case strings.HasSuffix(strings.ToLower(name), ".json"):
		return FormatJSON
	}
	return FormatPlain
}

// ParseDuration reads a decision duration: Go's form ("4h", "90m",
// "1h30m") with a day unit added ("7d", "1d12h"). It must be positive.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || n > 3_650_000 {
			return 0, fmt.Errorf("%q is not a duration (like 4h, 30m or 7d)", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	var d time.Duration
	if s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration (like 4h, 30m or 7d)", s)
		}
	}
	if d+days <= 0 || d < 0 {
		return 0, errors.New("a duration must be positive")
	}
	return d + days, nil
}

// blocklistReader collects a file's entries and bad lines.
type blocklistReader struct {
	def     BlocklistDefaults
	entries []ImportEntry
	bad     BlocklistError
}

// fail records a bad line; it reports whether reading should stop.
func (r *blocklistReader) fail(line int, format string, args ...any) bool {
	if len(r.bad.Lines) == MaxBadLines {
		r.bad.Truncated = true
		return true
	}
	r.bad.Lines = append(r.bad.Lines, &LineError{Line: line, Msg: fmt.Sprintf(format, args...)})
	return false
}

// add checks one decision and keeps it; duration and reason empty take the
// defaults. It reports whether reading should stop.
func (r *blocklistReader) add(line int, value, duration, reason, scope, typ string) bool {
	value = strings.TrimSpace(value)
	if value == "" {
		return r.fail(line, "no value (an address or CIDR)")
	}
	switch strings.ToLower(strings.TrimSpace(scope)) {
	case "", "ip", "range":
	default:
		return r.fail(line, "scope %q is not imported: only Ip and Range decisions are", scope)
	}
	if t := strings.ToLower(strings.TrimSpace(typ)); t != "" && t != "ban" {
		return r.fail(line, "type %q is not imported: only ban decisions become blocks", typ)
	}
	target, err := ParseIPTarget(value)
	if err != nil {
		return r.fail(line, "%q: %s", value, err)
	}
	e := ImportEntry{Line: line, Target: target, Duration: r.def.Duration, Reason: r.def.Reason}
	if strings.TrimSpace(duration) != "" {
		if e.Duration, err = ParseDuration(duration); err != nil {
			return r.fail(line, "duration: %s", err)
		}
	}
	if reason = strings.TrimSpace(reason); reason != "" {
		e.Reason = reason
	}
	if err := checkLen("reason", e.Reason, MaxReasonLen); err != nil {
		return r.fail(line, "the reason is longer than %d characters or not UTF-8", MaxReasonLen)
	}
	r.entries = append(r.entries, e)
	return false
}

// result returns the entries, or the bad lines if there were any.
func (r *blocklistReader) result() ([]ImportEntry, error) {
	if len(r.bad.Lines) > 0 {
		return nil, &r.bad
	}
	return r.entries, nil
}

// ParseBlocklist reads a blocklist file in one of the formats. Every line
// is checked before anything is returned: a file with a bad line gives a
// *BlocklistError naming the lines (1-based) and no entries. Plain lines
// are "ADDRESS [DURATION [REASON…]]"; blank lines and lines starting with
// '#' are skipped. CSV and JSON are CrowdSec's cscli decisions import
// formats: scope Ip or Range (or empty), type ban (or empty).
func ParseBlocklist(r io.Reader, format string, def BlocklistDefaults) ([]ImportEntry, error) {
	br := &blocklistReader{def: def}
	var err error
	switch format {
	case FormatPlain:
		err = br.readPlain(r)
	case FormatCSV:
		err = br.readCSV(r)
	case FormatJSON:
		err = br.readJSON(r)
	default:
		return nil, fmt.Errorf("unknown format %q: plain, csv or json", format)
	}
	if err != nil {
		return nil, err
	}
	return br.result()
}

func (r *blocklistReader) readPlain(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if text == "" || text[0] == '#' {
			continue
		}
		value, rest := cutField(text)
		duration, reason := cutField(rest)
		if r.add(line, value, duration, reason, "", "") {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
}

// cutField splits s at its first blank (space or tab) into the field
// before it and the rest, trimmed.
func cutField(s string) (field, rest string) {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return s, ""
}

// csvColumns are the columns of CrowdSec's CSV that are read.
var csvColumns = []string{"duration", "origin", "reason", "scope", "type", "value"}

func (r *blocklistReader) readCSV(in io.Reader) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("line 1: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range csvColumns {
			known = known || c == h
		}
		if !known {
			return &BlocklistError{Lines: []*LineError{{Line: 1, Msg: fmt.Sprintf("unknown column %q (the header names any of %s)", h, strings.Join(csvColumns, ","))}}}
		}
		col[h] = i
	}
	if _, ok := col["value"]; !ok {
		return &BlocklistError{Lines: []*LineError{{Line: 1, Msg: "the header has no value column"}}}
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			if r.fail(pe.Line, "%v", err) {
				return nil
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if r.add(line, field(rec, "value"), field(rec, "duration"), field(rec, "reason"), field(rec, "scope"), field(rec, "type")) {
			return nil
		}
	}
}

// jsonDecision is one decision of CrowdSec's JSON import format.
type jsonDecision struct {
	Duration string `json:"duration"`
	Origin   string `json:"origin"`
	Reason   string `json:"reason"`
	Scope    string `json:"scope"`
	Type     string `json:"type"`
	Value    string `json:"value"`
}

func (r *blocklistReader) readJSON(in io.Reader) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return &BlocklistError{Lines: []*LineError{{Line: lineAt(dec.InputOffset()), Msg: "the file is not a JSON array of decisions"}}}
	}
	// Lines are counted incrementally: the decoder only moves forward.
	line, counted := 1, int64(0)
	advance := func(off int64) int {
		line += bytes.Count(data[counted:off], []byte("\n"))
		counted = off
		return line
	}
	for dec.More() {
		start := dec.InputOffset()
		var d jsonDecision
		if err := dec.Decode(&d); err != nil {
			// The decoder cannot resume after a syntax error.
			r.fail(advance(start)+leadingNewlines(data[start:]), "not a decision object: %v", err)
			return nil
		}
		if r.add(advance(start)+leadingNewlines(data[start:]), d.Value, d.Duration, d.Reason, d.Scope, d.Type) {
			return nil
		}
	}
	if _, err := dec.Token(); err != nil {
		r.fail(lineAt(dec.InputOffset()), "the JSON array is not closed: %v", err)
	}
	return nil
}

// leadingNewlines counts the line breaks before the next value in b (the
// separator and blanks the decoder has not consumed yet).
func leadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case '\n':
			n++
		case ' ', '\t', '\r', ',':
		default:
			return n
		}
	}
	return n
}
