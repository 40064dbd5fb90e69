package geodata_test

import (
	"bytes"
	"compress/gzip"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/origin"
)

// MustWriteMMDB writes a MaxMind DB file with the given records (prefix →
// record) to a temporary directory and returns its path. ipVersion is 4 or 6.
func MustWriteMMDB(tb testing.TB, dbType string, ipVersion int, records map[string]mmdbtype.Map) string {
	tb.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		IPVersion:               ipVersion,
		RecordSize:              24,
		IncludeReservedNetworks: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	for cidr, rec := range records {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			tb.Fatal(err)
		}
		if err := tree.Insert(n, rec); err != nil {
			tb.Fatalf("insert %s: %v", cidr, err)
		}
	}
	path := filepath.Join(tb.TempDir(), dbType+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// MustWriteFile writes content to a temporary file named name.
func MustWriteFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// geoip2 returns a record in the MaxMind GeoIP2 schema.
func geoip2(country string, subdivisions ...string) mmdbtype.Map {
	m := mmdbtype.Map{
		"country":   mmdbtype.Map{"iso_code": mmdbtype.String(country), "names": mmdbtype.Map{"en": mmdbtype.String("x")}},
		"continent": mmdbtype.Map{"code": mmdbtype.String("AS")},
		"location":  mmdbtype.Map{"latitude": mmdbtype.Float64(1.5)},
	}
	if len(subdivisions) > 0 {
		var s mmdbtype.Slice
		for _, sd := range subdivisions {
			s = append(s, mmdbtype.Map{"iso_code": mmdbtype.String(sd), "names": mmdbtype.Map{"en": mmdbtype.String("Somewhere")}})
		}
		m["subdivisions"] = s
	}
	return m
}

// ipLocationDB returns a record in the @ip-location-db schema.
func ipLocationDB(country, state1 string) mmdbtype.Map {
	return mmdbtype.Map{
		"country_code": mmdbtype.String(country),
		"state1":       mmdbtype.String(state1),
		"city":         mmdbtype.String("Somecity"),
		"latitude":     mmdbtype.Float32(1.5),
	}
}

type want struct {
	addr              string
	country, province string
	tags              origin.TagSet
}

func check(t *testing.T, db *geodata.DB, cases []want) {
	t.Helper()
	for _, w := range cases {
		c, p, tags := db.Lookup(netip.MustParseAddr(w.addr))
		if c.String() != w.country || p.String() != w.province || tags != w.tags {
			t.Errorf("Lookup(%s) = (%q, %q, %q), want (%q, %q, %q)", w.addr, c, p, tags, w.country, w.province, w.tags)
		}
	}
}

func TestLoadMMDB(t *testing.T) {
	t.Parallel()
	t.Run("GeoIP2City", func(t *testing.T) {
		t.Parallel()
		path := MustWriteMMDB(t, "GeoIP2-City", 6, map[string]mmdbtype.Map{
			"8.8.8.0/24":         geoip2("US", "CA"),
			"113.108.0.0/16":     geoip2("CN", "GD"),
			"202.106.0.0/16":     geoip2("CN", "BJ"),
			"58.83.0.0/16":       geoip2("CN", "11"), // pre-2017 numeric ISO 3166-2:CN
			"1.80.0.0/13":        geoip2("CN"),       // no subdivision
			"1.36.0.0/14":        geoip2("HK", "KKC"),
			"81.2.69.0/24":       geoip2("GB", "ENG"),
			"5.255.255.0/24":     geoip2("RU"), // not a Huawei location
			"2001:db8::/32":      geoip2("CN", "SH"),
			"2a02:6b8::/32":      geoip2("DE"),
			"2400:3200::/32":     geoip2("CN", "ZJ"),
			"2001:250:1000::/36": geoip2("CN"),
		})
		db, err := geodata.LoadMMDB(path)
		if err != nil {
			t.Fatal(err)
		}
		check(t, db, []want{
			{"8.8.8.8", "US", "", 0},
			{"113.108.1.1", "CN", "GD", 0},
			{"202.106.0.20", "CN", "BJ", 0},
			{"58.83.1.1", "CN", "BJ", 0},
			{"1.80.1.1", "CN", "", 0},
			{"1.36.0.1", "HK", "", 0},
			{"81.2.69.160", "UK", "", 0},
			{"5.255.255.5", "", "", 0},
			{"9.9.9.9", "", "", 0},
			{"2001:db8::1", "CN", "SH", 0},
			{"2a02:6b8::1", "DE", "", 0},
			{"2400:3200::1", "CN", "ZJ", 0},
			{"2001:250:1000::1", "CN", "", 0},
			{"2001:250:2000::1", "", "", 0},
			{"::ffff:113.108.1.1", "CN", "GD", 0},
		})
		info := db.Info()
		if info.Prefixes4 == 0 || info.Prefixes6 == 0 || len(info.Sources) != 1 || !strings.Contains(info.Sources[0], "GeoIP2-City") {
			t.Errorf("Info() = %+v", info)
		}
	})
	t.Run("GeoIP2CountryIPv4", func(t *testing.T) {
		t.Parallel()
		path := MustWriteMMDB(t, "GeoIP2-Country", 4, map[string]mmdbtype.Map{
			"8.8.8.0/24":  geoip2("US"),
			"1.0.1.0/24":  geoip2("CN"),
			"41.0.0.0/11": geoip2("ZA"),
			// A network with only a registered country.
			"192.0.2.0/24": {"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("JP")}},
		})
		db, err := geodata.LoadMMDB(path)
		if err != nil {
			t.Fatal(err)
		}
		check(t, db, []want{
			{"8.8.8.8", "US", "", 0},
			{"1.0.1.1", "CN", "", 0},
			{"41.1.2.3", "South Africa", "", 0},
			{"192.0.2.1", "JP", "", 0},
			{"2001:db8::1", "", "", 0},
		})
	})
	t.Run("IPLocationDB", func(t *testing.T) {
		t.Parallel()
		path := MustWriteMMDB(t, "ip-location-db-city", 6, map[string]mmdbtype.Map{
			"202.106.0.0/16":     ipLocationDB("CN", "Beijing"),
			"113.108.0.0/16":     ipLocationDB("CN", "Guangdong"),
			"116.1.0.0/16":       ipLocationDB("CN", "Guangxi Zhuang Autonomous Region"),
			"124.31.0.0/16":      ipLocationDB("CN", "Tibet"),
			"110.16.0.0/16":      ipLocationDB("CN", "Inner Mongolia"),
			"1.1.0.0/16":         ipLocationDB("CN", ""),
			"1.34.0.0/15":        ipLocationDB("TW", "Taipei"),
			"202.175.0.0/16":     ipLocationDB("MO", "Guangdong"), // state1 of another country is ignored
			"203.0.113.0/24":     ipLocationDB("FR", "Ile-de-France"),
			"2408:8000::/20":     ipLocationDB("CN", "Shandong"),
			"2a01:e00::/26":      ipLocationDB("FR", ""),
			"2400:cb00::/32":     ipLocationDB("US", "California"),
			"2409:8a00::/24":     ipLocationDB("CN", "Unknown Province"),
			"2001:da8:8000::/33": ipLocationDB("CN", "Xinjiang Uygur Zizhiqu"),
		})
		db, err := geodata.LoadMMDB(path)
		if err != nil {
			t.Fatal(err)
		}
		check(t, db, []want{
			{"202.106.0.20", "CN", "BJ", 0},
			{"113.108.1.1", "CN", "GD", 0},
			{"116.1.1.1", "CN", "GX", 0},
			{"124.31.1.1", "CN", "XZ", 0},
			{"110.16.1.1", "CN", "NM", 0},
			{"1.1.1.1", "CN", "", 0},
			{"1.34.1.1", "TW", "", 0},
			{"202.175.1.1", "MO", "", 0},
			{"203.0.113.9", "FR", "", 0},
			{"2408:8000::1", "CN", "SD", 0},
			{"2a01:e00::1", "FR", "", 0},
			{"2400:cb00::1", "US", "", 0},
			{"2409:8a00::1", "CN", "", 0},
			{"2001:da8:8000::1", "CN", "XJ", 0},
		})
	})
	t.Run("DBIPNamesOnly", func(t *testing.T) {
		t.Parallel()
		// DB-IP Lite city databases follow the GeoIP2 layout but give
		// subdivisions by name only.
		rec := func(cc, name string) mmdbtype.Map {
			return mmdbtype.Map{
				"country":      mmdbtype.Map{"iso_code": mmdbtype.String(cc)},
				"subdivisions": mmdbtype.Slice{mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(name)}}},
			}
		}
		path := MustWriteMMDB(t, "DBIP-City-Lite", 6, map[string]mmdbtype.Map{
			"36.96.0.0/11":  rec("CN", "Zhejiang"),
			"61.128.0.0/10": rec("CN", "Chongqing Shi"),
			"8.8.8.0/24":    rec("US", "California"),
		})
		db, err := geodata.LoadMMDB(path)
		if err != nil {
			t.Fatal(err)
		}
		check(t, db, []want{
			{"36.96.1.1", "CN", "ZJ", 0},
			{"61.128.1.1", "CN", "CQ", 0},
			{"8.8.8.8", "US", "", 0},
		})
	})
	t.Run("ErrMissing", func(t *testing.T) {
		t.Parallel()
		if _, err := geodata.LoadMMDB(filepath.Join(t.TempDir(), "none.mmdb")); err == nil {
			t.Error("LoadMMDB of a missing file succeeded")
		}
		if _, err := geodata.LoadMMDB(MustWriteFile(t, "bad.mmdb", "not a database")); err == nil {
			t.Error("LoadMMDB of garbage succeeded")
		}
	})
}

