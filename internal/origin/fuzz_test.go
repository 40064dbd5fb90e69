package origin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/origin"
)

// FuzzParseGeoip checks that ParseGeoip either returns codes that format back
// to exactly its input, or a *ParseError naming an item of the input.
//
//	go test -run '^$' -fuzz FuzzParseGeoip -fuzztime 30s ./internal/origin
func FuzzParseGeoip(f *testing.F) {
	for _, s := range []string{
		"", "CN", "CN|US|GD", "FJ|JL|LN|GZ", "CN||US", "CN|", "|", "CN|CN",
		"South Africa|Congo, Democratic Republic", "Cote D'Ivoire (Ivory Coast)",
		"cn", "Russia", "HK|MO|TW", "\x00|\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		codes, err := origin.ParseGeoip(s)
		if err != nil {
			var pe *origin.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseGeoip(%q): error %T %v is not a *ParseError", s, err, err)
			}
			if codes != nil {
				t.Fatalf("ParseGeoip(%q): codes %v with error", s, codes)
			}
			items := strings.Split(s, "|")
			found := false
			for _, it := range items {
				if it == pe.Item {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("ParseGeoip(%q): error names %q, not an item of the input", s, pe.Item)
			}
			return
		}
		if len(codes) == 0 {
			t.Fatalf("ParseGeoip(%q): no codes and no error", s)
		}
		seen := map[origin.Code]bool{}
		for _, c := range codes {
			if !c.Valid() || seen[c] {
				t.Fatalf("ParseGeoip(%q): invalid or repeated code %d", s, c)
			}
			seen[c] = true
		}
		if got := origin.FormatGeoip(codes); got != s {
			t.Fatalf("FormatGeoip(ParseGeoip(%q)) = %q", s, got)
		}
	})
}
