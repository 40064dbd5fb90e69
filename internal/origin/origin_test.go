package origin_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/origin"
)

func mustParse(tb testing.TB, s string) origin.Code {
	tb.Helper()
	c, ok := origin.Parse(s)
	if !ok {
		tb.Fatalf("Parse(%q): unknown", s)
	}
	return c
}

func TestTable(t *testing.T) {
	t.Parallel()
	var countries, provinces, regions int
	seenISO := map[string]string{}
	for _, c := range origin.Codes() {
		if !c.Valid() || c.String() == "" || c.Name() == "" || c.Country() == "" {
			t.Errorf("code %d: incomplete entry %q/%q/%q", c, c.String(), c.Name(), c.Country())
		}
		if got, ok := origin.Parse(c.String()); !ok || got != c {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.String(), got, ok, c)
		}
		switch c.Kind() {
		case origin.KindCountry:
			countries++
			if c.Subdivision() != "" {
				t.Errorf("%q: country with subdivision %q", c, c.Subdivision())
			}
			if prev, dup := seenISO[c.Country()]; dup {
				t.Errorf("ISO %s used by %q and %q", c.Country(), prev, c)
			}
			seenISO[c.Country()] = c.String()
		case origin.KindProvince:
			provinces++
			if c.Country() != "CN" || c.Subdivision() != "CN-"+c.String() {
				t.Errorf("%q: province ISO %q %q", c, c.Country(), c.Subdivision())
			}
		case origin.KindRegion:
			regions++
			if c.Subdivision() != "CN-"+c.String() || c.Country() != c.String() {
				t.Errorf("%q: region ISO %q %q", c, c.Country(), c.Subdivision())
			}
		default:
			t.Errorf("%q: kind %v", c, c.Kind())
		}
	}
	// CN + 236 countries (232 of the appendix, Ukraine, Iran, Turkey,
	// Macedonia (FYROM)); 31 province-level divisions; HK, MO, TW.
	if got, want := countries, 237; got != want {
		t.Errorf("countries = %d, want %d", got, want)
	}
	if got, want := provinces, 31; got != want {
		t.Errorf("provinces = %d, want %d", got, want)
	}
	if got, want := regions, 3; got != want {
		t.Errorf("regions = %d, want %d", got, want)
	}
	if int(origin.MaxCode) >= 1<<origin.CodeBits {
		t.Errorf("MaxCode %d does not fit %d bits", origin.MaxCode, origin.CodeBits)
	}
}