const asnCSV = `1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
3.0.0.0,3.0.255.255,16509,"Amazon.com, Inc."
3.1.0.0,3.1.255.255,14618,"Amazon.com, Inc."
8.8.8.0,8.8.8.255,15169,Google LLC
47.96.0.0,47.127.255.255,37963,"Hangzhou Alibaba Advertising Co.,Ltd."
119.29.0.0,119.29.255.255,45090,Shenzhen Tencent Computer Systems Company Limited
121.36.0.0,121.37.255.255,55990,Huawei Cloud Service data center
202.106.0.0,202.106.255.255,4808,China Unicom Beijing Province Network
2400:3200::,2400:3200:ffff:ffff:ffff:ffff:ffff:ffff,37963,"Hangzhou Alibaba Advertising Co.,Ltd."
2404:6800::,2404:6800:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC
`

func TestLoadASNCSV(t *testing.T) {
	t.Parallel()
	db, err := geodata.LoadASNCSV(MustWriteFile(t, "asn-ipv4.csv", asnCSV))
	if err != nil {
		t.Fatal(err)
	}
	amazon, google := origin.TagSetOf(origin.TagAmazon), origin.TagSetOf(origin.TagGoogle)
	ali, tencent, hw := origin.TagSetOf(origin.TagAliCloud), origin.TagSetOf(origin.TagTencent), origin.TagSetOf(origin.TagHW)
	check(t, db, []want{
		{"1.0.0.1", "", "", 0}, // Cloudflare carries no tag
		{"3.0.0.1", "", "", amazon},
		{"3.1.255.255", "", "", amazon},
		{"3.2.0.0", "", "", 0},
		{"8.8.8.8", "", "", google},
		{"47.100.1.1", "", "", ali},
		{"119.29.29.29", "", "", tencent},
		{"121.37.1.1", "", "", hw},
		{"202.106.0.20", "", "", 0},
		{"2400:3200::1", "", "", ali},
		{"2404:6800:4003::200e", "", "", google},
		{"2404:6801::1", "", "", 0},
	})
	// The two adjacent Amazon ranges (AS16509, AS14618) merge into one.
	if info := db.Info(); info.Ranges4 != 5 || info.Ranges6 != 2 {
		t.Errorf("Info() = %+v, want 5 IPv4 and 2 IPv6 ranges", info)
	}

	t.Run("NumericAndGzip", func(t *testing.T) {
		t.Parallel()
		// asn-ipv4-num.csv / asn-ipv6-num.csv layout, with a header line.
		num := "ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization\n" +
			"134744064,134744319,15169,Google LLC\n" + // 8.8.8.0-8.8.8.255
			"47853221968737154008058251532656705536,47853222047965316522322589126200655871,37963,Alibaba\n" // 2400:3200::/32
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(num))
		zw.Close()
		db, err := geodata.LoadASNCSV(MustWriteFile(t, "asn-num.csv.gz", buf.String()))
		if err != nil {
			t.Fatal(err)
		}
		check(t, db, []want{
			{"8.8.8.8", "", "", google},
			{"8.8.9.1", "", "", 0},
			{"2400:3200::1", "", "", ali},
		})
	})
	for name, bad := range map[string]string{
		"ErrFields": "1.0.0.0,1.0.0.255\n",
		"ErrASN":    "1.0.0.0,1.0.0.255,13335,x\n3.0.0.0,3.0.0.1,AS-X,y\n",
		"ErrRange":  "3.0.0.9,3.0.0.1,16509,Amazon\n",
		"ErrFamily": "3.0.0.0,::1,16509,Amazon\n",
		"ErrAddr":   "3.0.0.x,3.0.0.1,16509,Amazon\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := geodata.LoadASNCSV(MustWriteFile(t, "bad.csv", bad)); err == nil {
				t.Errorf("LoadASNCSV(%q) succeeded", bad)
			}
		})
	}
}

