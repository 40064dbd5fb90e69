package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// The nftables feed serves the layer's emergency IP entries as text once
// they are delivered; bad layers are refused in the gateway envelope and
// another project's feed is forbidden.
func TestFirewallNftables(t *testing.T) {
	e := mustServeDecisions(t)
	path := "/v1/" + e.Creds.ProjectID + "/rampart/firewall/nftables?layer="
	fetch := func(layer string) (int, string, string) {
		t.Helper()
		res, err := http.DefaultClient.Do(e.signed(t, "GET", path+layer, "", time.Now(), e.Creds.SecretKey))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	status, ctype, body := fetch("vpc")
	if status != 200 || !strings.HasPrefix(ctype, "text/plain") || !strings.Contains(body, "table inet rampart_vpc {") || strings.Contains(body, "elements") {
		t.Fatalf("empty vpc: %d %s\n%s", status, ctype, body)
	}
	e.smBlock(secmaster.LayerVPC, secmaster.TypeSourceIP, "203.0.113.0/24")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(body, "203.0.113.0/24") {
		if time.Now().After(deadline) {
			t.Fatalf("block not in the ruleset within 10 s:\n%s", body)
		}
		time.Sleep(5 * time.Millisecond)
		_, _, body = fetch("vpc")
	}
	if _, _, cfw := fetch("cfw"); strings.Contains(cfw, "203.0.113.0/24") {
		t.Fatalf("vpc entry in the cfw ruleset:\n%s", cfw)
	}

	for _, layer := range []string{"", "waf", "iam", "workspace"} {
		res := e.call("GET", "/v1/"+e.Creds.ProjectID+"/rampart/firewall/nftables?layer="+layer, "")
		if res.Status != 400 || res.Body["error_code"] != "RAMPART.DEC.0001" {
			t.Errorf("layer %q: %d %s", layer, res.Status, res.Raw)
		}
	}
	if res := e.call("GET", "/v1/00000000000000000000000000000000/rampart/firewall/nftables?layer=cfw", ""); res.Status != http.StatusForbidden {
		t.Errorf("other project: %d %s", res.Status, res.Raw)
	}
}
