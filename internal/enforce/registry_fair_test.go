package enforce_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/workspace"
)

// stallingLog is the database's enforcement change log, except that, once
// armed, reading one project's changes waits until released: a project
// whose update takes very long (a huge delivery on a busy machine).
type stallingLog struct {
	*sqlite.DB
	project  string
	mu       sync.Mutex
	armed    bool
	entered  chan struct{} // closed when a stalled read starts
	released chan struct{}
}

func (l *stallingLog) EnforcementChanges(ctx context.Context, project string, after int64) ([]secmaster.Enforcement, []secmaster.Enforcement, int64, bool, error) {
	l.mu.Lock()
	stall := l.armed && project == l.project
	if stall {
		l.armed = false
		close(l.entered)
	}
	l.mu.Unlock()
	if stall {
		<-l.released
	}
	return l.DB.EnforcementChanges(ctx, project, after)
}

// While one project's engine update is stalled, the registry's poll keeps
// updating the other projects: a block of projA is in force although
// projB's update, started before it, has not finished.
func TestRunNotHeldBySlowProject(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	log := &stallingLog{DB: db, project: projB, entered: make(chan struct{}), released: make(chan struct{})}
	reg := enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: log, WAF: db, WAFLog: db,
		Workspace: workspace.New(db, workspace.Config{}), Revisions: db}, nil, nil, nil)
	for _, p := range []string{projA, projB} {
		if err := sm.EnsureDefaultWorkspace(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Engine(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { reg.Run(rctx, 10*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	released := false
	release := func() {
		if !released {
			released = true
			close(log.released)
		}
	}
	t.Cleanup(release)

	log.mu.Lock()
	log.armed = true
	log.mu.Unlock()
	smBlock(t, sm, projB, projB, secmaster.LayerCFW, secmaster.TypeSourceIP, ip2.String())
	select {
	case <-log.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("projB's update did not start within 10 s")
	}
	smBlock(t, sm, projA, projA, secmaster.LayerCFW, secmaster.TypeSourceIP, ip1.String())
	eventually(t, "projA's block while projB's update is stalled", func() bool {
		eng, err := reg.Engine(ctx, projA)
		return err == nil && eng.DecideIP(engine.LayerCFW, ip1, time.Now()).Action == engine.ActionBlock
	})
	release()
	eventually(t, "projB's block once released", func() bool {
		eng, err := reg.Engine(ctx, projB)
		return err == nil && eng.DecideIP(engine.LayerCFW, ip2, time.Now()).Action == engine.ActionBlock
	})
}
