package workspace_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/workspace"
)

// benchPolicies is a project at the documented maxima: a private-line
// policy with 1000 objects and an enabled whitelist with 1000 networks.
func benchPolicies(b *testing.B) []*workspace.AccessPolicy {
	b.Helper()
	private := &workspace.AccessPolicy{ID: "pa", AccessControlType: workspace.ControlAccessType}
	wl := &workspace.AccessPolicy{ID: "wl", AccessControlType: workspace.ControlIPWhiteList, Enabled: true}
	for i := 0; i < workspace.MaxObjects; i++ {
		private.Objects = append(private.Objects, workspace.Object{Type: workspace.ObjectUser, ID: fmt.Sprintf("user-%04d", i)})
	}
	for i := 0; i < workspace.MaxIPs; i++ {
		e, err := workspace.ParseIPEntry("ip", fmt.Sprintf("10.%d.%d.0", i/256, i%256), "24")
		if err != nil {
			b.Fatal(err)
		}
		wl.IPs = append(wl.IPs, e)
	}
	return []*workspace.AccessPolicy{private, wl}
}

// BenchmarkDecide measures the linear-scan decision at the maxima: the
// worst case (last object, last network) and a denial.
func BenchmarkDecide(b *testing.B) {
	pols := benchPolicies(b)
	groups := []string{"g1", "g2", "g3", "g4", "g5"}
	for _, bc := range []struct {
		name    string
		subject workspace.Subject
		client  string
		allowed bool
	}{
		{"ListedUserLastNetwork", workspace.Subject{UserID: "user-0999", GroupIDs: groups}, "10.3.231.7", true},
		{"UnlistedUserNotWhitelisted", workspace.Subject{UserID: "someone", GroupIDs: groups}, "198.51.100.1", false},
	} {
		client := netip.MustParseAddr(bc.client)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v := workspace.Decide(pols, bc.subject, client); v.Allowed != bc.allowed {
					b.Fatalf("verdict %+v", v)
				}
			}
		})
	}
}

// BenchmarkParseIPEntry measures parsing one dotted-mask entry.
func BenchmarkParseIPEntry(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := workspace.ParseIPEntry("ip", "203.0.113.7", "255.255.255.0"); err != nil {
			b.Fatal(err)
		}
	}
}
