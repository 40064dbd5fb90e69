package waf

import (
	"errors"

	"github.com/rampartsec/rampart/internal/origin"
)

// This file is the one place that knows where location codes and IDC tags
// come from: package origin owns both tables.

// parseGeoipCodes splits a '|'-separated geoip value into location codes and
// reports the first empty, unknown or repeated code.
func parseGeoipCodes(s string) ([]string, error) {
	codes, err := origin.ParseGeoip(s)
	if err != nil {
		var pe *origin.ParseError
		if errors.As(err, &pe) {
			return nil, errors.New(pe.Reason + " \"" + pe.Item + "\"")
		}
		return nil, err
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.String()
	}
	return out, nil
}

// validIDCTag reports whether tag is one of the nine IDC intelligence tags.
func validIDCTag(tag string) bool { return origin.ValidTag(tag) }

// IDCTags are the data-centre intelligence tags of IP-reputation rules of
// type idc, in Huawei's documentation order.
var IDCTags = func() []string {
	var out []string
	for _, t := range origin.Tags() {
		out = append(out, t.String())
	}
	return out
}()

// IDCTagNames maps a tag to its display name per language (en, cn).
var IDCTagNames = map[string][2]string{
	"Dr.Peng":   {"Dr. Peng Telecom & Media Group IDC", "鹏博士"},
	"Google":    {"Google", "谷歌"},
	"Tencent":   {"Tencent", "腾讯"},
	"MeiTuan":   {"Meituan", "美团"},
	"Microsoft": {"Microsoft", "微软"},
	"AliCloud":  {"Alibaba Cloud", "阿里云"},
	"Amazon":    {"Amazon", "亚马逊"},
	"VNET":      {"21Vianet", "世纪互联"},
	"HW":        {"Huawei", "华为"},
}

// ParseGeoip validates a geoip value and returns its location codes.
func ParseGeoip(s string) ([]string, error) {
	codes, err := parseGeoipCodes(s)
	if err != nil {
		return nil, invalid(CodeBody, "geoip", "geoip %q: %v.", s, err)
	}
	return codes, nil
}

// GeoMap is the location dictionary of ShowPolicyGeoipMap: continents to
// country codes, countries to their region codes (CN to its provinces and
// regions), and display names.
type GeoMap struct {
	Continent map[string][]string
	Geomap    map[string][]string
	Locale    map[string]string
}

// GeoipMap returns the location dictionary. Display names are English
// whatever lang asks for (the table has no Chinese names); continents are
// not known to the table and stay empty.
func GeoipMap(lang string) GeoMap {
	m := GeoMap{Continent: map[string][]string{}, Geomap: map[string][]string{}, Locale: map[string]string{}}
	for _, c := range origin.Codes() {
		m.Locale[c.String()] = c.Name()
		switch c.Kind() {
		case origin.KindCountry:
			if _, ok := m.Geomap[c.String()]; !ok {
				m.Geomap[c.String()] = []string{}
			}
		case origin.KindProvince, origin.KindRegion:
			m.Geomap["CN"] = append(m.Geomap["CN"], c.String())
		}
	}
	return m
}

// locationsWithin returns the codes an event location can have inside the
// location code: a country and its provinces (events record the client's
// province when it is known), or the code alone.
func locationsWithin(code string) []string {
	c, ok := origin.Parse(code)
	if !ok || c.Kind() != origin.KindCountry {
		return []string{code}
	}
	out := []string{code}
	for _, p := range origin.Codes() {
		if p.Kind() == origin.KindProvince && p.Country() == c.Country() {
			out = append(out, p.String())
		}
	}
	return out
}
