package secmaster

import (
	"fmt"
	"net/netip"
	"strings"
)

// MaxTargets is the most objects one policy's block_target may list
// (Huawei delivers at most 500 objects per layer and request).
const MaxTargets = 500

// MaxDeliveryRows is the most enforcement rows one request may queue for
// delivery (objects × defense entries to deliver, summed over the
// policies it touches): what one created policy may expand to at most
// (MaxTargets objects on each of MaxDefenses entries). An update or retry
// of several policies that would queue more is refused; the caller splits
// the batch.
const MaxDeliveryRows = MaxTargets * MaxDefenses

// deliveryBudget counts the enforcement rows a request queues for
// delivery against MaxDeliveryRows.
type deliveryBudget struct {
	field string
	rows  int
}

// add counts the entries of p pending for task (or, with failedOnly,
// those that failed) and refuses the request once the total passes
// MaxDeliveryRows.
func (b *deliveryBudget) add(p *Policy, task string, failedOnly bool) error {
	n := 0
	for _, d := range p.Defenses {
		if failedOnly && d.BlockStatus == BlockFailed || !failedOnly && d.PendingTaskID == task {
			n++
		}
	}
	b.rows += n * len(p.Targets())
	if b.rows > MaxDeliveryRows {
		return invalid(b.field, "The request would queue more than %d enforcement rows for delivery (objects × defense entries, summed over its policies; %d so far, at policy %s). Split the batch.",
			MaxDeliveryRows, b.rows, p.ID)
	}
	return nil
}

// splitList splits a comma-separated list, trimming blanks; empty items are
// kept as "" so that validation can report them.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// ParseTargets validates a block_target of the given policy type and
// returns its objects normalised: IP addresses and CIDRs in canonical form
// (a single address as itself), domain names in lower case, user names as
// given. Duplicates are removed, order is kept.
func ParseTargets(policyType, target string) ([]string, error) {
	const field = "data_object.block_target"
	if strings.TrimSpace(target) == "" {
		return nil, invalid(field, "The field %s is required.", field)
	}
	items := splitList(target)
	if len(items) > MaxTargets {
		return nil, invalid(field, "The field %s lists %d objects; at most %d are allowed.", field, len(items), MaxTargets)
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if it == "" {
			return nil, invalid(field, "The field %s has an empty item in its comma-separated list.", field)
		}
		var norm string
		var err error
		switch policyType {
		case TypeSourceIP:
			norm, err = ParseIPTarget(it)
		case TypeUserName:
			norm, err = parseUserName(it)
		case TypeDomainName:
			norm, err = parseDomain(it)
		default:
			return nil, invalid("data_object.policy_type.policy_type", "Unknown policy type %q.", policyType)
		}
		if err != nil {
			return nil, invalid(field, "The field %s: %q is not a valid %s: %s.", field, it, strings.ToLower(policyType), err.Error())
		}
		if !seen[norm] {
			seen[norm] = true
			out = append(out, norm)
		}
	}
	return out, nil
}

// ParseIPTarget accepts an IPv4 or IPv6 address or CIDR (no zone, no host
// bits set beyond the prefix) and returns it normalised as ParseTargets
// does.
func ParseIPTarget(s string) (string, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", fmt.Errorf("not an IP address or CIDR")
		}
		if p.Addr().Zone() != "" {
			return "", fmt.Errorf("zones are not allowed")
		}
		if p.Masked() != p {
			return "", fmt.Errorf("host bits are set; the network is %s", p.Masked())
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.IsSingleIP() {
			return p.Addr().String(), nil
		}
		return p.String(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", fmt.Errorf("not an IP address or CIDR")
	}
	if a.Zone() != "" {
		return "", fmt.Errorf("zones are not allowed")
	}
	return a.Unmap().String(), nil
}

// parseUserName accepts IAM user names: 1–64 characters of letters,
// digits, spaces, '-', '_' and '.', not starting with a space. Huawei's IAM
// also refuses a leading digit, but Rampart's IAM (the layer that enforces
// these names) accepts one, so such users must be blockable.
func parseUserName(s string) (string, error) {
	if len(s) > 64 {
		return "", fmt.Errorf("longer than 64 characters")
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		case r == ' ':
			if i == 0 {
				return "", fmt.Errorf("it must not start with a space")
			}
		default:
			return "", fmt.Errorf("character %q is not allowed", r)
		}
	}
	return s, nil
}

// parseDomain accepts a DNS host name (RFC 1123 labels, at least two, the
// last not numeric), optionally with a leading "*." wildcard.
func parseDomain(s string) (string, error) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	name := strings.TrimPrefix(s, "*.")
	if len(name) > 253 {
		return "", fmt.Errorf("longer than 253 characters")
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("a domain name needs at least two labels")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", fmt.Errorf("labels must have 1 to 63 characters")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("labels must not start or end with '-'")
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return "", fmt.Errorf("character %q is not allowed", r)
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return "", fmt.Errorf("the last label must not be numeric")
	}
	return s, nil
}
