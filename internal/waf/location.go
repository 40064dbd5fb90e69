package waf

import (
	"errors"
	"fmt"
	"strings"
)

// This file is the one place that knows where location codes and IDC tags
// come from. The location table is owned by another domain package; until it
// is available the placeholders below accept only China's codes and the
// two-letter country codes.

// parseGeoipCodes splits a '|'-separated geoip value into location codes and
// reports the first unknown or repeated code.
var parseGeoipCodes = func(s string) ([]string, error) {
	if s == "" {
		return nil, errors.New("no location given")
	}
	codes := strings.Split(s, "|")
	seen := make(map[string]bool, len(codes))
	for _, c := range codes {
		if !placeholderCodes[c] {
			return nil, fmt.Errorf("unknown location code %q", c)
		}
		if seen[c] {
			return nil, fmt.Errorf("location code %q is repeated", c)
		}
		seen[c] = true
	}
	return codes, nil
}

var placeholderCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields("CN HK MO TW AH BJ CQ FJ GD GS GX GZ HA HB HE HI HL HN JL JS JX LN NM NX QH SC SD SH SN SX TJ XJ XZ YN ZJ CA US AU IN JP UK FR DE BR") {
		m[c] = true
	}
	return m
}()

// validIDCTag reports whether tag is one of the IDC intelligence tags.
var validIDCTag = func(tag string) bool {
	for _, t := range IDCTags {
		if t == tag {
			return true
		}
	}
	return false
}

// IDCTags are the data-centre intelligence tags of IP-reputation rules of
// type idc, in Huawei's order, with their English and Chinese display names.
var IDCTags = []string{"Dr.Peng", "Google", "Tencent", "MeiTuan", "Microsoft", "AliCloud", "Amazon", "VNET", "HW"}

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
// country codes, countries to their region codes (CN to its provinces), and
// display names.
type GeoMap struct {
	Continent map[string][]string
	Geomap    map[string][]string
	Locale    map[string]string
}

// GeoipMap returns the location dictionary in lang (en or cn; "" is cn).
var GeoipMap = func(lang string) GeoMap {
	provinces := []string{}
	all := []string{}
	for c := range placeholderCodes {
		all = append(all, c)
	}
	for _, c := range strings.Fields("HK MO TW AH BJ CQ FJ GD GS GX GZ HA HB HE HI HL HN JL JS JX LN NM NX QH SC SD SH SN SX TJ XJ XZ YN ZJ") {
		provinces = append(provinces, c)
	}
	m := GeoMap{Continent: map[string][]string{}, Geomap: map[string][]string{"CN": provinces}, Locale: map[string]string{}}
	for _, c := range all {
		m.Locale[c] = c
	}
	return m
}
