package decision_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
)

// oneProject serves one engine for every project, or an error.
type oneProject struct {
	eng *engine.Engine
	err error
}

func (o oneProject) Decider(context.Context, string) (decision.Decider, error) {
	if o.err != nil {
		return nil, o.err
	}
	return o.eng, nil
}

// The IAM layer follows the decision table: BLOCK blocks, WHITE wins over
// BLOCK, an aged block no longer blocks, and a store error is an error.
func TestUserBlockedByEngine(t *testing.T) {
	entry := func(cat engine.Category, user string, exp time.Time) engine.EmergencyEntry {
		return engine.EmergencyEntry{Layer: engine.LayerIAM, Category: cat, PolicyID: "p-" + user, User: user, Expires: exp}
	}
	eng, err := engine.New(&engine.Project{Emergency: []engine.EmergencyEntry{
		entry(engine.CategoryBlock, "alice", time.Time{}),
		entry(engine.CategoryBlock, "bob", time.Time{}),
		entry(engine.CategoryWhite, "bob", time.Time{}),
		entry(engine.CategoryBlock, "carol", time.Now().Add(-time.Minute)),
		entry(engine.CategoryBlock, "dave", time.Now().Add(time.Hour)),
	}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	blocked := decision.UserBlockedBy(oneProject{eng: eng}, nil)
	for user, want := range map[string]bool{"alice": true, "bob": false, "carol": false, "dave": true, "erin": false} {
		got, err := blocked(context.Background(), "p", user)
		if err != nil || got != want {
			t.Errorf("%s: blocked=%v err=%v, want %v", user, got, err, want)
		}
	}
	// The clock given decides expiry: two hours on, dave's block has aged.
	later := decision.UserBlockedBy(oneProject{eng: eng}, func() time.Time { return time.Now().Add(2 * time.Hour) })
	if got, err := later(context.Background(), "p", "dave"); err != nil || got {
		t.Errorf("dave two hours later: blocked=%v err=%v, want false", got, err)
	}
	boom := errors.New("store unavailable")
	if _, err := decision.UserBlockedBy(oneProject{err: boom}, nil)(context.Background(), "p", "alice"); !errors.Is(err, boom) {
		t.Fatalf("error not passed on: %v", err)
	}
}
