package storeform_test

import (
	"reflect"
	"testing"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// Every form gives back what was encoded.
func TestRoundTrips(t *testing.T) {
	h := &waf.Host{Servers: []waf.Server{{FrontProtocol: "HTTPS", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 8080,
		Type: "ipv4", Weight: 2}}, CertificateID: "c", CertificateName: "n", Description: "d", PaidType: "prePaid",
		WebTag: "w", ExclusiveIP: true, HTTP2Enable: true, TLS: "TLS v1.2", Cipher: "cipher_1",
		ForwardHeaderMap: map[string]string{"X-A": "$remote_addr"}, Extra: map[string]any{"k": "v"}}
	servers, settings := storeform.EncodeHost(h)
	var got waf.Host
	if err := storeform.DecodeHost(&got, []byte(servers), []byte(settings)); err != nil || !reflect.DeepEqual(&got, h) {
		t.Fatalf("host = %+v, %v; want %+v", got, err, h)
	}

	conds := []waf.CustomCondition{{Category: "header", Index: "X-A", LogicOperation: "contain", Contents: []string{"a"},
		ValueListID: "vl"}}
	if got, err := storeform.DecodeConditions([]byte(storeform.EncodeConditions(conds))); err != nil || !reflect.DeepEqual(got, conds) {
		t.Fatalf("conditions = %+v, %v", got, err)
	}
	action := waf.CustomAction{Category: "block", FollowedActionID: "f"}
	if got, err := storeform.DecodeCustomAction([]byte(storeform.EncodeCustomAction(action))); err != nil || got != action {
		t.Fatalf("action = %+v, %v", got, err)
	}
	cc := waf.CCAction{Category: "block", Response: &waf.CCResponse{ContentType: "application/json", Content: "{}"}}
	if got, err := storeform.DecodeCCAction([]byte(storeform.EncodeCCAction(cc))); err != nil || !reflect.DeepEqual(got, cc) {
		t.Fatalf("cc action = %+v, %v", got, err)
	}
	tag := &waf.CCTagCondition{Category: "referer", Contents: []string{"x"}}
	if got, err := storeform.DecodeCCTagCondition([]byte(*storeform.EncodeCCTagCondition(tag))); err != nil || !reflect.DeepEqual(got, tag) {
		t.Fatalf("tag condition = %+v, %v", got, err)
	}
	if storeform.EncodeCCTagCondition(nil) != nil || storeform.EncodeIgnoreAdvanced(nil) != nil {
		t.Fatal("an absent document is stored as something")
	}
	ics := []waf.IgnoreCondition{{Category: "params", LogicOperation: "equal", Contents: []string{"a"}, CheckAllIndexes: 2}}
	if got, err := storeform.DecodeIgnoreConditions([]byte(storeform.EncodeIgnoreConditions(ics))); err != nil || !reflect.DeepEqual(got, ics) {
		t.Fatalf("ignore conditions = %+v, %v", got, err)
	}
	ips := []workspace.IPEntry{}
	for _, a := range [][2]string{{"192.0.2.0", "255.255.255.0"}, {"2001:db8::", "32"}} {
		e, err := workspace.ParseIPEntry("ip", a[0], a[1])
		if err != nil {
			t.Fatal(err)
		}
		ips = append(ips, e)
	}
	if got, err := storeform.DecodeIPList([]byte(storeform.EncodeIPList(ips))); err != nil || !reflect.DeepEqual(got, ips) {
		t.Fatalf("ip list = %+v, %v", got, err)
	}
	if _, err := storeform.DecodeIPList([]byte(`[{"a":"not an address","m":"255.255.255.255"}]`)); err == nil {
		t.Fatal("an invalid stored entry was accepted")
	}
	adv := &waf.IgnoreAdvanced{Index: "params", Fields: []string{"a"}}
	if got, err := storeform.DecodeIgnoreAdvanced([]byte(*storeform.EncodeIgnoreAdvanced(adv))); err != nil || !reflect.DeepEqual(got, adv) {
		t.Fatalf("advanced = %+v, %v", got, err)
	}
}

// A document that is not the form is an error, never a panic, and a
// decoded document encodes back to what it decodes to.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `null`, `[{"category":"url","contents":["a"]}]`, `{"category":"block"}`, `[1]`, `x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h waf.Host
		_ = storeform.DecodeHost(&h, b, b)
		if cs, err := storeform.DecodeConditions(b); err == nil {
			again, err := storeform.DecodeConditions([]byte(storeform.EncodeConditions(cs)))
			if err != nil || len(again) != len(cs) {
				t.Fatalf("conditions %q do not survive a round trip: %v", b, err)
			}
		}
		_, _ = storeform.DecodeCustomAction(b)
		_, _ = storeform.DecodeCCAction(b)
		_, _ = storeform.DecodeCCTagCondition(b)
		_, _ = storeform.DecodeIgnoreConditions(b)
		_, _ = storeform.DecodeIgnoreAdvanced(b)
		_, _ = storeform.DecodeIPList(b)
	})
}
