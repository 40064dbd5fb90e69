package origin_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/rampartsec/rampart/internal/origin"
)

func TestTags(t *testing.T) {
	t.Parallel()
	want := []string{"Dr.Peng", "AliCloud", "VNET", "Microsoft", "Google", "Tencent", "Amazon", "HW", "MeiTuan"}
	var got []string
	for _, tag := range origin.Tags() {
		got = append(got, tag.String())
		if p, ok := origin.ParseTag(tag.String()); !ok || p != tag {
			t.Errorf("ParseTag(%q) = %v, %v", tag, p, ok)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Tags() = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"Dr.Peng", true}, {"MeiTuan", true}, {"HW", true},
		{"Dr. Peng", false}, {"Meituan", false}, {"hw", false}, {"Huawei", false}, {"", false},
	} {
		if got := origin.ValidTag(tc.in); got != tc.want {
			t.Errorf("ValidTag(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestTagSet(t *testing.T) {
	t.Parallel()
	s := origin.TagSetOf(origin.TagTencent, origin.TagAliCloud, 0, 42)
	if !s.Has(origin.TagTencent) || !s.Has(origin.TagAliCloud) || s.Has(origin.TagHW) || s.Has(0) {
		t.Errorf("membership wrong for %v", s)
	}
	if got, want := s.String(), "AliCloud|Tencent"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := s.First(); got != origin.TagAliCloud {
		t.Errorf("First() = %v", got)
	}
	if s.Empty() || !origin.TagSet(0).Empty() {
		t.Error("Empty wrong")
	}
	if !s.Intersects(origin.TagSetOf(origin.TagTencent)) || s.Intersects(origin.TagSetOf(origin.TagGoogle)) {
		t.Error("Intersects wrong")
	}
	all := origin.TagSetOf(origin.Tags()...)
	if len(all.Tags()) != origin.NumTags || all >= 1<<origin.TagBits {
		t.Errorf("all tags = %v (%b)", all, all)
	}

	got, err := origin.ParseTags([]string{"HW", "Tencent"})
	if err != nil || got != origin.TagSetOf(origin.TagHW, origin.TagTencent) {
		t.Errorf("ParseTags = %v, %v", got, err)
	}
	for _, bad := range [][]string{{"HW", "HW"}, {"Huawei"}} {
		var pe *origin.ParseError
		if _, err := origin.ParseTags(bad); !errors.As(err, &pe) {
			t.Errorf("ParseTags(%q) err = %v", bad, err)
		}
	}
}

func TestTagASNs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		asn  uint32
		want origin.Tag
	}{
		{16509, origin.TagAmazon}, {14618, origin.TagAmazon},
		{8075, origin.TagMicrosoft},
		{15169, origin.TagGoogle}, {396982, origin.TagGoogle},
		{45102, origin.TagAliCloud}, {37963, origin.TagAliCloud},
		{132203, origin.TagTencent}, {45090, origin.TagTencent},
		{136907, origin.TagHW}, {55990, origin.TagHW},
		{17428, origin.TagVNET},
		{17964, origin.TagDrPeng},
	} {
		if got := origin.TagsForASN(tc.asn); !got.Has(tc.want) {
			t.Errorf("TagsForASN(%d) = %v, want %v", tc.asn, got, tc.want)
		}
		if !slices.Contains(tc.want.ASNs(), tc.asn) {
			t.Errorf("%v.ASNs() lacks %d", tc.want, tc.asn)
		}
	}
	for _, asn := range []uint32{0, 4134, 4808, 13335, 16591} {
		if got := origin.TagsForASN(asn); !got.Empty() {
			t.Errorf("TagsForASN(%d) = %v, want none", asn, got)
		}
	}
	// ASNs returns a copy.
	a := origin.TagAmazon.ASNs()
	a[0] = 1
	if origin.TagAmazon.ASNs()[0] == 1 {
		t.Error("ASNs() exposes the package's slice")
	}
	asns := origin.TaggedASNs()
	if !slices.IsSorted(asns) || len(asns) < 50 {
		t.Errorf("TaggedASNs() = %d entries, sorted=%v", len(asns), slices.IsSorted(asns))
	}
}
