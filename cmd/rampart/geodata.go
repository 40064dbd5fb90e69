package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/geodata"
)

// addressDataConfig names the address-data files that replace the embedded
// data: a MaxMind-format database for countries and Chinese provinces, an
// IP-range-to-ASN CSV file for the IDC tags. Either may be empty: that half
// comes from the embedded data.
type addressDataConfig struct {
	GeoIPDB string
	ASNDB   string
}

// register adds the --geoip-db and --asn-db flags.
func (c *addressDataConfig) register(e *envFlags) {
	e.String(&c.GeoIPDB, "geoip-db", "RAMPART_GEOIP_DB", "", "MaxMind-format database (GeoIP2/GeoLite2 Country or City, DB-IP Lite, ip-location-db) for countries and Chinese provinces; default: the embedded DB-IP Lite data; re-read on SIGHUP")
	e.String(&c.ASNDB, "asn-db", "RAMPART_ASN_DB", "", "IP-range-to-ASN CSV file for the IDC tags; default: the embedded data; re-read on SIGHUP")
}

// load compiles the configured files, with the embedded data for a half
// that has no file. It returns the DB and a one-line description.
func (c *addressDataConfig) load() (*geodata.DB, string, error) {
	var geo, idc *geodata.Source
	var err error
	if c.GeoIPDB != "" {
		geo, err = geodata.ReadMMDB(c.GeoIPDB)
	} else {
		geo, err = geodata.EmbeddedGeo()
	}
	if err != nil {
		return nil, "", fmt.Errorf("geolocation data: %w", err)
	}
	if c.ASNDB != "" {
		idc, err = geodata.ReadASNCSV(c.ASNDB)
	} else {
		idc, err = geodata.EmbeddedIDC()
	}
	if err != nil {
		return nil, "", fmt.Errorf("IDC data: %w", err)
	}
	db, err := geodata.Compile(geo, idc)
	if err != nil {
		return nil, "", err
	}
	info := db.Info()
	desc := fmt.Sprintf("%s; %d IPv4 + %d IPv6 prefixes", strings.Join(info.Sources, " + "), info.Prefixes4, info.Prefixes6)
	return db, desc, nil
}

// locatorSetter is what takes newly loaded address data (the registry of
// decision engines).
type locatorSetter interface {
	SetLocator(geo engine.Locator)
}

// reloadAddressData loads the configured files again and hands them to
// dst. On failure the data in force is kept.
func reloadAddressData(c *addressDataConfig, dst locatorSetter, logger *slog.Logger) error {
	db, desc, err := c.load()
	if err != nil {
		logger.Error("address data reload failed; the data in force is kept", "err", err)
		return err
	}
	dst.SetLocator(db)
	logger.Info("address data reloaded", "data", desc)
	return nil
}

// reloadOnHangup starts reloading the address data on every SIGHUP until
// ctx is done. The signal is caught from the moment it returns.
func reloadOnHangup(ctx context.Context, c *addressDataConfig, dst locatorSetter, logger *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_ = reloadAddressData(c, dst, logger)
			}
		}
	}()
}
