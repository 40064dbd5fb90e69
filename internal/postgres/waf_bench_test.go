package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/postgres/pgtest"
	"github.com/rampartsec/rampart/internal/waf"
)

// BenchmarkWhiteBlackIPList100k lists pages of 10 of a policy of 100,000
// black/white IP rules through the store (the queries of a
// ListWhiteblackipRule, without HTTP): the first page, a middle one and
// the last. The rules are seeded with one INSERT … SELECT.
func BenchmarkWhiteBlackIPList100k(b *testing.B) {
	ctx := context.Background()
	dsn := pgtest.Schema(b)
	db := openDSN(b, dsn)
	const project, n = "p0000000000000000000000000000001", 100_000
	p, err := waf.NewService(db, nil).CreatePolicy(ctx, project, "0", "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO waf_whiteblackip_rules (id, project_id, policy_id, enterprise_project_id, name,
		addr, white, status, time_mode, start, terminal, description, created_at)
		SELECT md5(i::text), $1, $2, '0', 'r' || i, '10.' || (i >> 16) || '.' || (i >> 8 & 255) || '.' || (i & 255),
			0, 1, 'permanent', 0, 0, '', now() FROM generate_series(1, $3) AS i`, project, p.ID, n); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for _, page := range []struct {
		name   string
		offset int
	}{{"first", 0}, {"middle", n / 2}, {"last", n - 10}} {
		b.Run(page.name, func(b *testing.B) {
			f := waf.RuleFilter{ProjectID: project, PolicyIDs: []string{p.ID}, Page: waf.Page{Offset: page.offset, Limit: 10}}
			for b.Loop() {
				got, total, err := db.FindWhiteBlackIPRules(ctx, f)
				if err != nil || total != n || len(got) != 10 {
					b.Fatalf("page: %d rules of %d, %v", len(got), total, err)
				}
			}
		})
	}
}
