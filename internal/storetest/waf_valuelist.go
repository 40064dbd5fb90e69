package storetest

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFValueList runs the conformance tests of the reference tables of
// waf.Store. When the store also implements rampart.RevisionStore, it
// checks that every write bumps the project's WAF revision.
func RunWAFValueList(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	table := func(t *testing.T, project, ep, name string) *waf.ValueList {
		return &waf.ValueList{ID: newID(t), ProjectID: project, EnterpriseProjectID: ep, Name: name, Type: "url",
			Values: []string{"/admin", "/login"}, Description: "d", CreatedAt: now}
	}
	revision := func(t *testing.T, s waf.Store) (int64, bool) {
		t.Helper()
		rs, ok := s.(rampart.RevisionStore)
		if !ok {
			return 0, false
		}
		n, err := rs.Revision(ctx, proj, rampart.FamilyWAF)
		must(t, err)
		return n, true
	}

	t.Run("RoundTripAndNames", func(t *testing.T) {
		s := newStore(t)
		l := table(t, proj, "0", "paths")
		must(t, s.CreateValueList(ctx, l, 10))
		got, err := s.FindValueList(ctx, proj, l.ID)
		must(t, err)
		if got.Name != "paths" || got.Type != "url" || !slices.Equal(got.Values, l.Values) || got.Description != "d" ||
			got.EnterpriseProjectID != "0" || !got.CreatedAt.Equal(now) {
			t.Fatalf("read back %+v", got)
		}
		dup := table(t, proj, "ep1", "paths")
		wantKind(t, s.CreateValueList(ctx, dup, 10), rampart.KindConflict)
		// Names are unique per project only.
		must(t, s.CreateValueList(ctx, table(t, other, "0", "paths"), 10))
	})

	t.Run("ScopedToProject", func(t *testing.T) {
		s := newStore(t)
		l := table(t, proj, "0", "mine")
		must(t, s.CreateValueList(ctx, l, 10))
		_, err := s.FindValueList(ctx, other, l.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.UpdateValueList(ctx, other, l.ID, func(l *waf.ValueList) error { l.Name = "stolen"; return nil })
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeleteValueList(ctx, other, l.ID)
		wantKind(t, err, rampart.KindNotFound)
		if _, total, _ := s.FindValueLists(ctx, waf.ValueListFilter{ProjectID: other, EnterpriseProjectID: waf.AllEnterpriseProjects,
			Page: waf.Page{Limit: -1}}); total != 0 {
			t.Fatalf("another project lists %d tables", total)
		}
		if got, _ := s.FindValueList(ctx, proj, l.ID); got.Name != "mine" {
			t.Fatalf("another project renamed the table to %q", got.Name)
		}
	})

	t.Run("ListFiltersAndPages", func(t *testing.T) {
		s := newStore(t)
		a, b, c := table(t, proj, "0", "alpha_1"), table(t, proj, "0", "beta"), table(t, proj, "ep1", "alpha_2")
		for _, l := range []*waf.ValueList{a, b, c} {
			must(t, s.CreateValueList(ctx, l, 10))
		}
		list := func(f waf.ValueListFilter) ([]*waf.ValueList, int) {
			t.Helper()
			f.ProjectID = proj
			ls, total, err := s.FindValueLists(ctx, f)
			must(t, err)
			return ls, total
		}
		if ls, total := list(waf.ValueListFilter{EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}}); total != 3 ||
			len(ls) != 3 || ls[0].ID != a.ID || ls[2].ID != c.ID {
			t.Fatalf("all: total %d, %d tables", total, len(ls))
		}
		if ls, total := list(waf.ValueListFilter{EnterpriseProjectID: "0", Page: waf.Page{Limit: -1}}); total != 2 || ls[1].ID != b.ID {
			t.Fatalf("enterprise project 0: total %d", total)
		}
		if ls, total := list(waf.ValueListFilter{EnterpriseProjectID: waf.AllEnterpriseProjects, Name: "alpha", Page: waf.Page{Offset: 1, Limit: 1}}); total != 2 ||
			len(ls) != 1 || ls[0].ID != c.ID {
			t.Fatalf("name alpha, page 2: total %d, %d tables", total, len(ls))
		}
		// LIKE wildcards in the filter are literal.
		if _, total := list(waf.ValueListFilter{EnterpriseProjectID: waf.AllEnterpriseProjects, Name: "a_", Page: waf.Page{Limit: -1}}); total != 2 {
			t.Fatalf("name a_: total %d, want 2 (alpha_1, alpha_2)", total)
		}
		if ls, total := list(waf.ValueListFilter{EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Offset: 5, Limit: 10}}); total != 3 || len(ls) != 0 {
			t.Fatalf("past the end: total %d, %d tables", total, len(ls))
		}
	})

	t.Run("UpdateDeleteRevision", func(t *testing.T) {
		s := newStore(t)
		l := table(t, proj, "0", "t1")
		rev0, hasRevisions := revision(t, s)
		must(t, s.CreateValueList(ctx, l, 10))
		rev1, _ := revision(t, s)
		if hasRevisions && rev1 <= rev0 {
			t.Fatalf("creating a reference table left the WAF revision at %d", rev1)
		}
		must(t, s.CreateValueList(ctx, table(t, proj, "0", "t2"), 10))
		got, err := s.UpdateValueList(ctx, proj, l.ID, func(l *waf.ValueList) error {
			l.Name, l.Values, l.Description = "t1b", []string{"/x"}, ""
			return nil
		})
		must(t, err)
		if got.Name != "t1b" {
			t.Fatalf("update returned %+v", got)
		}
		got, _ = s.FindValueList(ctx, proj, l.ID)
		if got.Name != "t1b" || !slices.Equal(got.Values, []string{"/x"}) || got.Description != "" || got.Type != "url" || !got.CreatedAt.Equal(now) {
			t.Fatalf("updated table read back %+v", got)
		}
		rev2, _ := revision(t, s)
		if hasRevisions && rev2 <= rev1 {
			t.Fatalf("updating a reference table left the WAF revision at %d", rev2)
		}
		_, err = s.UpdateValueList(ctx, proj, l.ID, func(l *waf.ValueList) error { l.Name = "t2"; return nil })
		wantKind(t, err, rampart.KindConflict)
		_, err = s.UpdateValueList(ctx, proj, l.ID, func(*waf.ValueList) error { return waf.NotFound("x", "y") })
		wantKind(t, err, rampart.KindNotFound)
		if got, _ := s.FindValueList(ctx, proj, l.ID); got.Name != "t1b" {
			t.Fatalf("a refused update changed the name to %q", got.Name)
		}
		del, err := s.DeleteValueList(ctx, proj, l.ID)
		must(t, err)
		if del.ID != l.ID || del.Name != "t1b" {
			t.Fatalf("delete returned %+v", del)
		}
		_, err = s.FindValueList(ctx, proj, l.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeleteValueList(ctx, proj, l.ID)
		wantKind(t, err, rampart.KindNotFound)
		if rev3, _ := revision(t, s); hasRevisions && rev3 <= rev2 {
			t.Fatalf("deleting a reference table left the WAF revision at %d", rev3)
		}
	})

	t.Run("Quota", func(t *testing.T) {
		s := newStore(t)
		for i := range 3 {
			must(t, s.CreateValueList(ctx, table(t, proj, "0", "q"+strconv.Itoa(i)), 3))
		}
		wantKind(t, s.CreateValueList(ctx, table(t, proj, "ep1", "q3"), 3), rampart.KindQuota)
		// The quota is per project.
		must(t, s.CreateValueList(ctx, table(t, other, "0", "q0"), 3))
		ls, _, err := s.FindValueLists(ctx, waf.ValueListFilter{ProjectID: proj, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}})
		must(t, err)
		_, err = s.DeleteValueList(ctx, proj, ls[0].ID)
		must(t, err)
		must(t, s.CreateValueList(ctx, table(t, proj, "0", "q3"), 3))
	})
}
