package workspace

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/rampartsec/rampart/internal/rampart"
)

// ParseIPEntry validates one {ip_address, subnet_mask} pair; field names
// the item in error messages (for example "ip_list[0]").
//
// ip_address is an IPv4 or IPv6 address without zone; an IPv4-mapped IPv6
// address is taken as the IPv4 address. For IPv4, subnet_mask is either a
// contiguous dotted-decimal mask ("255.255.255.0", "0.0.0.0" and
// "255.255.255.255" included) or a prefix length "0"–"32"; for IPv6 it is a
// prefix length "0"–"128". A prefix length is plain decimal digits without
// a sign, slash or leading zero. Host bits may be set in ip_address
// ("10.1.2.3" with "255.255.255.0"): the entry then covers 10.1.2.0/24.
func ParseIPEntry(field, address, mask string) (IPEntry, error) {
	if address == "" {
		return IPEntry{}, invalid(field+".ip_address", "The field %s.ip_address is required.", field)
	}
	addr, err := netip.ParseAddr(address)
	if err != nil || addr.Zone() != "" {
		return IPEntry{}, invalid(field+".ip_address", "The field %s.ip_address is not a valid IP address: %q.", field, address)
	}
	addr = addr.Unmap()
	if mask == "" {
		return IPEntry{}, invalid(field+".subnet_mask", "The field %s.subnet_mask is required.", field)
	}
	bits, ok := maskBits(mask, addr.Is4())
	if !ok {
		want := "a contiguous dotted mask such as 255.255.255.0 or a prefix length 0-32"
		if !addr.Is4() {
			want = "a prefix length 0-128"
		}
		return IPEntry{}, invalid(field+".subnet_mask", "The field %s.subnet_mask must be %s, not %q.", field, want, mask)
	}
	prefix, err := addr.Prefix(bits)
	if err != nil { // cannot happen: bits is within the address length
		return IPEntry{}, invalid(field+".subnet_mask", "The field %s.subnet_mask does not fit the address.", field)
	}
	return IPEntry{Address: addr.String(), Mask: mask, Prefix: prefix}, nil
}

// maskBits returns the prefix length a subnet mask stands for.
func maskBits(mask string, v4 bool) (int, bool) {
	maxBits := 128
	if v4 {
		maxBits = 32
	}
	if n, ok := prefixLength(mask); ok {
		return n, n <= maxBits
	}
	if !v4 {
		return 0, false
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := binary.BigEndian.Uint32(b[:])
	inv := ^v
	if inv&(inv+1) != 0 { // the ones are not contiguous from the top
		return 0, false
	}
	n := 0
	for v != 0 {
		n++
		v <<= 1
	}
	return n, true
}

// prefixLength parses "0".."999" written without sign or leading zero.
func prefixLength(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// invalid returns a KindInvalid error with the family's invalid-field code.
func invalid(field, format string, args ...any) error {
	return rampart.Invalid(field, format, args...).WithCode(CodeInvalid)
}