func TestCodeAccessors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code, name, country, subdiv string
		kind                        origin.Kind
	}{
		{"CN", "China", "CN", "", origin.KindCountry},
		{"GD", "Guangdong", "CN", "CN-GD", origin.KindProvince},
		{"BJ", "Beijing", "CN", "CN-BJ", origin.KindProvince},
		{"XZ", "Xizang (Tibet)", "CN", "CN-XZ", origin.KindProvince},
		{"HK", "Hong Kong (China)", "HK", "CN-HK", origin.KindRegion},
		{"TW", "Taiwan (China)", "TW", "CN-TW", origin.KindRegion},
		{"UK", "United Kingdom", "GB", "", origin.KindCountry},
		{"US", "United States", "US", "", origin.KindCountry},
		{"Sultan", "Sudan", "SD", "", origin.KindCountry},
		{"Curaao", "Curacao", "CW", "", origin.KindCountry},
		{"Viet Nam", "Vietnam", "VN", "", origin.KindCountry},
		{"Macedonia (FYROM)", "North Macedonia", "MK", "", origin.KindCountry},
		{"Cote D'Ivoire (Ivory Coast)", "Cote D'Ivoire (Ivory Coast)", "CI", "", origin.KindCountry},
		{"Congo, Democratic Republic", "Congo, Democratic Republic", "CD", "", origin.KindCountry},
		{"The Republic of Kosovo", "The Republic of Kosovo", "XK", "", origin.KindCountry},
		{"Ahvenanmaa", "Ahvenanmaa", "AX", "", origin.KindCountry},
		{"Ukraine", "Ukraine", "UA", "", origin.KindCountry},
	} {
		c := mustParse(t, tc.code)
		if c.String() != tc.code || c.Name() != tc.name || c.Country() != tc.country || c.Subdivision() != tc.subdiv || c.Kind() != tc.kind {
			t.Errorf("%q: got (%q, %q, %q, %v), want (%q, %q, %q, %v)", tc.code,
				c.Name(), c.Country(), c.Subdivision(), c.Kind(), tc.name, tc.country, tc.subdiv, tc.kind)
		}
	}
	var zero origin.Code
	if zero.Valid() || zero.String() != "" || zero.Kind() != origin.KindNone {
		t.Errorf("zero Code: valid=%v string=%q kind=%v", zero.Valid(), zero.String(), zero.Kind())
	}
	if bad := origin.MaxCode + 1; bad.Valid() || bad.String() != "" {
		t.Errorf("out-of-range Code is valid or named %q", bad.String())
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"CN", true}, {"GD", true}, {"South Africa", true}, {"UK", true},
		{"GB", false}, {"cn", false}, {"Cn", false}, {" CN", false}, {"South  Africa", false},
		{"", false}, {"Russia", false}, {"CN-GD", false}, {"AB", false},
	} {
		if got := origin.Valid(tc.in); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseGeoip(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			in   string
			want []string
		}{
			{"CN", []string{"CN"}},
			{"FJ|JL|LN|GZ", []string{"FJ", "JL", "LN", "GZ"}},
			{"CN|US|GD", []string{"CN", "US", "GD"}},
			{"BJ|South Africa|Congo, Democratic Republic|Cote D'Ivoire (Ivory Coast)", []string{"BJ", "South Africa", "Congo, Democratic Republic", "Cote D'Ivoire (Ivory Coast)"}},
			{"HK|MO|TW", []string{"HK", "MO", "TW"}},
		} {
			got, err := origin.ParseGeoip(tc.in)
			if err != nil {
				t.Errorf("ParseGeoip(%q): %v", tc.in, err)
				continue
			}
			var names []string
			for _, c := range got {
				names = append(names, c.String())
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("ParseGeoip(%q) = %q, want %q", tc.in, names, tc.want)
			}
			if back := origin.FormatGeoip(got); back != tc.in {
				t.Errorf("FormatGeoip(ParseGeoip(%q)) = %q", tc.in, back)
			}
		}
	})
	for _, tc := range []struct {
		name, in, item, reason string
	}{
		{"ErrEmpty", "", "", "empty location code"},
		{"ErrEmptyItem", "CN||US", "", "empty location code"},
		{"ErrTrailingBar", "CN|", "", "empty location code"},
		{"ErrLeadingBar", "|CN", "", "empty location code"},
		{"ErrDuplicate", "CN|US|CN", "CN", "duplicate location code"},
		{"ErrUnknown", "CN|Russia", "Russia", "unknown location code"},
		{"ErrISOInsteadOfHuawei", "GB", "GB", "unknown location code"},
		{"ErrCase", "cn", "cn", "unknown location code"},
		{"ErrSpaces", "CN| US", " US", "unknown location code"},
		{"ErrComma", "CN,US", "CN,US", "unknown location code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := origin.ParseGeoip(tc.in)
			var pe *origin.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseGeoip(%q) = %v, %v; want *ParseError", tc.in, got, err)
			}
			if pe.Item != tc.item || pe.Reason != tc.reason {
				t.Errorf("ParseGeoip(%q): error item %q reason %q, want %q %q", tc.in, pe.Item, pe.Reason, tc.item, tc.reason)
			}
			if tc.item != "" && !strings.Contains(err.Error(), tc.item) {
				t.Errorf("error %q does not name %q", err, tc.item)
			}
		})
	}
}

