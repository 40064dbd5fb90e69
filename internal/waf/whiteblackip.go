package waf

import (
	"net/netip"
	"strings"
	"time"
)

// WhiteBlackIPRule is a black/white IP rule: requests from Addr (or from
// the addresses of the IP group IPGroupID) are blocked (White 0), allowed
// (1) or logged (2), permanently or within [Start, Terminal].
type WhiteBlackIPRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Name                string
	Addr                string // IP address or CIDR, as given; empty when IPGroupID is set
	IPGroupID           string
	IPGroup             *IPGroupRef // filled by the Store on reads when IPGroupID is set
	White               int
	Status              int
	TimeMode            string // permanent|customize
	Start               int64  // seconds, customize only
	Terminal            int64
	Description         string
	CreatedAt           time.Time
}

// IPGroupRef is the summary of an IP group that rules show.
type IPGroupRef struct {
	ID   string
	Name string
	Size int
}

// WhiteBlackIPInput is the body of a black/white IP rule create or (full)
// update.
type WhiteBlackIPInput struct {
	Name        string
	Addr        string
	IPGroupID   string
	White       *int
	TimeMode    string
	Start       int64
	Terminal    int64
	Description string
}

// ParseAddr parses a rule address: an IPv4 or IPv6 address or CIDR. A
// prefix of length 0 (0.0.0.0/0, ::/0) is refused: it would match every
// client.
func ParseAddr(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, invalid(CodeIP, "addr", "addr is empty.")
	}
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		a, err = netip.ParseAddr(s)
		if err == nil {
			if a.Zone() != "" {
				return netip.Prefix{}, invalid(CodeIP, "addr", "addr %q must not carry an IPv6 zone.", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	if err != nil {
		return netip.Prefix{}, invalid(CodeIP, "addr", "addr %q is not an IPv4 or IPv6 address or CIDR.", s)
	}
	if p.Bits() == 0 {
		return netip.Prefix{}, invalid(CodeIP, "addr", "addr %q would match every address; 0.0.0.0/0 and ::/0 are not allowed.", s)
	}
	return p, nil
}

// apply validates in and stores it into r (a full replacement of the
// user-settable fields).
func (in *WhiteBlackIPInput) apply(r *WhiteBlackIPRule) error {
	if err := checkRuleName(in.Name, 64, false); err != nil {
		return err
	}
	switch {
	case in.Addr != "" && in.IPGroupID != "":
		return invalid(CodeBody, "addr", "addr and ip_group_id are mutually exclusive; give one of them.")
	case in.Addr == "" && in.IPGroupID == "":
		return invalid(CodeBody, "addr", "one of addr and ip_group_id is mandatory.")
	case in.Addr != "":
		if _, err := ParseAddr(in.Addr); err != nil {
			return err
		}
	default:
		if err := CheckID("ip_group_id", in.IPGroupID); err != nil {
			return err
		}
	}
	if in.White == nil {
		return invalid(CodeAction, "white", "white is mandatory.")
	}
	if err := checkWhite(*in.White); err != nil {
		return err
	}
	if err := checkDescription(in.Description); err != nil {
		return err
	}
	mode := in.TimeMode
	if mode == "" {
		mode = "permanent"
	}
	var start, term int64
	switch mode {
	case "permanent":
	case "customize":
		if in.Start <= 0 {
			return invalid(CodeBody, "start", "start is mandatory with time_mode customize.")
		}
		if in.Terminal <= in.Start {
			return invalid(CodeBody, "terminal", "terminal must be later than start.")
		}
		start, term = in.Start, in.Terminal
	default:
		return invalid(CodeBody, "time_mode", "time_mode must be permanent or customize, not %q.", in.TimeMode)
	}
	r.Name, r.Addr, r.IPGroupID = in.Name, in.Addr, in.IPGroupID
	r.White, r.TimeMode, r.Start, r.Terminal = *in.White, mode, start, term
	r.Description = in.Description
	r.IPGroup = nil
	return nil
}
