package geodata_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/origin"
)

var embedded = sync.OnceValues(geodata.LoadEmbedded)

// mustEmbedded returns the embedded DB, built once per test binary.
func mustEmbedded(tb testing.TB) *geodata.DB {
	tb.Helper()
	db, err := embedded()
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestEmbedded(t *testing.T) {
	t.Parallel()
	db := mustEmbedded(t)
	tags := origin.TagSetOf
	check(t, db, []want{
		// Google Public DNS.
		{"8.8.8.8", "US", "", tags(origin.TagGoogle)},
		{"::ffff:8.8.4.4", "US", "", tags(origin.TagGoogle)},
		// Alibaba Cloud, Hangzhou (AS37963) and AliDNS.
		{"47.96.0.1", "CN", "ZJ", tags(origin.TagAliCloud)},
		{"223.5.5.5", "CN", "ZJ", tags(origin.TagAliCloud)},
		{"2400:3200::1", "CN", "ZJ", tags(origin.TagAliCloud)},
		// Tencent (AS45090), Guangdong.
		{"182.254.116.116", "CN", "GD", tags(origin.TagTencent)},
		// Huawei Cloud (AS55990).
		{"121.36.1.1", "CN", "BJ", tags(origin.TagHW)},
		// Beijing Unicom (AS4808): Beijing, no tag.
		{"202.106.0.20", "CN", "BJ", 0},
		{"123.125.1.1", "CN", "BJ", 0},
		// Azure China, operated by 21Vianet.
		{"40.73.1.1", "CN", "BJ", tags(origin.TagVNET)},
		// Amazon and Microsoft.
		{"52.95.110.1", "US", "", tags(origin.TagAmazon)},
		{"13.107.42.14", "US", "", tags(origin.TagMicrosoft)},
		// Hong Kong and Macao are their own locations.
		{"1.36.0.1", "HK", "", 0},
		{"202.175.1.1", "MO", "", 0},
		// Private and reserved space is unknown.
		{"10.1.2.3", "", "", 0},
		{"192.168.1.1", "", "", 0},
		{"fd00::1", "", "", 0},
	})
	info := db.Info()
	t.Logf("embedded: %+v", info)
	if info.Prefixes4 < 100_000 || info.Prefixes6 < 100_000 || len(info.Sources) != 2 {
		t.Errorf("embedded data looks too small: %+v", info)
	}
	// Every province of the mainland occurs in the data.
	geo, err := geodata.EmbeddedGeo()
	if err != nil {
		t.Fatal(err)
	}
	if geo.Kind() != geodata.KindGeo || geo.Description() == "" {
		t.Errorf("EmbeddedGeo: kind %v, description %q", geo.Kind(), geo.Description())
	}
	idc, err := geodata.EmbeddedIDC()
	if err != nil {
		t.Fatal(err)
	}
	if idc.Kind() != geodata.KindASN {
		t.Errorf("EmbeddedIDC: kind %v", idc.Kind())
	}
}

// TestEmbeddedLoadTime reports how long LoadEmbedded takes and how much
// heap the DB holds:
//
//	go test -run TestEmbeddedLoadTime -v ./internal/geodata
func TestEmbeddedLoadTime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the embedded DB again")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	db, err := geodata.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	info := db.Info()
	t.Logf("LoadEmbedded took %v; DB holds %.1f MiB of heap for %d IPv4 + %d IPv6 prefixes",
		el, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), info.Prefixes4, info.Prefixes6)
	runtime.KeepAlive(db)
	// Generous bound for slow, shared CI machines and -race.
	if el > 30*time.Second {
		t.Errorf("LoadEmbedded took %v", el)
	}
}

// TestLoadFiles loads real database files named by environment variables
// and reports the time taken; it is skipped when they are unset. Use it to
// check a newer or commercial database before deploying it:
//
//	RAMPART_GEODATA_MMDB=/path/GeoIP2-City.mmdb RAMPART_GEODATA_ASN=/path/asn-ipv4.csv \
//	    go test -run TestLoadFiles -v ./internal/geodata
//
// Several files may be given, separated by the OS path-list separator.
func TestLoadFiles(t *testing.T) {
	mmdbs := filepath.SplitList(os.Getenv("RAMPART_GEODATA_MMDB"))
	asns := filepath.SplitList(os.Getenv("RAMPART_GEODATA_ASN"))
	if len(mmdbs) == 0 && len(asns) == 0 {
		t.Skip("RAMPART_GEODATA_MMDB and RAMPART_GEODATA_ASN are unset")
	}
	var srcs []*geodata.Source
	for _, p := range mmdbs {
		start := time.Now()
		s, err := geodata.ReadMMDB(p)
		if err != nil {
			t.Fatal(err)
		}
		r4, r6 := s.Ranges()
		t.Logf("ReadMMDB(%s): %v, %d IPv4 + %d IPv6 ranges", p, time.Since(start), r4, r6)
		srcs = append(srcs, s)
	}
	for _, p := range asns {
		start := time.Now()
		s, err := geodata.ReadASNCSV(p)
		if err != nil {
			t.Fatal(err)
		}
		r4, r6 := s.Ranges()
		t.Logf("ReadASNCSV(%s): %v, %d IPv4 + %d IPv6 tagged ranges", p, time.Since(start), r4, r6)
		srcs = append(srcs, s)
	}
	start := time.Now()
	db, err := geodata.Compile(srcs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Compile: %v, %+v", time.Since(start), db.Info())
	for _, a := range []string{"8.8.8.8", "202.106.0.20", "47.96.0.1", "2400:3200::1"} {
		c, p, tags := db.Lookup(netip.MustParseAddr(a))
		t.Logf("%s: %q %q %q", a, c, p, tags)
	}
}
