package httpapi

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

var nftNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func entry(block bool, pfx string, expires time.Duration) decision.Entry {
	e := decision.Entry{Block: block, PolicyID: "pol", Prefix: netip.MustParsePrefix(pfx)}
	if expires != 0 {
		e.Expires = nftNow.Add(expires)
	}
	return e
}

// setBody returns the text of one set of a ruleset.
func setBody(t *testing.T, rules, name string) string {
	t.Helper()
	i := strings.Index(rules, "\tset "+name+" {\n")
	if i < 0 {
		t.Fatalf("no set %s in:\n%s", name, rules)
	}
	j := strings.Index(rules[i:], "\n\t}\n")
	return rules[i : i+j]
}

// The ruleset for known entries: merged, non-overlapping elements with
// timeouts rounded up to whole seconds, empty sets without an elements
// line, IPv6 apart, users and domains left out, accept before drop in
// both chains.
func TestNftRulesetText(t *testing.T) {
	es := []decision.Entry{
		entry(true, "192.0.2.0/24", time.Hour),
		entry(true, "192.0.2.7/32", 0), // never expires: split out of the /24
		entry(true, "198.51.100.0/25", 90*time.Second+time.Millisecond),
		entry(true, "198.51.100.128/25", 90*time.Second+time.Millisecond), // joined with the other half
		entry(true, "2001:db8::/32", 0),
		entry(true, "2001:db8:1::/48", 0), // inside the /32, same expiry: merged away
		entry(false, "203.0.113.9/32", 10*time.Minute),
		{Block: true, PolicyID: "pol", User: "mallory"},
		{Block: true, PolicyID: "pol", Domain: "evil.example"},
		entry(true, "10.0.0.0/8", -time.Second), // expired
	}
	rules := string(nftRuleset("proj", decision.LayerCFW, 42, es, nftNow))
	if !strings.Contains(rules, "table inet rampart_cfw\ndelete table inet rampart_cfw\ntable inet rampart_cfw {\n") {
		t.Fatalf("table header:\n%s", rules)
	}
	block4 := setBody(t, rules, "block4")
	for _, want := range []string{
		"type ipv4_addr\n\t\tflags interval, timeout\n",
		"192.0.2.0-192.0.2.6 timeout 3600s,\n",
		"192.0.2.7,\n",
		"192.0.2.8-192.0.2.255 timeout 3600s,\n",
		"198.51.100.0/24 timeout 91s\n",
	} {
		if !strings.Contains(block4, want) {
			t.Errorf("block4 lacks %q:\n%s", want, block4)
		}
	}
	if strings.Contains(block4, "10.0.0.0") {
		t.Errorf("expired entry in block4:\n%s", block4)
	}
	if b6 := setBody(t, rules, "block6"); !strings.Contains(b6, "type ipv6_addr") || !strings.Contains(b6, "elements = {\n\t\t\t2001:db8::/32\n\t\t}") {
		t.Errorf("block6:\n%s", b6)
	}
	if a4 := setBody(t, rules, "allow4"); !strings.Contains(a4, "203.0.113.9 timeout 600s") {
		t.Errorf("allow4:\n%s", a4)
	}
	if a6 := setBody(t, rules, "allow6"); strings.Contains(a6, "elements") {
		t.Errorf("empty allow6 has elements:\n%s", a6)
	}
	if strings.Contains(rules, "mallory") || strings.Contains(rules, "evil.example") {
		t.Errorf("user or domain in the ruleset:\n%s", rules)
	}
	for _, hook := range []string{"input", "forward"} {
		want := fmt.Sprintf("\tchain %s {\n\t\ttype filter hook %s priority filter - 10; policy accept;\n"+
			"\t\tip saddr @allow4 accept\n\t\tip6 saddr @allow6 accept\n\t\tip saddr @block4 drop\n\t\tip6 saddr @block6 drop\n\t}\n", hook, hook)
		if !strings.Contains(rules, want) {
			t.Errorf("chain %s:\n%s", hook, rules)
		}
	}
	empty := string(nftRuleset("proj", decision.LayerVPC, 1, nil, nftNow))
	if strings.Contains(empty, "elements") || !strings.Contains(empty, "table inet rampart_vpc {") {
		t.Errorf("empty ruleset:\n%s", empty)
	}
}

