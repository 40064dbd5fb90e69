package geodata

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rampartsec/rampart/internal/origin"
)

// ReadASNCSV reads an IP-range-to-ASN CSV file into an ASN Source, keeping
// only ranges whose ASN carries an IDC tag (origin.TagsForASN).
//
// The format is that of the @ip-location-db/asn package: one range per
// line, no header,
//
//	ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization
//
// with inclusive ends given either as addresses (asn-ipv4.csv,
// asn-ipv6.csv) or as decimal integers (asn-ipv4-num.csv, asn-ipv6-num.csv;
// an integer range is IPv4 when both ends are below 2^32). Extra columns are
// ignored, a leading header line is skipped, and a file whose name ends in
// ".gz" is decompressed.
func ReadASNCSV(path string) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geodata: %w", err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("geodata: %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	src, err := readASNCSV(r, filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("geodata: %s: %w", path, err)
	}
	return src, nil
}

func readASNCSV(r io.Reader, desc string) (*Source, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	b := newSourceBuilder(KindASN, desc)
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 3", line, len(rec))
		}
		asn, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(rec[2]), "AS"), 10, 32)
		if err != nil {
			if line == 1 {
				continue // header
			}
			return nil, fmt.Errorf("line %d: bad ASN %q", line, rec[2])
		}
		if origin.TagsForASN(uint32(asn)).Empty() {
			continue
		}
		lo, hi, err := parseRange(rec[0], rec[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		b.addRange(lo, hi, b.key(strconv.FormatUint(asn, 10)))
	}
	return b.build(), nil
}

// parseRange parses the two ends of an inclusive range, as addresses or as
// decimal integers.
func parseRange(a, b string) (lo, hi netip.Addr, err error) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	lo, errA := netip.ParseAddr(a)
	hi, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		x, okA := parseU128(a)
		y, okB := parseU128(b)
		if !okA || !okB {
			return lo, hi, fmt.Errorf("bad range %q-%q", a, b)
		}
		v4 := x.hi == 0 && y.hi == 0 && x.lo <= 0xFFFFFFFF && y.lo <= 0xFFFFFFFF
		lo, hi = x.addr(v4), y.addr(v4)
	}
	lo, hi = lo.Unmap(), hi.Unmap()
	if lo.Is4() != hi.Is4() || hi.Less(lo) || lo.Zone() != "" || hi.Zone() != "" {
		return lo, hi, fmt.Errorf("bad range %s-%s", lo, hi)
	}
	return lo, hi, nil
}

// parseU128 parses a decimal integer below 2^128.
func parseU128(s string) (u128, bool) {
	if s == "" {
		return u128{}, false
	}
	var x u128
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return u128{}, false
		}
		// x = x*10 + d
		hHi, hLo := bits.Mul64(x.hi, 10)
		lHi, lLo := bits.Mul64(x.lo, 10)
		hi, c := bits.Add64(hLo, lHi, 0)
		if hHi != 0 || c != 0 {
			return u128{}, false
		}
		var ovf bool
		x, ovf = u128{hi, lLo}.add(u128{lo: uint64(d - '0')})
		if ovf {
			return u128{}, false
		}
	}
	return x, true
}

// LoadASNCSV compiles an IP-to-ASN CSV file (see ReadASNCSV) into a DB with
// IDC tags only.
func LoadASNCSV(path string) (*DB, error) {
	src, err := ReadASNCSV(path)
	if err != nil {
		return nil, err
	}
	return Compile(src)
}

// Load compiles a MaxMind DB file and an IP-to-ASN CSV file into one DB
// with locations and IDC tags.
func Load(mmdbPath, asnCSVPath string) (*DB, error) {
	geo, err := ReadMMDB(mmdbPath)
	if err != nil {
		return nil, err
	}
	asn, err := ReadASNCSV(asnCSVPath)
	if err != nil {
		return nil, err
	}
	return Compile(geo, asn)
}
