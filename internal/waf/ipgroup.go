package waf

import (
	"net/netip"
	"strings"
	"time"
)

// IPGroup is an address group that black/white IP rules can reference.
type IPGroup struct {
	ID                  string
	ProjectID           string
	EnterpriseProjectID string
	Name                string
	IPs                 []string // entries of the comma-separated ips, as given
	Remarks             map[string]string
	Description         string
	CreatedAt           time.Time

	// Rules are the rules that reference the group (read-only; filled by
	// the Store on single reads and lists).
	Rules []RuleRef
}

// RuleRef names a rule that references a group.
type RuleRef struct {
	RuleID     string
	RuleName   string
	PolicyID   string
	PolicyName string
}

// Prefixes returns the parsed entries of g (they were validated on write).
func (g *IPGroup) Prefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(g.IPs))
	for _, s := range g.IPs {
		if p, err := ParseAddr(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// IPGroupFilter selects IP groups.
type IPGroupFilter struct {
	ProjectID           string
	EnterpriseProjectID string     // all_granted_eps: every enterprise project
	Name                string     // substring
	IP                  netip.Addr // groups with an entry containing it; invalid: no filter
	Page                Page
}

// IPGroupInput is the body of an IP group create or update.
type IPGroupInput struct {
	Name        *string
	IPs         *string
	Remarks     map[string]string
	Description *string
}

// maxGroupEntries bounds the entries of one group.
const maxGroupEntries = 2000

// splitIPs parses a comma-separated list of addresses and CIDRs.
func splitIPs(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, invalid(CodeIP, "ips", "ips is mandatory.")
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxGroupEntries {
		return nil, invalid(CodeExceedLimit, "ips", "ips holds %d entries; the limit is %d.", len(parts), maxGroupEntries)
	}
	out := make([]string, 0, len(parts))
	seen := map[string]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if _, err := ParseAddr(p); err != nil {
			return nil, invalid(CodeIP, "ips", "ips entry %q is not an IPv4 or IPv6 address or CIDR (0.0.0.0/0 and ::/0 are not allowed).", p)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// applyIPGroup validates in and applies it to g. action is UpdateIpGroup's
// query: "" or "update" replaces the entries, "add" adds, "delete" removes.
func applyIPGroup(g *IPGroup, in *IPGroupInput, action string, create bool) error {
	if create && in.Name == nil {
		return invalid(CodeName, "name", "name is mandatory.")
	}
	if in.Name != nil {
		if err := checkRuleName(*in.Name, 128, false); err != nil {
			return err
		}
		g.Name = *in.Name
	}
	if create && in.IPs == nil {
		return invalid(CodeIP, "ips", "ips is mandatory.")
	}
	if in.IPs != nil {
		ips, err := splitIPs(*in.IPs)
		if err != nil {
			return err
		}
		switch action {
		case "", "update":
			g.IPs = ips
		case "add":
			have := map[string]bool{}
			for _, s := range g.IPs {
				have[s] = true
			}
			for _, s := range ips {
				if !have[s] {
					g.IPs = append(g.IPs, s)
				}
			}
			if len(g.IPs) > maxGroupEntries {
				return invalid(CodeExceedLimit, "ips", "the group would hold %d entries; the limit is %d.", len(g.IPs), maxGroupEntries)
			}
		case "delete":
			drop := map[string]bool{}
			for _, s := range ips {
				drop[s] = true
			}
			kept := g.IPs[:0:0]
			for _, s := range g.IPs {
				if !drop[s] {
					kept = append(kept, s)
				}
			}
			if len(kept) == 0 {
				return invalid(CodeIP, "ips", "a group must keep at least one entry.")
			}
			g.IPs = kept
		default:
			return invalid(CodeURLParam, "action", "action must be add, delete or update, not %q.", action)
		}
	}
	if in.Remarks != nil {
		if g.Remarks == nil || action == "" || action == "update" {
			g.Remarks = map[string]string{}
		}
		for k, v := range in.Remarks {
			if !entriesOf(g)[k] {
				return invalid(CodeBody, "ip_remarks", "ip_remarks names %q, which is not an entry of ips.", k)
			}
			g.Remarks[k] = v
		}
	}
	// Remarks must describe entries of the group.
	entries := entriesOf(g)
	for k, v := range g.Remarks {
		if !entries[k] {
			delete(g.Remarks, k) // the entry went away
			continue
		}
		if len([]rune(v)) > 64 || strings.ContainsAny(v, "<>") {
			return invalid(CodeBody, "ip_remarks", "the remark of %s must be at most 64 characters without '<' or '>'.", k)
		}
	}
	if in.Description != nil {
		if err := checkDescription(*in.Description); err != nil {
			return err
		}
		g.Description = *in.Description
	}
	return nil
}

func entriesOf(g *IPGroup) map[string]bool {
	m := make(map[string]bool, len(g.IPs))
	for _, s := range g.IPs {
		m[s] = true
	}
	return m
}
