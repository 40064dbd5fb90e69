// Package geodata compiles address data (where an address is, which data
// centre it belongs to) into immutable prefix tables that answer in tens of
// nanoseconds.
//
// Inputs are Sources: country and Chinese-province data read from a MaxMind
// DB file (GeoIP2/GeoLite2 Country or City, DB-IP Lite, or the
// @ip-location-db schema) and IP-to-ASN ranges read from a CSV file. The
// repository ships compact generated sources (data/*.bin.gz, embedded in
// the binary) so that LoadEmbedded works with no setup; see docs/geodata.md
// for their origin, licences and how to regenerate them.
//
// Representation. Compile overlays the sources into one sorted list of
// disjoint address ranges per family whose value packs a country Code, a
// province Code and a TagSet into a uint32, and merges neighbours with equal
// values. IPv4 ranges are kept as two sorted arrays (range starts, values)
// with a direct index from each /16 to the ranges starting in it (index4).
// IPv6 ranges are split into CIDR prefixes and inserted into a
// bart.Table[uint32] (a multibit trie with popcount-compressed nodes,
// github.com/gaissmai/bart).
//
// Cost model. For IPv4, DB.Lookup is one load in the /16 index and a short
// binary search among the ranges starting in that /16; for IPv6 it is one
// longest-prefix match in the trie (at most 16 node visits). Either way
// tens of nanoseconds or less, no allocation, no lock. Building is linear
// in the number of ranges plus the trie insertions; see docs/geodata.md for
// measured figures.
//
// MaxMind DB reader: github.com/oschwald/maxminddb-golang/v2 rather than
// v1. v2 is the current major version and stable (a v2.x line with many
// minor releases); it takes and returns net/netip types, iterates networks
// with range-over-func, and exposes each record's data offset, which
// ReadMMDB uses to decode each distinct record once instead of once per
// network (a city database has millions of networks but a few hundred
// thousand records).
package geodata

import (
	"errors"
	"net/netip"

	"github.com/gaissmai/bart"

	"github.com/rampartsec/rampart/internal/origin"
)

// Packed entry layout: country in bits 0-9, province in bits 10-19, tags in
// bits 20-28.
const (
	provinceShift = origin.CodeBits
	tagShift      = 2 * origin.CodeBits
	codeMask      = 1<<origin.CodeBits - 1
	tagMask       = 1<<origin.TagBits - 1
)

// Compile-time check that the packed entry fits in 32 bits.
var _ [32 - tagShift - origin.TagBits]struct{}

func pack(country, province origin.Code, tags origin.TagSet) uint32 {
	return uint32(country)&codeMask | (uint32(province)&codeMask)<<provinceShift | (uint32(tags)&tagMask)<<tagShift
}

func unpack(v uint32) (country, province origin.Code, tags origin.TagSet) {
	return origin.Code(v & codeMask), origin.Code(v >> provinceShift & codeMask), origin.TagSet(v >> tagShift & tagMask)
}

const geoMask = 1<<tagShift - 1

// combine merges two packed entries: the location comes from a when a has
// one, otherwise from b; the tags are the union.
func combine(a, b uint32) uint32 {
	loc := a & geoMask
	if loc == 0 {
		loc = b & geoMask
	}
	return loc | (a|b)&^geoMask
}

// DB is a compiled, immutable address table: for any address, the Huawei
// location codes of its country and (in China) province, and the IDC tags
// of the network it belongs to.
//
// A DB is safe for concurrent use by any number of goroutines: it is never
// modified after Compile returns. To switch to newer data at run time, build
// a new DB and publish it through an atomic.Pointer[DB]; readers holding the
// old one keep a consistent view. A nil *DB is valid and knows nothing.
//
// Cost: Lookup is an indexed search (IPv4) or one trie walk (IPv6), tens of
// nanoseconds at most, zero allocations.
// Memory is roughly proportional to the number of prefixes (Info).
type DB struct {
	v4    *index4            // IPv4 ranges
	table bart.Table[uint32] // IPv6 prefixes
	info  Info
}

// Info describes what a DB was built from.
type Info struct {
	Sources   []string // Description of each source, in precedence order
	Ranges4   int      // disjoint IPv4 ranges after merging
	Ranges6   int      // disjoint IPv6 ranges after merging
	Prefixes4 int      // CIDR prefixes the IPv4 ranges split into
	Prefixes6 int      // IPv6 prefixes in the table
}

// Lookup returns the location and IDC tags of addr. country is zero when
// the data has no country for addr or the country is not a Huawei location
// code; province is non-zero only for addresses in the Chinese mainland
// whose province is known; Hong Kong, Macao and Taiwan are reported as the
// country (origin.KindRegion). IPv4-mapped IPv6 addresses are looked up as
// IPv4. Lookup allocates nothing and takes no lock.
func (db *DB) Lookup(addr netip.Addr) (country, province origin.Code, tags origin.TagSet) {
	if db == nil {
		return 0, 0, 0
	}
	addr = addr.Unmap()
	if addr.Is4() {
		if db.v4 == nil {
			return 0, 0, 0
		}
		b := addr.As4()
		return unpack(db.v4.lookup(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])))
	}
	v, ok := db.table.Lookup(addr)
	if !ok {
		return 0, 0, 0
	}
	return unpack(v)
}

// Info returns what the DB was built from. A nil DB returns the zero Info.
func (db *DB) Info() Info {
	if db == nil {
		return Info{}
	}
	i := db.info
	i.Sources = append([]string(nil), i.Sources...)
	return i
}

// Compile builds a DB from sources. Geo sources give locations: where
// several cover an address, the earliest in the argument list wins, so a
// detailed or commercial database can be listed before a fallback. ASN
// sources give IDC tags; the tags of all sources are combined. Addresses
// that no source covers, or that map to nothing Huawei can name, are left
// out of the table.
func Compile(srcs ...*Source) (*DB, error) {
	if len(srcs) == 0 {
		return nil, errors.New("geodata: compile of no sources")
	}
	var v4, v6 []span
	info := Info{}
	for _, s := range srcs {
		if s == nil {
			return nil, errors.New("geodata: compile of a nil source")
		}
		info.Sources = append(info.Sources, s.Kind().String()+": "+s.desc)
		ent := s.entries()
		v4 = overlay(v4, remapSpans(s.v4, ent), combine)
		v6 = overlay(v6, remapSpans(s.v6, ent), combine)
	}
	db := &DB{}
	info.Ranges4, info.Ranges6 = len(v4), len(v6)
	db.v4 = newIndex4(v4)
	info.Prefixes4 = countPrefixes(v4, true)
	info.Prefixes6 = insertSpans(&db.table, v6, false)
	db.info = info
	return db, nil
}

// countPrefixes returns the number of CIDR prefixes list splits into.
func countPrefixes(list []span, v4 bool) int {
	n := 0
	for _, s := range list {
		prefixes(s.lo, s.hi, v4, func(netip.Prefix) { n++ })
	}
	return n
}

func insertSpans(t *bart.Table[uint32], list []span, v4 bool) int {
	n := 0
	for _, s := range list {
		prefixes(s.lo, s.hi, v4, func(p netip.Prefix) {
			t.Insert(p, s.val)
			n++
		})
	}
	return n
}
