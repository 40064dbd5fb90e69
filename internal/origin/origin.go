// Package origin is the vocabulary of where an address comes from, as Huawei
// Cloud WAF speaks of it: the location codes accepted in geolocation (geoip)
// rules and the data-centre (IDC) tags accepted in IP-reputation rules.
//
// Representation. A location is a Code, a small integer index into a fixed
// table compiled into the program (271 entries: China, its 31
// province-level divisions, Hong Kong, Macao, Taiwan and every country Huawei
// lists). The zero Code means "no location". Codes are comparable, fit in
// ten bits and cost nothing to copy, so a prefix table can pack a country, a
// province and a TagSet into one uint32. The numeric value of a Code is an
// in-process index that may change between releases: persist String(), never
// the number. A data-centre tag is a Tag; a set of tags is a TagSet bitmask.
//
// Cost model. Code, Tag and TagSet accessors are array reads or bit
// operations. Parse, Valid, ParseTag and FromISO (with upper-case input) are
// one map access or a short scan and allocate nothing; ProvinceByName
// allocates only to normalise a name that is not already lower-case
// letters. ParseGeoip allocates the result slice only.
//
// The package imports only the standard library. All tables are immutable
// after package initialisation and safe for concurrent use.
package origin

import (
	"fmt"
	"strings"
)

// Kind classifies a location code.
type Kind uint8

// Location kinds.
const (
	KindNone     Kind = iota // the zero Code
	KindCountry              // a country or territory (ISO 3166-1), including CN itself
	KindProvince             // a province-level division of the Chinese mainland (ISO 3166-2:CN)
	KindRegion               // Hong Kong, Macao or Taiwan: listed by Huawei among China's locations, an ISO 3166-1 country in address data
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindCountry:
		return "country"
	case KindProvince:
		return "province"
	case KindRegion:
		return "region"
	default:
		return "none"
	}
}

// Code is a Huawei WAF geolocation code. The zero value means no location.
// See the package comment for the representation.
type Code uint16

// MaxCode is the largest valid Code value. Every valid Code c satisfies
// 0 < c <= MaxCode, and MaxCode < 1<<CodeBits.
const MaxCode = Code(len(table) - 1)

// CodeBits is the number of bits needed to hold any Code; packed encodings
// may rely on it.
const CodeBits = 10

// Compile-time check that every Code fits in CodeBits.
var _ [1<<CodeBits - 1 - int(MaxCode)]struct{}

type info struct {
	code    string // the exact string Huawei accepts in geoip
	kind    Kind
	country string // ISO 3166-1 alpha-2 of the country the location is in
	subdiv  string // ISO 3166-2 code for provinces and regions
	name    string // English name
}

// Valid reports whether c is a known location (not zero, not out of range).
func (c Code) Valid() bool { return c > 0 && c <= MaxCode }

func (c Code) info() *info {
	if c > MaxCode {
		return &table[0]
	}
	return &table[c]
}

// String returns the code exactly as Huawei writes it in geoip ("CN", "GD",
// "US", "South Africa"), or "" for the zero Code.
func (c Code) String() string { return c.info().code }

// Kind returns the kind of location c names.
func (c Code) Kind() Kind { return c.info().kind }

// Name returns the English name of the location ("Guangdong", "United
// Kingdom").
func (c Code) Name() string { return c.info().name }

// Country returns the ISO 3166-1 alpha-2 code of the country or territory c
// is in: "CN" for CN and for each province, "HK" for Hong Kong, "GB" for UK.
func (c Code) Country() string { return c.info().country }

// Subdivision returns the ISO 3166-2 code of a province or region
// ("CN-GD", "CN-HK"), or "" for a country.
func (c Code) Subdivision() string { return c.info().subdiv }

