package workspace_test

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/workspace"
)

func TestParseIPEntry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr, mask string
		want       string // prefix, or "" for an error
		field      string // field of the error
	}{
		{"10.1.2.3", "255.255.255.0", "10.1.2.0/24", ""},
		{"10.1.2.3", "24", "10.1.2.0/24", ""},
		{"10.1.2.3", "255.255.255.255", "10.1.2.3/32", ""},
		{"10.1.2.3", "32", "10.1.2.3/32", ""},
		{"0.0.0.0", "0.0.0.0", "0.0.0.0/0", ""},
		{"192.168.7.9", "0", "0.0.0.0/0", ""},
		{"172.16.0.0", "255.240.0.0", "172.16.0.0/12", ""},
		{"128.0.0.1", "128.0.0.0", "128.0.0.0/1", ""},
		{"::ffff:10.0.0.1", "255.0.0.0", "10.0.0.0/8", ""},
		{"2001:DB8::1", "32", "2001:db8::/32", ""},
		{"2001:db8::1", "128", "2001:db8::1/128", ""},
		{"::", "0", "::/0", ""},

		{"", "24", "", "ip.ip_address"},
		{"10.0.0", "24", "", "ip.ip_address"},
		{"10.0.0.256", "24", "", "ip.ip_address"},
		{"010.0.0.1", "24", "", "ip.ip_address"},
		{" 10.0.0.1", "24", "", "ip.ip_address"},
		{"10.0.0.0/24", "24", "", "ip.ip_address"},
		{"fe80::1%eth0", "64", "", "ip.ip_address"},
		{"host.example", "24", "", "ip.ip_address"},
		{"10.0.0.1", "", "", "ip.subnet_mask"},
		{"10.0.0.1", "255.0.255.0", "", "ip.subnet_mask"},
		{"10.0.0.1", "0.255.255.255", "", "ip.subnet_mask"},
		{"10.0.0.1", "255.255.255.254 ", "", "ip.subnet_mask"},
		{"10.0.0.1", "255.255.255", "", "ip.subnet_mask"},
		{"10.0.0.1", "255.255.255.0.0", "", "ip.subnet_mask"},
		{"10.0.0.1", "ffff:ff00::", "", "ip.subnet_mask"},
		{"10.0.0.1", "33", "", "ip.subnet_mask"},
		{"10.0.0.1", "/24", "", "ip.subnet_mask"},
		{"10.0.0.1", "+24", "", "ip.subnet_mask"},
		{"10.0.0.1", "-1", "", "ip.subnet_mask"},
		{"10.0.0.1", "024", "", "ip.subnet_mask"},
		{"10.0.0.1", "1000", "", "ip.subnet_mask"},
		{"2001:db8::", "255.255.0.0", "", "ip.subnet_mask"},
		{"2001:db8::", "129", "", "ip.subnet_mask"},
	} {
		e, err := workspace.ParseIPEntry("ip", tc.addr, tc.mask)
		if tc.want == "" {
			var re *rampart.Error
			if err == nil {
				t.Errorf("(%q, %q) accepted as %v", tc.addr, tc.mask, e.Prefix)
			} else if re = rampart.AsError(err); re.Kind != rampart.KindInvalid || re.Code != workspace.CodeInvalid || re.Field != tc.field ||
				!strings.Contains(re.Message, tc.field) {
				t.Errorf("(%q, %q): error %+v, want invalid %s naming %s", tc.addr, tc.mask, re, workspace.CodeInvalid, tc.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("(%q, %q): %v", tc.addr, tc.mask, err)
			continue
		}
		if e.Prefix.String() != tc.want || e.Mask != tc.mask {
			t.Errorf("(%q, %q) = %v mask %q, want %s", tc.addr, tc.mask, e.Prefix, e.Mask, tc.want)
		}
	}
}

// FuzzParseIPEntry checks the IP/mask parser's invariants and compares its
// dotted-mask answers with the standard library's net.IPMask.
func FuzzParseIPEntry(f *testing.F) {
	for _, s := range [][2]string{
		{"10.1.2.3", "255.255.255.0"}, {"10.1.2.3", "24"}, {"0.0.0.0", "0.0.0.0"}, {"2001:db8::1", "64"},
		{"::ffff:1.2.3.4", "255.255.0.0"}, {"10.0.0.1", "255.0.255.0"}, {"10.0.0.1", "033"}, {"fe80::1%x", "1"},
		{"1.2.3.4", "255.255.255.254"}, {"1.2.3.4", "128.0.0.0"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, addr, mask string) {
		e, err := workspace.ParseIPEntry("ip", addr, mask)
		if err != nil {
			if re := rampart.AsError(err); re.Kind != rampart.KindInvalid || re.Code != workspace.CodeInvalid || re.Field == "" {
				t.Fatalf("(%q, %q): error %+v is not an invalid-field error", addr, mask, re)
			}
		}
		a, aerr := netip.ParseAddr(addr)
		if aerr == nil && a.Zone() == "" {
			a = a.Unmap()
			// Reference answer for the mask.
			wantBits := -1
			if n, err := strconv.Atoi(mask); err == nil && strconv.Itoa(n) == mask && n >= 0 && n <= a.BitLen() {
				wantBits = n
			} else if m, err := netip.ParseAddr(mask); err == nil && m.Is4() && a.Is4() {
				b := m.As4()
				if ones, bits := net.IPMask(b[:]).Size(); bits == 32 {
					wantBits = ones
				}
			}
			if (wantBits >= 0) != (err == nil) {
				t.Fatalf("(%q, %q): err = %v, reference mask bits %d", addr, mask, err, wantBits)
			}
			if err == nil && e.Prefix.Bits() != wantBits {
				t.Fatalf("(%q, %q): %d bits, reference %d", addr, mask, e.Prefix.Bits(), wantBits)
			}
		} else if err == nil {
			t.Fatalf("(%q, %q) accepted an address netip rejects", addr, mask)
		}
		if err != nil {
			return
		}
		if !e.Prefix.IsValid() || e.Prefix != e.Prefix.Masked() || !e.Prefix.Contains(a) || e.Address != a.String() || e.Mask != mask {
			t.Fatalf("(%q, %q) = %+v", addr, mask, e)
		}
		again, err := workspace.ParseIPEntry("ip", e.Address, e.Mask)
		if err != nil || again != e {
			t.Fatalf("re-parsing %+v gave %+v, %v", e, again, err)
		}
	})
}
