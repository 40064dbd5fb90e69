package workspace_test

import (
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/workspace"
)

func mustIPs(t *testing.T, pairs ...string) []workspace.IPEntry {
	t.Helper()
	var out []workspace.IPEntry
	for i := 0; i < len(pairs); i += 2 {
		e, err := workspace.ParseIPEntry("ip", pairs[i], pairs[i+1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestDecide(t *testing.T) {
	t.Parallel()
	user := func(id string) workspace.Object { return workspace.Object{Type: workspace.ObjectUser, ID: id} }
	group := func(id string) workspace.Object { return workspace.Object{Type: workspace.ObjectUserGroup, ID: id} }
	private := &workspace.AccessPolicy{ID: "pa", AccessControlType: workspace.ControlAccessType,
		Objects: []workspace.Object{user("alice"), group("contractors")},
		IPs:     mustIPs(t, "0.0.0.0", "0"), Enabled: true, BlockAll: true} // IP settings play no part here
	wl := func(enabled, blockAll bool, objs ...workspace.Object) *workspace.AccessPolicy {
		return &workspace.AccessPolicy{ID: "wl", AccessControlType: workspace.ControlIPWhiteList, Enabled: enabled, BlockAll: blockAll,
			IPs: mustIPs(t, "203.0.113.0", "255.255.255.0", "2001:db8::", "32"), Objects: objs}
	}
	emptyWL := &workspace.AccessPolicy{ID: "wl0", AccessControlType: workspace.ControlIPWhiteList, Enabled: true}
	alice := workspace.Subject{UserID: "alice"}
	bob := workspace.Subject{UserID: "bob", GroupIDs: []string{"staff"}}
	carol := workspace.Subject{UserID: "carol", GroupIDs: []string{"staff", "contractors"}}

	for _, tc := range []struct {
		name     string
		policies []*workspace.AccessPolicy
		subject  workspace.Subject
		client   string
		allowed  bool
		policy   string
		reason   string
	}{
		{"NoPolicies", nil, alice, "198.51.100.20", true, "", ""},
		{"PrivateListedUserInternet", []*workspace.AccessPolicy{private}, alice, "198.51.100.20", false, "pa", workspace.ReasonInternetBlocked},
		{"PrivateListedUserPrivateLine", []*workspace.AccessPolicy{private}, alice, "10.20.30.40", true, "", ""},
		{"PrivateListedUser172", []*workspace.AccessPolicy{private}, alice, "172.31.255.1", true, "", ""},
		{"PrivateListedUser172Outside", []*workspace.AccessPolicy{private}, alice, "172.32.0.1", false, "pa", workspace.ReasonInternetBlocked},
		{"PrivateListedUserSharedSpace", []*workspace.AccessPolicy{private}, alice, "100.64.1.1", true, "", ""},
		{"PrivateListedUserULA", []*workspace.AccessPolicy{private}, alice, "fd00::1", true, "", ""},
		{"PrivateListedUserIPv6Internet", []*workspace.AccessPolicy{private}, alice, "2001:db8::5", false, "pa", workspace.ReasonInternetBlocked},
		{"PrivateListedUserMapped", []*workspace.AccessPolicy{private}, alice, "::ffff:192.168.1.1", true, "", ""},
		{"PrivateListedUserInvalidAddr", []*workspace.AccessPolicy{private}, alice, "", false, "pa", workspace.ReasonInternetBlocked},
		{"PrivateListedGroup", []*workspace.AccessPolicy{private}, carol, "198.51.100.20", false, "pa", workspace.ReasonInternetBlocked},
		{"PrivateUnlisted", []*workspace.AccessPolicy{private}, bob, "198.51.100.20", true, "", ""},
		{"PrivateUnlistedInvalidAddr", []*workspace.AccessPolicy{private}, bob, "", true, "", ""},
		{"PrivateGroupIDIsNotUserID", []*workspace.AccessPolicy{private}, workspace.Subject{UserID: "contractors"}, "198.51.100.20", true, "", ""},
		{"PrivateUserIDIsNotGroupID", []*workspace.AccessPolicy{private}, workspace.Subject{UserID: "x", GroupIDs: []string{"alice"}}, "198.51.100.20", true, "", ""},

		{"WhitelistDisabled", []*workspace.AccessPolicy{wl(false, true)}, bob, "198.51.100.20", true, "", ""},
		{"WhitelistListedIP", []*workspace.AccessPolicy{wl(true, false)}, bob, "203.0.113.77", true, "", ""},
		{"WhitelistListedIPv6", []*workspace.AccessPolicy{wl(true, false)}, bob, "2001:db8:ffff::1", true, "", ""},
		{"WhitelistMappedIPv4", []*workspace.AccessPolicy{wl(true, false)}, bob, "::ffff:203.0.113.1", true, "", ""},
		{"WhitelistOtherIP", []*workspace.AccessPolicy{wl(true, false)}, bob, "198.51.100.20", false, "wl", workspace.ReasonNotWhitelisted},
		{"WhitelistPrivateIPNotListed", []*workspace.AccessPolicy{wl(true, false)}, bob, "10.0.0.1", false, "wl", workspace.ReasonNotWhitelisted},
		{"WhitelistInvalidAddr", []*workspace.AccessPolicy{wl(true, false)}, bob, "", false, "wl", workspace.ReasonNotWhitelisted},
		{"WhitelistBlockAll", []*workspace.AccessPolicy{wl(true, true)}, bob, "203.0.113.77", false, "wl", workspace.ReasonBlockAll},
		{"WhitelistEmptyAdmitsNobody", []*workspace.AccessPolicy{emptyWL}, bob, "203.0.113.77", false, "wl0", workspace.ReasonNotWhitelisted},
		{"WhitelistScopedToObjectsListed", []*workspace.AccessPolicy{wl(true, false, group("staff"))}, bob, "198.51.100.20", false, "wl", workspace.ReasonNotWhitelisted},
		{"WhitelistScopedToObjectsUnlisted", []*workspace.AccessPolicy{wl(true, false, group("staff"))}, alice, "198.51.100.20", true, "", ""},
		{"WhitelistScopedBlockAllUnlisted", []*workspace.AccessPolicy{wl(true, true, user("bob"))}, alice, "203.0.113.77", true, "", ""},

		{"BothPrivateDeniesFirst", []*workspace.AccessPolicy{private, wl(true, false)}, alice, "198.51.100.20", false, "pa", workspace.ReasonInternetBlocked},
		{"BothWhitelistedButPrivateOnly", []*workspace.AccessPolicy{private, wl(true, false)}, alice, "203.0.113.77", false, "pa", workspace.ReasonInternetBlocked},
		{"BothPrivateLineNotWhitelisted", []*workspace.AccessPolicy{private, wl(true, false)}, alice, "10.1.1.1", false, "wl", workspace.ReasonNotWhitelisted},
		{"BothUnlistedWhitelisted", []*workspace.AccessPolicy{private, wl(true, false)}, bob, "203.0.113.77", true, "", ""},
		{"UnknownTypeIgnored", []*workspace.AccessPolicy{{ID: "x", AccessControlType: "OTHER", Enabled: true, BlockAll: true}}, bob, "198.51.100.20", true, "", ""},
	} {
		var client netip.Addr
		if tc.client != "" {
			client = netip.MustParseAddr(tc.client)
		}
		got := workspace.Decide(tc.policies, tc.subject, client)
		want := workspace.Verdict{Allowed: tc.allowed, PolicyID: tc.policy, Reason: tc.reason}
		if got != want {
			t.Errorf("%s: Decide = %+v, want %+v", tc.name, got, want)
		}
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	pol := []*workspace.AccessPolicy{{ID: "wl", AccessControlType: workspace.ControlIPWhiteList, Enabled: true,
		IPs: mustIPs(t, "203.0.113.0", "24"), Objects: []workspace.Object{{Type: workspace.ObjectUserGroup, ID: "g"}}}}
	s := workspace.Subject{UserID: "u", GroupIDs: []string{"a", "g"}}
	a := netip.MustParseAddr("203.0.113.9")
	if n := testing.AllocsPerRun(100, func() { workspace.Decide(pol, s, a) }); n != 0 {
		t.Fatalf("Decide allocates %v times", n)
	}
}