// MarshalText implements encoding.TextMarshaler with the Huawei code string.
func (c Code) MarshalText() ([]byte, error) {
	if c != 0 && !c.Valid() {
		return nil, fmt.Errorf("origin: invalid code %d", uint16(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. The empty string is the
// zero Code; an unknown code is an error.
func (c *Code) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = 0
		return nil
	}
	v, ok := Parse(string(b))
	if !ok {
		return &ParseError{Item: string(b), Reason: "unknown location code"}
	}
	*c = v
	return nil
}

// Codes returns every valid Code in table order: CN, the provinces, the
// regions, then the other countries by English name.
func Codes() []Code {
	out := make([]Code, 0, MaxCode)
	for c := Code(1); c <= MaxCode; c++ {
		out = append(out, c)
	}
	return out
}

var (
	byCode    = map[string]Code{}
	byCountry = map[string]Code{} // ISO 3166-1 alpha-2 -> Code (countries and regions)
	bySubdiv  = map[string]Code{} // ISO 3166-2 suffix ("GD", "HK") and legacy numeric ("44") -> Code
	byName    = map[string]Code{} // normalised province/region names -> Code
)

// legacyCN maps the numeric ISO 3166-2:CN codes in use before 2017 (still
// found in older databases) to the current letter suffixes.
var legacyCN = map[string]string{
	"11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM",
	"21": "LN", "22": "JL", "23": "HL",
	"31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX", "37": "SD",
	"41": "HA", "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI",
	"50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ",
	"61": "SN", "62": "GS", "63": "QH", "64": "NX", "65": "XJ",
	"71": "TW", "91": "HK", "92": "MO",
}

// nameAliases are province and region names used by address databases that
// differ from table names once normalised.
var nameAliases = map[string]string{
	"tibet": "XZ", "xizang": "XZ", "xizangtibet": "XZ",
	"neimongol": "NM", "neimenggu": "NM",
	"guangxizhuang": "GX",
	"ningxiahui":    "NX",
	"xinjianguygur": "XJ", "xinjianguyghur": "XJ", "xinjiangweiwuer": "XJ",
	"hongkong": "HK", "hongkongchina": "HK",
	"macao": "MO", "macau": "MO", "macaochina": "MO",
	"taiwan": "TW", "taiwanchina": "TW",
}

func init() {
	for i := 1; i < len(table); i++ {
		c := Code(i)
		e := &table[i]
		if _, dup := byCode[e.code]; dup {
			panic("origin: duplicate code " + e.code)
		}
		byCode[e.code] = c
		switch e.kind {
		case KindCountry:
			byCountry[e.country] = c
		case KindProvince, KindRegion:
			suffix := strings.TrimPrefix(e.subdiv, "CN-")
			bySubdiv[suffix] = c
			byName[normName(e.name)] = c
			if e.kind == KindRegion {
				byCountry[e.country] = c
			}
		}
	}
	for num, suffix := range legacyCN {
		bySubdiv[num] = bySubdiv[suffix]
	}
	for alias, code := range nameAliases {
		byName[alias] = byCode[code]
	}
}

// Parse returns the Code for a Huawei geoip code string. Matching is exact
// (case and spacing included), as the WAF API matches it.
func Parse(s string) (Code, bool) {
	c, ok := byCode[s]
	return c, ok
}

// Valid reports whether s is a location code Huawei WAF accepts in geoip.
func Valid(s string) bool {
	_, ok := byCode[s]
	return ok
}

// FromISO maps ISO codes, as address databases report them, to Huawei codes.
// country is an ISO 3166-1 alpha-2 code ("CN", "GB", "HK"); subdivision is
// an ISO 3166-2 code of a Chinese province with or without the "CN-" prefix
// ("CN-GD", "GD", or the pre-2017 numeric "44"), or "".
//
// For an address in China, countryCode is CN and provinceCode is the
// province, or zero when the subdivision is empty or unknown. Hong Kong,
// Macao and Taiwan are reported as their own countryCode (HK, MO, TW) with a
// zero provinceCode, whether the data gives them as a country or as a CN
// subdivision. Countries Huawei does not list (for example RU) give zero.
// Case is ignored.
func FromISO(country, subdivision string) (countryCode, provinceCode Code) {
	cc := upperASCII(country)
	if cc == "UK" {
		cc = "GB"
	}
	countryCode = byCountry[cc]
	if countryCode != byCode["CN"] || subdivision == "" {
		return countryCode, 0
	}
	sub := upperASCII(subdivision)
	sub = strings.TrimPrefix(sub, "CN-")
	p := bySubdiv[sub]
	if p.Kind() == KindRegion {
		return p, 0
	}
	return countryCode, p
}

// ProvinceByName returns the Code of a Chinese province or region from its
// English or pinyin name as address databases spell it: "Guangdong",
// "Guangdong Sheng", "Beijing Shi", "Inner Mongolia", "Nei Mongol",
// "Tibet", "Guangxi Zhuang Autonomous Region", "Hong Kong". Case, spaces
// and punctuation are ignored. It returns zero when the name is unknown.
func ProvinceByName(name string) Code {
	n := normName(name)
	if c, ok := byName[n]; ok {
		return c
	}
	for _, suffix := range nameSuffixes {
		if trimmed, ok := strings.CutSuffix(n, suffix); ok && trimmed != "" {
			if c, ok := byName[trimmed]; ok {
				return c
			}
		}
	}
	return 0
}

// nameSuffixes are administrative suffixes dropped when matching names.
var nameSuffixes = []string{
	"specialadministrativeregion", "autonomousregion", "municipality",
	"province", "zizhiqu", "sheng", "shi", "sar",
}

// normName lower-cases ASCII letters and drops everything else. It
// allocates only for names that need changing.
func normName(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 'a' || b > 'z' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// ParseError reports an item of a geoip list that cannot be accepted. Item
// is the offending code exactly as given ("" for an empty item).
type ParseError struct {
	Item   string
	Reason string // "empty location code", "duplicate location code", "unknown location code"
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	return fmt.Sprintf("geoip: %s %q", e.Reason, e.Item)
}

// GeoipSeparator joins location codes in a geoip string.
const GeoipSeparator = "|"

// ParseGeoip parses a geoip value as the WAF API sends it: location codes
// joined by "|", for example "CN|US|GD" or "BJ|South Africa". Codes are
// matched exactly. An empty string, an empty item ("CN||US", "CN|"), a
// repeated code or an unknown code is an error of type *ParseError that
// names the offending code. The result keeps the input order.
func ParseGeoip(s string) ([]Code, error) {
	if s == "" {
		return nil, &ParseError{Item: "", Reason: "empty location code"}
	}
	n := strings.Count(s, GeoipSeparator) + 1
	out := make([]Code, 0, n)
	for item := range strings.SplitSeq(s, GeoipSeparator) {
		if item == "" {
			return nil, &ParseError{Item: item, Reason: "empty location code"}
		}
		c, ok := byCode[item]
		if !ok {
			return nil, &ParseError{Item: item, Reason: "unknown location code"}
		}
		for _, prev := range out {
			if prev == c {
				return nil, &ParseError{Item: item, Reason: "duplicate location code"}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// FormatGeoip joins codes into a geoip string, the inverse of ParseGeoip.
func FormatGeoip(codes []Code) string {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteString(GeoipSeparator)
		}
		b.WriteString(c.String())
	}
	return b.String()
}
