package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/workspace"
)

// RunWorkspace runs the workspace.Store conformance tests. newStore must
// return a fresh, empty store for each call.
func RunWorkspace(t *testing.T, newStore func(t *testing.T) workspace.Store) {
	ctx := context.Background()
	base := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

	ip := func(t *testing.T, addr, mask string) workspace.IPEntry {
		t.Helper()
		e, err := workspace.ParseIPEntry("ip", addr, mask)
		must(t, err)
		return e
	}
	policy := func(t *testing.T, project, name, control string, n int) *workspace.AccessPolicy {
		return &workspace.AccessPolicy{
			ID: newID(t), ProjectID: project, Name: name, BlacklistType: workspace.BlacklistInternet,
			AccessControlType: control, CreatedAt: base.Add(time.Duration(n) * time.Second),
		}
	}
	revision := func(t *testing.T, s workspace.Store, project string) int64 {
		t.Helper()
		_, rev, err := s.LoadAccessPolicies(ctx, project)
		must(t, err)
		return rev
	}

	t.Run("CreateAndFind", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		p := policy(t, proj, workspace.NamePrivateAccess, workspace.ControlIPWhiteList, 0)
		p.IPs = []workspace.IPEntry{ip(t, "10.1.2.3", "255.255.255.0"), ip(t, "2001:db8::", "32")}
		p.Enabled, p.BlockAll = true, true
		p.Objects = []workspace.Object{{Type: workspace.ObjectUser, ID: "u1", Name: "alice"}, {Type: workspace.ObjectUserGroup, ID: "g1"}}
		must(t, s.CreateAccessPolicy(ctx, p))

		got, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj})
		must(t, err)
		if total != 1 || len(got) != 1 {
			t.Fatalf("total=%d len=%d, want 1 1", total, len(got))
		}
		g := got[0]
		if g.ID != p.ID || g.ProjectID != proj || g.Name != p.Name || g.BlacklistType != workspace.BlacklistInternet ||
			g.AccessControlType != workspace.ControlIPWhiteList || !g.Enabled || !g.BlockAll || !g.CreatedAt.Equal(p.CreatedAt) {
			t.Fatalf("policy = %+v, want %+v", g, p)
		}
		if len(g.IPs) != 2 || g.IPs[0].Address != "10.1.2.3" || g.IPs[0].Mask != "255.255.255.0" ||
			g.IPs[0].Prefix.String() != "10.1.2.0/24" || g.IPs[1].Prefix.String() != "2001:db8::/32" {
			t.Fatalf("ips = %+v", g.IPs)
		}
		objs, n, err := s.FindAccessPolicyObjects(ctx, proj, p.ID, 0, 0)
		must(t, err)
		if n != 2 || len(objs) != 2 || objs[0] != p.Objects[0] || objs[1] != p.Objects[1] {
			t.Fatalf("objects = %v (total %d)", objs, n)
		}
		if rev := revision(t, s, proj); rev != 1 {
			t.Fatalf("revision after create = %d, want 1", rev)
		}
	})

	t.Run("NameConflictPerProject", func(t *testing.T) {
		s := newStore(t)
		proj, other := newID(t), newID(t)
		must(t, s.CreateAccessPolicy(ctx, policy(t, proj, "PRIVATE_ACCESS", workspace.ControlAccessType, 0)))
		dup := policy(t, proj, "PRIVATE_ACCESS", workspace.ControlIPWhiteList, 1)
		dup.Objects = []workspace.Object{{Type: workspace.ObjectUser, ID: "u1"}}
		wantKind(t, s.CreateAccessPolicy(ctx, dup), rampart.KindConflict)
		if rev := revision(t, s, proj); rev != 1 {
			t.Fatalf("failed create bumped the revision to %d", rev)
		}
		_, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj})
		must(t, err)
		if total != 1 {
			t.Fatalf("total = %d after a conflicting create", total)
		}
		// The same name in another project is fine.
		must(t, s.CreateAccessPolicy(ctx, policy(t, other, "PRIVATE_ACCESS", workspace.ControlAccessType, 0)))
	})

	t.Run("ListFilterAndPaging", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		var ids []string
		for i := 0; i < 7; i++ {
			ctl := workspace.ControlAccessType
			if i%2 == 1 {
				ctl = workspace.ControlIPWhiteList
			}
			// Created out of order: listing must sort by creation time.
			p := policy(t, proj, fmt.Sprintf("P%d", i), ctl, 10-i)
			must(t, s.CreateAccessPolicy(ctx, p))
			ids = append([]string{p.ID}, ids...)
		}
		must(t, s.CreateAccessPolicy(ctx, policy(t, newID(t), "P0", workspace.ControlAccessType, 0)))

		all, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj})
		must(t, err)
		if total != 7 || len(all) != 7 {
			t.Fatalf("total=%d len=%d", total, len(all))
		}
		for i, p := range all {
			if p.ID != ids[i] {
				t.Fatalf("order: item %d is %s, want %s", i, p.ID, ids[i])
			}
		}
		page, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj, Offset: 2, Limit: 3})
		must(t, err)
		if total != 7 || len(page) != 3 || page[0].ID != ids[2] || page[2].ID != ids[4] {
			t.Fatalf("page offset 2 limit 3: total=%d %v", total, page)
		}
		past, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj, Offset: 7, Limit: 3})
		must(t, err)
		if total != 7 || len(past) != 0 {
			t.Fatalf("past the end: total=%d len=%d", total, len(past))
		}
		wl, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj, AccessControlType: workspace.ControlIPWhiteList})
		must(t, err)
		if total != 3 || len(wl) != 3 {
			t.Fatalf("filtered: total=%d len=%d", total, len(wl))
		}
		for _, p := range wl {
			if p.AccessControlType != workspace.ControlIPWhiteList {
				t.Fatalf("filter leaked %s", p.AccessControlType)
			}
		}
		none, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: newID(t)})
		must(t, err)
		if total != 0 || len(none) != 0 {
			t.Fatalf("unknown project: total=%d len=%d", total, len(none))
		}
	})

	t.Run("ObjectsPagingAndReplace", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		p := policy(t, proj, "PRIVATE_ACCESS", workspace.ControlAccessType, 0)
		for i := 0; i < 25; i++ {
			p.Objects = append(p.Objects, workspace.Object{Type: workspace.ObjectUser, ID: fmt.Sprintf("u%02d", 24-i)})
		}
		must(t, s.CreateAccessPolicy(ctx, p))
		var seen []workspace.Object
		for offset := 0; ; {
			page, total, err := s.FindAccessPolicyObjects(ctx, proj, p.ID, offset, 10)
			must(t, err)
			if total != 25 {
				t.Fatalf("total = %d", total)
			}
			if page == nil {
				t.Fatal("nil page: want an empty, non-nil slice")
			}
			if len(page) == 0 {
				break
			}
			seen = append(seen, page...)
			offset += len(page)
		}
		if len(seen) != 25 || seen[0].ID != "u24" || seen[24].ID != "u00" {
			t.Fatalf("paged objects = %v", seen)
		}

		rev := revision(t, s, proj)
		repl := []workspace.Object{{Type: workspace.ObjectUserGroup, ID: "g9", Name: "ops"}}
		must(t, s.ReplaceAccessPolicyObjects(ctx, proj, p.ID, repl))
		got, total, err := s.FindAccessPolicyObjects(ctx, proj, p.ID, 0, 0)
		must(t, err)
		if total != 1 || len(got) != 1 || got[0] != repl[0] {
			t.Fatalf("after replace: %v (total %d)", got, total)
		}
		must(t, s.ReplaceAccessPolicyObjects(ctx, proj, p.ID, nil))
		got, total, err = s.FindAccessPolicyObjects(ctx, proj, p.ID, 0, 0)
		must(t, err)
		if total != 0 || len(got) != 0 {
			t.Fatalf("after clearing: %v", got)
		}
		if r := revision(t, s, proj); r != rev+2 {
			t.Fatalf("revision = %d, want %d", r, rev+2)
		}
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		p := policy(t, proj, "PRIVATE_ACCESS", workspace.ControlIPWhiteList, 0)
		must(t, s.CreateAccessPolicy(ctx, p))
		must(t, s.UpdateAccessPolicy(ctx, proj, p.ID, func(q *workspace.AccessPolicy) error {
			if q.ID != p.ID || q.Enabled {
				t.Errorf("apply got %+v", q)
			}
			q.IPs = append(q.IPs, ip(t, "192.0.2.0", "24"))
			q.Enabled, q.BlockAll = true, true
			q.Name = "IGNORED" // only IPs and flags are stored
			return nil
		}))
		all, _, err := s.LoadAccessPolicies(ctx, proj)
		must(t, err)
		if g := all[0]; !g.Enabled || !g.BlockAll || len(g.IPs) != 1 || g.IPs[0].Prefix.String() != "192.0.2.0/24" || g.Name != "PRIVATE_ACCESS" {
			t.Fatalf("after update: %+v", g)
		}
		rev := revision(t, s, proj)
		boom := errors.New("boom")
		err = s.UpdateAccessPolicy(ctx, proj, p.ID, func(q *workspace.AccessPolicy) error {
			q.Enabled = false
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("apply error = %v, want it returned unchanged", err)
		}
		all, r, err := s.LoadAccessPolicies(ctx, proj)
		must(t, err)
		if !all[0].Enabled || r != rev {
			t.Fatalf("a failed apply was written: enabled=%v revision %d->%d", all[0].Enabled, rev, r)
		}
	})

	t.Run("DeleteAllOrNone", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		a := policy(t, proj, "A", workspace.ControlAccessType, 0)
		a.Objects = []workspace.Object{{Type: workspace.ObjectUser, ID: "u1"}}
		b := policy(t, proj, "B", workspace.ControlAccessType, 1)
		must(t, s.CreateAccessPolicy(ctx, a))
		must(t, s.CreateAccessPolicy(ctx, b))
		rev := revision(t, s, proj)
		wantKind(t, s.DeleteAccessPolicies(ctx, proj, []string{a.ID, newID(t)}), rampart.KindNotFound)
		_, total, err := s.FindAccessPolicies(ctx, workspace.Filter{ProjectID: proj})
		must(t, err)
		if total != 2 || revision(t, s, proj) != rev {
			t.Fatalf("partial delete: total=%d", total)
		}
		must(t, s.DeleteAccessPolicies(ctx, proj, []string{a.ID}))
		all, r, err := s.LoadAccessPolicies(ctx, proj)
		must(t, err)
		if len(all) != 1 || all[0].ID != b.ID || r != rev+1 {
			t.Fatalf("after delete: %v revision %d", all, r)
		}
		_, _, err = s.FindAccessPolicyObjects(ctx, proj, a.ID, 0, 0)
		wantKind(t, err, rampart.KindNotFound)
		// The name is free again.
		must(t, s.CreateAccessPolicy(ctx, policy(t, proj, "A", workspace.ControlAccessType, 2)))
	})

	t.Run("ProjectIsolation", func(t *testing.T) {
		s := newStore(t)
		proj, other := newID(t), newID(t)
		p := policy(t, proj, "PRIVATE_ACCESS", workspace.ControlAccessType, 0)
		p.Objects = []workspace.Object{{Type: workspace.ObjectUser, ID: "u1"}}
		must(t, s.CreateAccessPolicy(ctx, p))
		_, _, err := s.FindAccessPolicyObjects(ctx, other, p.ID, 0, 0)
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.UpdateAccessPolicy(ctx, other, p.ID, func(*workspace.AccessPolicy) error { return nil }), rampart.KindNotFound)
		wantKind(t, s.ReplaceAccessPolicyObjects(ctx, other, p.ID, nil), rampart.KindNotFound)
		wantKind(t, s.DeleteAccessPolicies(ctx, other, []string{p.ID}), rampart.KindNotFound)
		all, rev, err := s.LoadAccessPolicies(ctx, other)
		must(t, err)
		if len(all) != 0 || rev != 0 {
			t.Fatalf("other project sees %d policies, revision %d", len(all), rev)
		}
		objs, _, err := s.FindAccessPolicyObjects(ctx, proj, p.ID, 0, 0)
		must(t, err)
		if len(objs) != 1 {
			t.Fatalf("owner's objects changed: %v", objs)
		}
	})

	t.Run("LoadWithObjects", func(t *testing.T) {
		s := newStore(t)
		proj := newID(t)
		all, rev, err := s.LoadAccessPolicies(ctx, proj)
		must(t, err)
		if len(all) != 0 || rev != 0 || all == nil {
			t.Fatalf("empty project: %v %d", all, rev)
		}
		a := policy(t, proj, "A", workspace.ControlAccessType, 0)
		a.Objects = []workspace.Object{{Type: workspace.ObjectUser, ID: "u2"}, {Type: workspace.ObjectUser, ID: "u1"}}
		b := policy(t, proj, "B", workspace.ControlIPWhiteList, 1)
		must(t, s.CreateAccessPolicy(ctx, a))
		must(t, s.CreateAccessPolicy(ctx, b))
		all, rev, err = s.LoadAccessPolicies(ctx, proj)
		must(t, err)
		if len(all) != 2 || rev != 2 || all[0].ID != a.ID || len(all[0].Objects) != 2 || all[0].Objects[0].ID != "u2" ||
			all[1].Objects == nil || len(all[1].Objects) != 0 {
			t.Fatalf("load = %+v revision %d", all, rev)
		}
	})
}
