package workspace

import "net/netip"

// Subject is who wants to connect: a Workspace user and the IDs of the user
// groups the user belongs to.
type Subject struct {
	UserID   string
	GroupIDs []string
}

// Verdict is the answer of Decide. When Allowed is false, PolicyID names
// the policy that denied and Reason says why.
type Verdict struct {
	Allowed  bool
	PolicyID string
	Reason   string
}

// Reasons of a denial.
const (
	ReasonInternetBlocked = "internet_blocked" // an ACCESS_TYPE policy restricts the subject to private-line access
	ReasonBlockAll        = "block_all"        // an enabled IP whitelist denies every address
	ReasonNotWhitelisted  = "not_whitelisted"  // an enabled IP whitelist does not list the client address
)

// Decide reports whether subject may connect from client under a project's
// policies (as returned by Store.LoadAccessPolicies). It is pure and does
// not allocate. Denials win; with no applicable policy the connection is
// allowed. Policies are checked in order and the first denial is returned.
//
//   - ACCESS_TYPE (blacklist INTERNET): a subject listed in the policy's
//     objects (a USER object whose ID is UserID, or a USERGROUP object whose
//     ID is one of GroupIDs) may connect only over the private line. A
//     client address counts as private-line when it is private (10/8,
//     172.16/12, 192.168/16, fc00::/7), shared (100.64/10), loopback or
//     link-local; any other address, and an invalid one, is the Internet.
//     The policy's IP settings play no part.
//   - IP_WHITE_LIST: only when Enabled. It applies to every subject when it
//     has no objects, otherwise to the listed subjects only. BlockAll denies
//     every address; otherwise the client address must lie in one of the
//     IP entries (an empty list admits nobody). IPv4-mapped IPv6 client
//     addresses are compared as IPv4.
func Decide(policies []*AccessPolicy, subject Subject, client netip.Addr) Verdict {
	client = client.Unmap()
	for _, p := range policies {
		switch p.AccessControlType {
		case ControlAccessType:
			if listed(p.Objects, subject) && !privateLine(client) {
				return Verdict{PolicyID: p.ID, Reason: ReasonInternetBlocked}
			}
		case ControlIPWhiteList:
			if !p.Enabled || (len(p.Objects) > 0 && !listed(p.Objects, subject)) {
				continue
			}
			if p.BlockAll {
				return Verdict{PolicyID: p.ID, Reason: ReasonBlockAll}
			}
			if !whitelisted(p.IPs, client) {
				return Verdict{PolicyID: p.ID, Reason: ReasonNotWhitelisted}
			}
		}
	}
	return Verdict{Allowed: true}
}

// listed reports whether the subject is one of the objects.
func listed(objects []Object, s Subject) bool {
	for _, o := range objects {
		switch o.Type {
		case ObjectUser:
			if s.UserID != "" && o.ID == s.UserID {
				return true
			}
		case ObjectUserGroup:
			for _, g := range s.GroupIDs {
				if o.ID == g {
					return true
				}
			}
		}
	}
	return false
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// privateLine reports whether a client address is reached over the private
// line rather than the Internet.
func privateLine(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || sharedSpace.Contains(a)
}

func whitelisted(ips []IPEntry, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, e := range ips {
		if e.Prefix.Contains(a) {
			return true
		}
	}
	return false
}
