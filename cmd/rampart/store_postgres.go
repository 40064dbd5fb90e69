package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/rampartsec/rampart/internal/postgres"
	"github.com/rampartsec/rampart/internal/rampart"
)

// postgresPool are the connection-pool settings of a PostgreSQL store.
type postgresPool struct {
	MaxConns    int
	MinConns    int
	MaxLifetime time.Duration
}

func (p *postgresPool) register(e *envFlags) {
	e.Int(&p.MaxConns, "postgres-max-conns", "RAMPART_POSTGRES_MAX_CONNS", 0, "PostgreSQL store: most connections the node opens (0: the larger of 4 and the number of CPUs)")
	e.Int(&p.MinConns, "postgres-min-conns", "RAMPART_POSTGRES_MIN_CONNS", 0, "PostgreSQL store: connections kept open when idle")
	e.Duration(&p.MaxLifetime, "postgres-conn-lifetime", "RAMPART_POSTGRES_CONN_LIFETIME", 0, "PostgreSQL store: a connection is closed after this long (0: one hour)")
}

// validate refuses pool settings PostgreSQL's pool cannot take.
func (p *postgresPool) validate() error {
	switch {
	case p.MaxConns < 0 || p.MaxConns > math.MaxInt32:
		return fmt.Errorf("--postgres-max-conns %d is out of range (0 to %d)", p.MaxConns, math.MaxInt32)
	case p.MinConns < 0 || p.MinConns > math.MaxInt32:
		return fmt.Errorf("--postgres-min-conns %d is out of range (0 to %d)", p.MinConns, math.MaxInt32)
	case p.MaxConns > 0 && p.MinConns > p.MaxConns:
		return fmt.Errorf("--postgres-min-conns %d exceeds --postgres-max-conns %d", p.MinConns, p.MaxConns)
	case p.MaxLifetime < 0:
		return fmt.Errorf("--postgres-conn-lifetime %s is negative", p.MaxLifetime)
	}
	return nil
}

// options are the store options of these settings.
func (p *postgresPool) options(logger *slog.Logger) postgres.Options {
	return postgres.Options{MaxConns: int32(p.MaxConns), MinConns: int32(p.MinConns), MaxConnLifetime: p.MaxLifetime, Logger: logger}
}

// soleServer is a store that lets one API server at a time run on it
// (PostgreSQL: several serve processes may reach one server).
type soleServer interface {
	ClaimSoleServer(ctx context.Context) (release func(), err error)
}

// claimStore makes this process the store's one API server when the store
// asks for it, and returns what gives the claim back.
func claimStore(ctx context.Context, st store) (release func(), err error) {
	s, ok := st.(soleServer)
	if !ok {
		return func() {}, nil
	}
	return s.ClaimSoleServer(ctx)
}

// checkBootstrapped refuses a PostgreSQL store that no rampart serve has
// started on (a mistyped DSN names an empty database, which opening has
// just given empty tables): operator commands work on an existing store.
func checkBootstrapped(ctx context.Context, dsn string, st store) error {
	if !isPostgresDSN(dsn) {
		return nil
	}
	ps, err := st.FindProjects(ctx, rampart.ProjectFilter{})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return fmt.Errorf("no Rampart store at %s (start rampart serve on it first)", redactDSN(dsn))
	}
	return nil
}