func TestCompile(t *testing.T) {
	t.Parallel()
	geoPath := MustWriteMMDB(t, "GeoIP2-City", 6, map[string]mmdbtype.Map{
		"47.96.0.0/12":   geoip2("CN", "ZJ"),
		"8.8.8.0/24":     geoip2("US"),
		"119.29.0.0/16":  geoip2("CN", "GD"),
		"2400:3200::/32": geoip2("CN", "ZJ"),
	})
	geo, err := geodata.ReadMMDB(geoPath)
	if err != nil {
		t.Fatal(err)
	}
	asn, err := geodata.ReadASNCSV(MustWriteFile(t, "asn.csv", asnCSV))
	if err != nil {
		t.Fatal(err)
	}
	db, err := geodata.Compile(geo, asn)
	if err != nil {
		t.Fatal(err)
	}
	ali := origin.TagSetOf(origin.TagAliCloud)
	check(t, db, []want{
		{"47.100.1.1", "CN", "ZJ", ali}, // both sources
		{"47.112.1.1", "", "", ali},     // ASN only: the geo /12 ends at 47.111.255.255
		{"8.8.8.8", "US", "", origin.TagSetOf(origin.TagGoogle)},
		{"119.29.29.29", "CN", "GD", origin.TagSetOf(origin.TagTencent)},
		{"3.0.0.1", "", "", origin.TagSetOf(origin.TagAmazon)},
		{"2400:3200::1", "CN", "ZJ", ali},
		{"9.9.9.9", "", "", 0},
	})

	// A later geo source fills gaps but does not override an earlier one.
	fallback := MustWriteMMDB(t, "fallback", 4, map[string]mmdbtype.Map{
		"47.0.0.0/8": geoip2("US"),
		"9.0.0.0/8":  geoip2("US"),
	})
	fb, err := geodata.ReadMMDB(fallback)
	if err != nil {
		t.Fatal(err)
	}
	db, err = geodata.Compile(geo, fb, asn)
	if err != nil {
		t.Fatal(err)
	}
	check(t, db, []want{
		{"47.100.1.1", "CN", "ZJ", ali},
		{"47.120.1.1", "US", "", ali},
		{"47.1.1.1", "US", "", 0},
		{"9.9.9.9", "US", "", 0},
	})
	if got := len(db.Info().Sources); got != 3 {
		t.Errorf("Info().Sources has %d entries, want 3", got)
	}

	// Merge keeps the earlier source where both cover an address.
	merged, err := geodata.Merge(fb, geo)
	if err != nil {
		t.Fatal(err)
	}
	db, err = geodata.Compile(merged)
	if err != nil {
		t.Fatal(err)
	}
	check(t, db, []want{
		{"47.100.1.1", "US", "", 0},
		{"119.29.29.29", "CN", "GD", 0},
		{"2400:3200::1", "CN", "ZJ", 0},
	})
	if _, err := geodata.Merge(geo, asn); err == nil {
		t.Error("Merge of a geo and an ASN source succeeded")
	}
	if _, err := geodata.Compile(); err == nil {
		t.Error("Compile of nothing succeeded")
	}
}