// nftCheck runs `nft -c -f` on a ruleset. As root it runs nft directly;
// otherwise inside a new user and network namespace (unshare -rn), where
// nft has the CAP_NET_ADMIN its cache initialisation needs. Without nft it
// skips and says so (scripts/test.sh installs nft when it can, and reports
// when it could not).
func nftCheck(t *testing.T, rules []byte) {
	t.Helper()
	nft, err := exec.LookPath("nft")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nft"); serr == nil {
			nft, err = "/usr/sbin/nft", nil
		}
	}
	if err != nil {
		t.Skip("nft is not installed (Debian package nftables; scripts/test.sh installs it): the ruleset was not checked with nft -c")
	}
	f := filepath.Join(t.TempDir(), "rampart.nft")
	if err := os.WriteFile(f, rules, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nft, "-c", "-f", f)
	if os.Geteuid() != 0 {
		cmd = exec.Command("unshare", "-rn", nft, "-c", "-f", f)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s\nruleset:\n%s", strings.Join(cmd.Args, " "), err, out, rules)
	}
}

// nft -c accepts the ruleset: empty, the known entries above, and seeded
// random overlapping IPv4 and IPv6 entries of both categories with and
// without expiry.
func TestNftRulesetAcceptedByNft(t *testing.T) {
	nftCheck(t, nftRuleset("proj", decision.LayerCFW, 1, nil, nftNow))
	r := rand.New(rand.NewPCG(7, 7))
	var es []decision.Entry
	for range 400 {
		var p netip.Prefix
		if r.IntN(3) == 0 {
			p = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(4)), byte(r.IntN(256)), 15: byte(r.IntN(256))}), 32+r.IntN(97))
		} else {
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))}), 8+r.IntN(25))
		}
		var exp time.Duration
		if r.IntN(2) == 0 {
			exp = time.Duration(1+r.IntN(86400)) * time.Second
		}
		es = append(es, entry(r.IntN(4) > 0, p.Masked().String(), exp))
	}
	nftCheck(t, nftRuleset("proj", decision.LayerVPC, 9, es, nftNow))
}

// Far expiries: nft refuses a seconds literal of 100,000,000 or more (about
// 3.2 years), so longer timeouts are written in days, hours, minutes and
// seconds; an expiry further away than nftMaxTimeout (beyond which kernels
// refuse the timeout, and past which time.Time.Sub saturates) is written
// without a timeout rather than dropped. nft -c accepts the result.
func TestNftRulesetFarExpiries(t *testing.T) {
	es := []decision.Entry{
		entry(true, "192.0.2.1/32", 4*365*24*time.Hour), // block aging four years out
		entry(true, "192.0.2.3/32", 100*365*24*time.Hour),
		{Block: true, PolicyID: "pol", Prefix: netip.MustParsePrefix("192.0.2.5/32"),
			Expires: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}, // the latest block_ageing SecMaster takes
		entry(true, "192.0.2.7/32", 99999999*time.Second),
	}
	rules := nftRuleset("proj", decision.LayerCFW, 1, es, nftNow)
	block4 := setBody(t, string(rules), "block4")
	for _, want := range []string{
		"192.0.2.1 timeout 1460d0h0m0s,\n",
		"192.0.2.3 timeout 36500d0h0m0s,\n",
		"192.0.2.5,\n",
		"192.0.2.7 timeout 99999999s\n",
	} {
		if !strings.Contains(block4, want) {
			t.Errorf("block4 lacks %q:\n%s", want, block4)
		}
	}
	nftCheck(t, rules)
}
