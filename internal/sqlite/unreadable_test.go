package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

// TestUnreadableRowsAreSkipped puts rows that cannot be decoded straight
// into a real database file (as the finding-1 writes of 1e400 left them)
// and checks, after re-opening the file, that every read of many rows skips
// them and returns the others, of the same and of other projects, and that
// the skips are counted per table in the store's metrics.
func TestUnreadableRowsAreSkipped(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	path := db.Path()
	svc := waf.NewService(db, nil)
	const projA, projB = "a0000000000000000000000000000001", "b0000000000000000000000000000002"
	host := func(project, name string) *waf.Host {
		t.Helper()
		h, err := svc.CreateHost(ctx, project, "0", &waf.HostInput{Hostname: ptr(name), Proxy: ptr(false),
			Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	bad, good, other := host(projA, "bad.example.com"), host(projA, "good.example.com"), host(projB, "other.example.com")
	badPolicy, err := svc.CreatePolicy(ctx, projA, "0", "badpolicy", nil)
	if err != nil {
		t.Fatal(err)
	}
	group, err := svc.CreateIPGroup(ctx, projA, "0", &waf.IPGroupInput{Name: ptr("g1"), IPs: ptr("192.0.2.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ query, id string }{
		{`UPDATE waf_hosts SET settings = '{"extra":{"block_page":{"x":1e400}}}' WHERE id = ?`, bad.ID},
		{`UPDATE waf_policies SET modulex_options = '{"x":1e400}' WHERE id = ?`, badPolicy.ID},
		{`UPDATE waf_ip_groups SET remarks = 'not json' WHERE id = ?`, group.ID},
	} {
		if res, err := raw.Exec(q.query, q.id); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s: %d rows", q.query, n)
		}
	}
	raw.Close()

	var logs bytes.Buffer
	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Logger = slog.New(slog.NewTextHandler(&logs, nil))

	all, err := db.AllHosts(ctx)
	if err != nil {
		t.Fatalf("AllHosts: %v", err)
	}
	if got := hostIDs(all); got != good.ID+","+other.ID {
		t.Fatalf("AllHosts = %s, want the good host and the other project's", got)
	}
	hs, _, err := db.FindHosts(ctx, waf.HostFilter{ProjectID: projA, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}})
	if err != nil || hostIDs(hs) != good.ID {
		t.Fatalf("FindHosts = %s, %v", hostIDs(hs), err)
	}
	ps, _, err := db.FindPolicies(ctx, waf.PolicyFilter{ProjectID: projA, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}})
	if err != nil {
		t.Fatalf("FindPolicies: %v", err)
	}
	for _, p := range ps {
		if p.ID == badPolicy.ID {
			t.Fatal("FindPolicies returned the unreadable policy")
		}
	}
	if len(ps) != 2 { // the policies the two hosts created
		t.Fatalf("FindPolicies: %d policies, want 2", len(ps))
	}
	if gs, _, err := db.FindIPGroups(ctx, waf.IPGroupFilter{ProjectID: projA, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}}); err != nil || len(gs) != 0 {
		t.Fatalf("FindIPGroups = %d groups, %v", len(gs), err)
	}
	// Reading the one bad row reports it as an internal error.
	if _, err := db.FindHost(ctx, projA, bad.ID); err == nil || rampart.ErrorKind(err) != rampart.KindInternal {
		t.Fatalf("FindHost of the bad row: %v", err)
	}

	counts := db.UnreadableRows()
	if counts["waf_hosts"] != 2 || counts["waf_policies"] != 1 || counts["waf_ip_groups"] != 1 {
		t.Fatalf("UnreadableRows = %v", counts)
	}
	var m bytes.Buffer
	if err := db.WriteMetrics(&m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.String(), `rampart_store_unreadable_rows_total{table="waf_hosts"} 2`) {
		t.Fatalf("metrics:\n%s", m.String())
	}
	// Each bad row is logged once, with its table and ID.
	if n := strings.Count(logs.String(), bad.ID); n != 1 {
		t.Fatalf("the bad host is logged %d times:\n%s", n, logs.String())
	}
}

func hostIDs(hs []*waf.Host) string {
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	return strings.Join(ids, ",")
}
