package geodata

import (
	"fmt"
	"path/filepath"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/rampartsec/rampart/internal/origin"
)

// mmdbRecord is the part of a MaxMind DB record that geodata reads. It
// covers both schemas in use:
//
//   - MaxMind GeoIP2/GeoLite2 Country and City, and DB-IP Lite (which
//     follows it): country.iso_code (registered_country.iso_code when a
//     network has no country), and subdivisions[0].iso_code or, where the
//     database gives only names (DB-IP Lite), subdivisions[0].names.en.
//   - @ip-location-db: country_code and state1 (an English name).
type mmdbRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   struct {
			En string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	CountryCode string `maxminddb:"country_code"`
	State1      string `maxminddb:"state1"`
}

// key returns the geo key of a record: "" (no data), an ISO country code,
// or "CN-XX" for an address whose Chinese province is known.
func (r *mmdbRecord) key() string {
	cc := r.Country.ISOCode
	if cc == "" {
		cc = r.CountryCode
	}
	if cc == "" {
		cc = r.RegisteredCountry.ISOCode
	}
	if cc != "CN" {
		return cc
	}
	if len(r.Subdivisions) > 0 {
		sd := r.Subdivisions[0]
		if sd.ISOCode != "" {
			c, p := origin.FromISO("CN", sd.ISOCode)
			if p != 0 {
				return provinceKey(p)
			}
			if c.Kind() == origin.KindRegion {
				return provinceKey(c)
			}
		}
		if p := origin.ProvinceByName(sd.Names.En); p != 0 {
			return provinceKey(p)
		}
	}
	if p := origin.ProvinceByName(r.State1); p != 0 {
		return provinceKey(p)
	}
	return cc
}

// provinceKey returns the geo key of a province or region Code.
func provinceKey(p origin.Code) string {
	if p.Kind() == origin.KindRegion {
		return p.Country()
	}
	return p.Subdivision()
}

// ReadMMDB reads the country (and, for China, province) of every network
// in a MaxMind DB file into a geo Source. The file may be an IPv4 or an
// IPv6 database; aliased IPv4 networks in an IPv6 tree are read once, as
// IPv4. Networks without a country are skipped.
//
// Reading decodes each distinct data record once (records are shared by
// many networks), so a city database with millions of networks reads in a
// few seconds.
func ReadMMDB(path string) (*Source, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geodata: open %s: %w", path, err)
	}
	defer r.Close()
	desc := fmt.Sprintf("%s (%s, built %s)", filepath.Base(path), r.Metadata.DatabaseType, r.Metadata.BuildTime().UTC().Format("2006-01-02"))
	b := newSourceBuilder(KindGeo, desc)
	cache := map[uintptr]uint32{}
	for res := range r.Networks() {
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("geodata: read %s: %w", path, err)
		}
		v, ok := cache[res.Offset()]
		if !ok {
			var rec mmdbRecord
			if err := res.Decode(&rec); err != nil {
				return nil, fmt.Errorf("geodata: decode %s at %s: %w", path, res.Prefix(), err)
			}
			if k := rec.key(); k != "" {
				v = b.key(k)
			}
			cache[res.Offset()] = v
		}
		if v != 0 {
			b.addPrefix(res.Prefix(), v)
		}
	}
	return b.build(), nil
}

// LoadMMDB compiles a MaxMind DB file into a DB with locations only (no IDC
// tags). To keep the IDC tags of the embedded data, compile the file's
// source with EmbeddedIDC:
//
//	geo, err := geodata.ReadMMDB(path)
//	idc, err := geodata.EmbeddedIDC()
//	db, err := geodata.Compile(geo, idc)
func LoadMMDB(path string) (*DB, error) {
	src, err := ReadMMDB(path)
	if err != nil {
		return nil, err
	}
	return Compile(src)
}