func TestSourceFormat(t *testing.T) {
	t.Parallel()
	geo, err := geodata.ReadMMDB(MustWriteMMDB(t, "GeoIP2-City", 6, map[string]mmdbtype.Map{
		"0.0.0.0/8":          geoip2("US"),
		"47.96.0.0/12":       geoip2("CN", "ZJ"),
		"255.255.255.0/24":   geoip2("FR"),
		"100::/16":           geoip2("DE"),
		"2400:3200::/32":     geoip2("CN", "ZJ"),
		"2400:3201::1/128":   geoip2("CN", "BJ"),
		"ffff:ffff::/32":     geoip2("JP"),
		"2001:db8:0:1::/125": geoip2("RU"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := geo.WithDescription("test data").WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := geodata.ReadSource(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if back.Description() != "test data" || back.Kind() != geodata.KindGeo {
		t.Errorf("round trip: %q %v", back.Description(), back.Kind())
	}
	a4, a6 := geo.Ranges()
	b4, b6 := back.Ranges()
	if a4 != b4 || a6 != b6 {
		t.Errorf("ranges %d/%d, after round trip %d/%d", a4, a6, b4, b6)
	}
	var again bytes.Buffer
	if _, err := back.WriteTo(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes()[len("RAMPGEO1")+1+1+len("test data"):], buf.Bytes()[len("RAMPGEO1")+1+1+len("test data"):]) {
		t.Error("re-encoding differs")
	}
	db, err := geodata.Compile(back)
	if err != nil {
		t.Fatal(err)
	}
	check(t, db, []want{
		{"0.1.2.3", "US", "", 0},
		{"47.100.1.1", "CN", "ZJ", 0},
		{"255.255.255.255", "FR", "", 0},
		{"100::1", "DE", "", 0},
		{"2400:3201::1", "CN", "BJ", 0},
		{"2400:3201::2", "", "", 0},
		{"ffff:ffff:ffff::1", "JP", "", 0},
	})

	// Every truncation and a sample of corruptions fail cleanly.
	full := buf.Bytes()
	for n := 0; n < len(full); n++ {
		if _, err := geodata.ReadSource(bytes.NewReader(full[:n])); err == nil {
			t.Fatalf("ReadSource of %d of %d bytes succeeded", n, len(full))
		}
	}
	for i := range full {
		b := bytes.Clone(full)
		b[i] ^= 0xff
		geodata.ReadSource(bytes.NewReader(b)) // must not panic
	}
}

func TestLookupEdgeCases(t *testing.T) {
	t.Parallel()
	var nilDB *geodata.DB
	if c, p, tags := nilDB.Lookup(netip.MustParseAddr("8.8.8.8")); c != 0 || p != 0 || tags != 0 {
		t.Errorf("nil DB Lookup = %v %v %v", c, p, tags)
	}
	if info := nilDB.Info(); info.Prefixes4 != 0 {
		t.Errorf("nil DB Info = %+v", info)
	}
	db := mustEmbedded(t)
	if c, p, tags := db.Lookup(netip.Addr{}); c != 0 || p != 0 || tags != 0 {
		t.Errorf("Lookup(zero Addr) = %v %v %v", c, p, tags)
	}
	a := netip.MustParseAddr("2001:4860:4860::8888%eth0")
	if _, _, tags := db.Lookup(a); !tags.Has(origin.TagGoogle) {
		t.Errorf("Lookup(%s) tags = %v", a, tags)
	}
}

func TestLookupAllocs(t *testing.T) {
	db := mustEmbedded(t)
	addrs := []netip.Addr{netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("2400:3200::1"), netip.MustParseAddr("10.0.0.1")}
	allocs := testing.AllocsPerRun(1000, func() {
		for _, a := range addrs {
			db.Lookup(a)
		}
	})
	if allocs != 0 {
		t.Errorf("Lookup allocates %v times per run", allocs)
	}
}

func TestLookupConcurrent(t *testing.T) {
	t.Parallel()
	db := mustEmbedded(t)
	want, _, _ := db.Lookup(netip.MustParseAddr("202.106.0.20"))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				a := netip.AddrFrom4([4]byte{202, 106, byte(i), byte(g)})
				if c, _, _ := db.Lookup(a); c != want {
					t.Errorf("Lookup(%s) = %v, want %v", a, c, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
