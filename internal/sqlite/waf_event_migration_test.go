package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

// Events written before migration 0042 (without the attack columns) get
// the attack type of their rule type, so that ListEvent's attacks filter
// finds them: the file is taken back to its pre-0042 shape by hand and
// opened again.
func TestEventAttackMigrationBackfillsOlderEvents(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	path := db.Path()
	const proj = "a0000000000000000000000000000001"
	now := time.Now().UTC().Truncate(time.Millisecond)
	types := map[string]string{waf.EventEmergency: "custom_blackip", waf.EventWhiteBlackIP: "custom_whiteblackip",
		waf.EventGeoIP: "custom_geoip", waf.EventReputation: "custom_idc_ip"}
	var evs []waf.Event
	for rt := range types {
		evs = append(evs, waf.Event{ID: waf.NewID(), ProjectID: proj, EnterpriseProjectID: "0", Time: now, HostID: "h1",
			Host: "www.example.com", PolicyID: "p1", RuleType: rt, RuleID: "r1", Action: "block"})
	}
	if err := db.InsertEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP INDEX waf_events_dashboard`, // 0053 indexes attack; it stays applied
		`ALTER TABLE waf_events DROP COLUMN attack`,
		`ALTER TABLE waf_events DROP COLUMN payload`,
		`ALTER TABLE waf_events DROP COLUMN payload_location`,
		`DELETE FROM schema_migrations WHERE version = '0042_waf_event_attack'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for rt, attack := range types {
		got, n, err := db.FindEvents(ctx, waf.EventFilter{ProjectID: proj, Page: waf.Page{Limit: 10},
			Terms: map[waf.EventField]waf.EventTerms{waf.EventFieldAttack: {In: []string{attack}}}})
		if err != nil || n != 1 || got[0].RuleType != rt || got[0].Attack() != attack {
			t.Fatalf("attack %s after the migration: %d events, %v", attack, n, err)
		}
	}
}
