package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
)

// writeCountryDB writes a GeoLite2-Country style database placing cidr in
// the country iso to path (replacing the file).
func writeCountryDB(t *testing.T, path, cidr, iso string) {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-Country", IPVersion: 6, RecordSize: 24, IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := net.ParseCIDR(cidr)
	if err != nil {
		t.Fatal(err)
	}
	rec := mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(iso)}}
	if err := tree.Insert(n, rec); err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// recordingSetter keeps the last locator it was given.
type recordingSetter struct {
	mu  sync.Mutex
	geo engine.Locator
	n   int
}

func (r *recordingSetter) SetLocator(geo engine.Locator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.geo, r.n = geo, r.n+1
}

func (r *recordingSetter) country(t *testing.T, ip string) (origin.Code, int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.geo == nil {
		return 0, r.n
	}
	c, _, _ := r.geo.Lookup(netip.MustParseAddr(ip))
	return c, r.n
}

func TestAddressDataReloadOnHangup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "country.mmdb")
	writeCountryDB(t, path, "198.51.100.0/24", "DE")
	cfg := &addressDataConfig{GeoIPDB: path}
	db, desc, err := cfg.load()
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _ := db.Lookup(netip.MustParseAddr("198.51.100.7")); c.String() != "DE" {
		t.Fatalf("first load: %v (%s)", c, desc)
	}
	// The embedded IDC data fills the half without a file.
	if _, _, tags := db.Lookup(netip.MustParseAddr("8.8.8.8")); tags == 0 {
		t.Fatal("embedded IDC tags missing when only --geoip-db is given")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dst := &recordingSetter{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	reloadOnHangup(ctx, cfg, dst, logger)

	writeCountryDB(t, path, "198.51.100.0/24", "FR")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		if c, _ := dst.country(t, "198.51.100.7"); c.String() == "FR" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("SIGHUP did not load the new database")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A broken file is refused and the data in force is kept.
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, before := dst.country(t, "198.51.100.7")
	if err := reloadAddressData(cfg, dst, logger); err == nil {
		t.Fatal("reload of a broken file succeeded")
	}
	if c, n := dst.country(t, "198.51.100.7"); n != before || c.String() != "FR" {
		t.Fatalf("after a failed reload: country %v, %d sets (was %d)", c, n, before)
	}
}