func TestFromISO(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		country, sub          string
		wantCountry, wantProv string
	}{
		{"US", "", "US", ""},
		{"US", "US-CA", "US", ""},
		{"GB", "", "UK", ""},
		{"gb", "", "UK", ""},
		{"ZA", "", "South Africa", ""},
		{"SD", "", "Sultan", ""},
		{"CN", "", "CN", ""},
		{"CN", "CN-GD", "CN", "GD"},
		{"CN", "GD", "CN", "GD"},
		{"CN", "gd", "CN", "GD"},
		{"CN", "44", "CN", "GD"},
		{"CN", "CN-11", "CN", "BJ"},
		{"CN", "BJ", "CN", "BJ"},
		{"CN", "XZ", "CN", "XZ"},
		{"CN", "ZZ", "CN", ""},
		{"CN", "CN-HK", "HK", ""},
		{"CN", "91", "HK", ""},
		{"HK", "", "HK", ""},
		{"HK", "HK-KKC", "HK", ""},
		{"MO", "", "MO", ""},
		{"TW", "TW-TPE", "TW", ""},
		{"RU", "", "", ""},
		{"", "", "", ""},
		{"XX", "", "", ""},
	} {
		c, p := origin.FromISO(tc.country, tc.sub)
		if c.String() != tc.wantCountry || p.String() != tc.wantProv {
			t.Errorf("FromISO(%q, %q) = (%q, %q), want (%q, %q)", tc.country, tc.sub, c, p, tc.wantCountry, tc.wantProv)
		}
	}
	// Every country round-trips through its ISO code.
	for _, c := range origin.Codes() {
		if c.Kind() == origin.KindProvince {
			if cc, p := origin.FromISO("CN", c.Subdivision()); cc.String() != "CN" || p != c {
				t.Errorf("FromISO(CN, %q) = (%q, %q)", c.Subdivision(), cc, p)
			}
			continue
		}
		if cc, p := origin.FromISO(c.Country(), ""); cc != c || p != 0 {
			t.Errorf("FromISO(%q) = (%q, %q), want %q", c.Country(), cc, p, c)
		}
	}
}

func TestProvinceByName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Guangdong", "GD"}, {"guangdong", "GD"}, {"Guangdong Sheng", "GD"}, {"Guangdong Province", "GD"},
		{"Beijing", "BJ"}, {"Beijing Shi", "BJ"}, {"Shanghai", "SH"}, {"Shaanxi", "SN"}, {"Shanxi", "SX"},
		{"Anhui", "AH"}, {"Henan", "HA"}, {"Hainan", "HI"}, {"Hunan", "HN"}, {"Hubei", "HB"}, {"Hebei", "HE"},
		{"Inner Mongolia", "NM"}, {"Nei Mongol", "NM"}, {"Inner Mongolia Autonomous Region", "NM"},
		{"Tibet", "XZ"}, {"Xizang", "XZ"}, {"Xizang Zizhiqu", "XZ"},
		{"Guangxi", "GX"}, {"Guangxi Zhuang Autonomous Region", "GX"},
		{"Ningxia", "NX"}, {"Ningxia Hui Autonomous Region", "NX"},
		{"Xinjiang", "XJ"}, {"Xinjiang Uygur Zizhiqu", "XJ"}, {"Xinjiang Uyghur Autonomous Region", "XJ"},
		{"Hong Kong", "HK"}, {"Hong Kong SAR", "HK"}, {"Macau", "MO"}, {"Macao", "MO"}, {"Taiwan", "TW"},
		{"", ""}, {"California", ""}, {"Kowloon", ""}, {"Sheng", ""},
	} {
		if got := origin.ProvinceByName(tc.in).String(); got != tc.want {
			t.Errorf("ProvinceByName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCodeText(t *testing.T) {
	t.Parallel()
	in := []origin.Code{mustParse(t, "CN"), mustParse(t, "South Africa"), 0}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `["CN","South Africa",""]`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var out []origin.Code
	if err := json.Unmarshal(b, &out); err != nil || !slices.Equal(out, in) {
		t.Errorf("round trip = %v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`["Atlantis"]`), &out); err == nil {
		t.Error("unmarshal of unknown code succeeded")
	}
}

func TestParseGeoipAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := origin.ParseGeoip("CN|US|GD|South Africa"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("ParseGeoip allocates %v times, want 1 (the result)", allocs)
	}
}
