package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// RunBouncer runs the conformance suite of bouncer.Store.
func RunBouncer(t *testing.T, newStore func(t *testing.T) bouncer.Store) {
	ctx := context.Background()
	created := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	key := func(name string) bouncer.Key {
		return bouncer.Key{ID: newID(t), Name: name, ProjectID: newID(t), Layer: decision.LayerCFW,
			Hash: bouncer.HashSecret(name + "-secret"), CreatedAt: created}
	}

	t.Run("CreateListFindDelete", func(t *testing.T) {
		st := newStore(t)
		a, b := key("edge-b"), key("edge-a")
		b.Layer = decision.LayerWAF
		must(t, st.CreateBouncer(ctx, a))
		must(t, st.CreateBouncer(ctx, b))
		ks, err := st.Bouncers(ctx)
		must(t, err)
		if len(ks) != 2 || ks[0] != b || ks[1] != a {
			t.Fatalf("Bouncers = %+v, want [%+v %+v] (by name)", ks, b, a)
		}
		got, err := st.BouncerByHash(ctx, a.Hash)
		must(t, err)
		if got != a {
			t.Fatalf("BouncerByHash = %+v, want %+v", got, a)
		}
		_, err = st.BouncerByHash(ctx, bouncer.HashSecret("wrong"))
		wantKind(t, err, rampart.KindNotFound)
		must(t, st.DeleteBouncer(ctx, a.Name))
		_, err = st.BouncerByHash(ctx, a.Hash)
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, st.DeleteBouncer(ctx, a.Name), rampart.KindNotFound)
		ks, err = st.Bouncers(ctx)
		must(t, err)
		if len(ks) != 1 || ks[0] != b {
			t.Fatalf("Bouncers after delete = %+v", ks)
		}
	})

	t.Run("UniqueNameAndHash", func(t *testing.T) {
		st := newStore(t)
		a := key("edge")
		must(t, st.CreateBouncer(ctx, a))
		dup := key("edge")
		wantKind(t, st.CreateBouncer(ctx, dup), rampart.KindConflict)
		sameHash := key("other")
		sameHash.Hash = a.Hash
		wantKind(t, st.CreateBouncer(ctx, sameHash), rampart.KindConflict)
	})

	t.Run("TouchRecordsLastPull", func(t *testing.T) {
		st := newStore(t)
		a := key("edge")
		must(t, st.CreateBouncer(ctx, a))
		at := created.Add(time.Hour)
		must(t, st.TouchBouncer(ctx, a.ID, at))
		got, err := st.BouncerByHash(ctx, a.Hash)
		must(t, err)
		if !got.LastPull.Equal(at) {
			t.Fatalf("LastPull = %v, want %v", got.LastPull, at)
		}
		wantKind(t, st.TouchBouncer(ctx, newID(t), at), rampart.KindNotFound)
	})

	t.Run("SentState", func(t *testing.T) {
		st := newStore(t)
		a, b := key("edge-a"), key("edge-b")
		must(t, st.CreateBouncer(ctx, a))
		must(t, st.CreateBouncer(ctx, b))
		snap, deltas, err := st.Sent(ctx, a.ID)
		must(t, err)
		if snap != nil || deltas != nil {
			t.Fatalf("Sent of a new key = %q, %q; want nothing", snap, deltas)
		}
		must(t, st.ResetSent(ctx, a.ID, []byte("snapshot")))
		must(t, st.AppendSent(ctx, a.ID, []byte("d1")))
		must(t, st.AppendSent(ctx, a.ID, []byte("d2")))
		must(t, st.AppendSent(ctx, b.ID, []byte("b1")))
		snap, deltas, err = st.Sent(ctx, a.ID)
		must(t, err)
		if string(snap) != "snapshot" || len(deltas) != 2 || string(deltas[0]) != "d1" || string(deltas[1]) != "d2" {
			t.Fatalf("Sent = %q, %q; want snapshot, [d1 d2]", snap, deltas)
		}
		must(t, st.ResetSent(ctx, a.ID, []byte{}))
		snap, deltas, err = st.Sent(ctx, a.ID)
		must(t, err)
		if snap == nil || len(snap) != 0 || len(deltas) != 0 {
			t.Fatalf("Sent after an empty reset = %q, %q; want an empty snapshot", snap, deltas)
		}
		big := bytes.Repeat([]byte{1, 2, 3}, 1<<20)
		must(t, st.ResetSent(ctx, b.ID, big))
		snap, deltas, err = st.Sent(ctx, b.ID)
		must(t, err)
		if !bytes.Equal(snap, big) || len(deltas) != 0 {
			t.Fatalf("Sent of a 3 MiB snapshot: %d bytes, %d deltas", len(snap), len(deltas))
		}
		wantKind(t, st.ResetSent(ctx, newID(t), nil), rampart.KindNotFound)
		_, _, err = st.Sent(ctx, newID(t))
		wantKind(t, err, rampart.KindNotFound)
		// Deleting a key deletes its sent state; a key of the same name
		// starts afresh.
		must(t, st.DeleteBouncer(ctx, a.Name))
		a2 := key("edge-a")
		must(t, st.CreateBouncer(ctx, a2))
		snap, deltas, err = st.Sent(ctx, a2.ID)
		must(t, err)
		if snap != nil || deltas != nil {
			t.Fatalf("Sent of a re-created key = %q, %q", snap, deltas)
		}
	})
}
