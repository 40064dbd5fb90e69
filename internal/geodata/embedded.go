package geodata

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
)

// data holds the generated sources committed in the repository (see
// docs/geodata.md and scripts/geodata/update.sh): geo.bin.gz maps addresses
// to countries and Chinese provinces, idc.bin.gz maps the address space of
// the ASNs listed in package origin to those ASNs.
//
//go:embed data/geo.bin.gz data/idc.bin.gz
var data embed.FS

// EmbeddedGeo returns the embedded geo Source (countries and Chinese
// provinces). Each call decodes it afresh.
func EmbeddedGeo() (*Source, error) { return readEmbedded("data/geo.bin.gz") }

// EmbeddedIDC returns the embedded ASN Source behind the IDC tags. Each call
// decodes it afresh.
func EmbeddedIDC() (*Source, error) { return readEmbedded("data/idc.bin.gz") }

func readEmbedded(name string) (*Source, error) {
	b, err := data.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("geodata: embedded %s: %w", name, err)
	}
	return ReadSourceGzip(bytes.NewReader(b))
}

// ReadSourceGzip reads a gzip-compressed source file (see ReadSource).
func ReadSourceGzip(r io.Reader) (*Source, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("geodata: %w", err)
	}
	defer zr.Close()
	return ReadSource(zr)
}

// LoadEmbedded compiles the embedded data into a DB: countries, Chinese
// provinces and IDC tags, with no file or network access. Each call builds
// a new DB; callers should build once and share it.
func LoadEmbedded() (*DB, error) {
	geo, err := EmbeddedGeo()
	if err != nil {
		return nil, err
	}
	idc, err := EmbeddedIDC()
	if err != nil {
		return nil, err
	}
	return Compile(geo, idc)
}
