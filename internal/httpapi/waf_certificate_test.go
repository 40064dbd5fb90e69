package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// mustPEM returns a self-signed certificate for host expiring at notAfter,
// and its private key, both PEM-encoded.
func mustPEM(tb testing.TB, host string, notAfter time.Time) (certPEM, keyPEM string) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// certBody returns a CreateCertificate / UpdateCertificate body.
func certBody(tb testing.TB, name, content, key string) string {
	tb.Helper()
	b, err := json.Marshal(map[string]string{"name": name, "content": content, "key": key})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// mustCertificate uploads a valid certificate and returns its ID.
func (e *wafEnv) mustCertificate(tb testing.TB, name string) string {
	tb.Helper()
	c, k := mustPEM(tb, "www.example.com", e.clock.Now().Add(90*24*time.Hour))
	return str(ok(tb, e.call(tb, "POST", "certificate", certBody(tb, name, c, k)))["id"])
}

func TestWAFCertificateLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	notAfter := e.clock.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)
	c, k := mustPEM(t, "www.example.com", notAfter)
	rev := e.revision(t)
	created := ok(t, e.call(t, "POST", "certificate", certBody(t, "shop.cert", c, k)))
	id := str(created["id"])
	if len(id) != 32 || created["name"] != "shop.cert" || int64(num(created["expire_time"])) != notAfter.UnixMilli() ||
		num(created["exp_status"]) != 0 || created["content"] != c || created["key"] != nil || num(created["timestamp"]) == 0 ||
		len(created["bind_host"].([]any)) != 0 {
		t.Fatalf("create: %v", created)
	}
	if e.revision(t) <= rev {
		t.Fatal("creating a certificate did not bump the WAF revision")
	}
	if strings.Contains(e.call(t, "GET", "certificate/"+id, "").Raw, "PRIVATE KEY") {
		t.Fatal("the private key was returned")
	}
	// The data plane reads the key through the store.
	full, err := e.DB.Certificate(t.Context(), e.Creds.ProjectID, id)
	if err != nil || full.Key != k || full.Content != c {
		t.Fatalf("store lookup: %v", err)
	}
	if pair, err := full.TLSCertificate(); err != nil || pair.Leaf == nil || pair.Leaf.DNSNames[0] != "www.example.com" {
		t.Fatalf("TLSCertificate: %v", err)
	}

	// A host using it: bind_host, and deletion refused.
	h := ok(t, e.call(t, "POST", "instance", `{"hostname":"www.example.com","proxy":false,"certificateid":"`+id+`","server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}]}`))
	if h["certificatename"] != "shop.cert" {
		t.Fatalf("host certificatename: %v", h)
	}
	show := ok(t, e.call(t, "GET", "certificate/"+id, ""))
	if bh := show["bind_host"].([]any); len(bh) != 1 || bh[0].(map[string]any)["id"] != h["id"] || bh[0].(map[string]any)["waf_type"] != "cloud" {
		t.Fatalf("bind_host: %v", show)
	}
	wantError(t, e.call(t, "DELETE", "certificate/"+id, ""), 400, "WAF.00022003")

	// Rename, and replace the pair.
	c2, k2 := mustPEM(t, "www.example.com", notAfter.Add(24*time.Hour))
	up := ok(t, e.call(t, "PUT", "certificate/"+id, certBody(t, "renamed", c2, k2)))
	if up["name"] != "renamed" || int64(num(up["expire_time"])) != notAfter.Add(24*time.Hour).UnixMilli() {
		t.Fatalf("update: %v", up)
	}
	if hh := ok(t, e.call(t, "GET", "instance/"+str(h["id"]), "")); hh["certificatename"] != "renamed" {
		t.Fatalf("host after rename: %v", hh)
	}
	ok(t, e.call(t, "PUT", "certificate/"+id, `{"name":"only-name"}`))
	wantError(t, e.call(t, "PUT", "certificate/"+id, `{"name":"x","content":"`+strings.ReplaceAll(c2, "\n", `\n`)+`"}`), 400, "WAF.00021003")

	// Apply another certificate to the host, then the first can go.
	other := e.mustCertificate(t, "other")
	ap := ok(t, e.call(t, "POST", "certificate/"+other+"/apply-to-hosts", `{"cloud_host_ids":["`+str(h["id"])+`"]}`))
	if bh := ap["bind_host"].([]any); len(bh) != 1 {
		t.Fatalf("apply: %v", ap)
	}
	wantError(t, e.call(t, "POST", "certificate/"+other+"/apply-to-hosts", `{"premium_host_ids":["abc"]}`), 400, "WAF.00013002")
	wantError(t, e.call(t, "POST", "certificate/"+other+"/apply-to-hosts", `{"cloud_host_ids":["0123456789abcdef0123456789abcdef"]}`), 404, "WAF.00022001")
	del := ok(t, e.call(t, "DELETE", "certificate/"+id, ""))
	if del["id"] != id || del["content"] != nil {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "certificate/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "DELETE", "certificate/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.callIn(t, e.Other, "GET", "certificate/"+other, ""), 404, "WAF.00022001")

	// A host cannot reference an unknown certificate.
	wantError(t, e.call(t, "POST", "instance", `{"hostname":"b.example.com","proxy":false,"certificateid":"0123456789abcdef0123456789abcdef","server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}]}`), 404, "WAF.00022001")
}

func TestWAFCertificateValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	now := e.clock.Now()
	c, k := mustPEM(t, "a.example.com", now.Add(90*24*time.Hour))
	_, k2 := mustPEM(t, "b.example.com", now.Add(time.Hour))
	for _, tc := range []struct {
		name, body, code string
	}{
		{"NoName", `{"content":"x","key":"y"}`, "WAF.00021005"},
		{"BadName", certBody(t, "a b", c, k), "WAF.00021005"},
		{"NoContent", certBody(t, "n", "", k), "WAF.00021003"},
		{"NoKey", certBody(t, "n", c, ""), "WAF.00021003"},
		{"NotPEM", certBody(t, "n", "hello", k), "WAF.00021003"},
		{"KeyOfAnother", certBody(t, "n", c, k2), "WAF.00021003"},
		{"KeyAsContent", certBody(t, "n", k, k), "WAF.00021003"},
		// content is returned by Create and Show: a key bundled into it
		// (a combined PEM file) would be handed back.
		{"KeyInContent", certBody(t, "n", c+k, k), "WAF.00021003"},
		{"KeyBeforeChain", certBody(t, "n", k+c, k), "WAF.00021003"},
		{"TooLarge", certBody(t, "n", c+strings.Repeat("#", 70<<10), k), "WAF.00021021"},
	} {
		res := e.call(t, "POST", "certificate", tc.body)
		if res.Status != 400 || res.Body["error_code"] != tc.code {
			t.Errorf("%s: %d %s, want 400 %s", tc.name, res.Status, res.Raw, tc.code)
		}
		if strings.Contains(res.Raw, "PRIVATE KEY") || strings.Contains(res.Raw, k[40:80]) {
			t.Errorf("%s: the error echoes the key: %s", tc.name, res.Raw)
		}
	}
	// A chain stored with its key bundled in (as uploads were accepted
	// before) is shown without the key.
	stored := &waf.Certificate{ID: "0123456789abcdef0123456789abcde0", ProjectID: e.Creds.ProjectID, EnterpriseProjectID: "0",
		Name: "bundled", Content: c + k, Key: k, ExpireTime: now.Add(90 * 24 * time.Hour), CreatedAt: now}
	if err := e.DB.CreateCertificate(t.Context(), stored); err != nil {
		t.Fatal(err)
	}
	if show := ok(t, e.call(t, "GET", "certificate/"+stored.ID, "")); show["content"] != c {
		t.Fatalf("bundled chain shown as %q", show["content"])
	}
	if _, err := e.DB.DeleteCertificate(t.Context(), e.Creds.ProjectID, stored.ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.call(t, "POST", "certificate?verify_cert_key=maybe", certBody(t, "n", c, k)), 400, "WAF.00021002")
	// Expiry states and list filters.
	soon, ks := mustPEM(t, "s.example.com", now.Add(10*24*time.Hour))
	old, ko := mustPEM(t, "o.example.com", now.Add(-time.Hour))
	ok(t, e.call(t, "POST", "certificate", certBody(t, "valid", c, k)))
	ok(t, e.call(t, "POST", "certificate", certBody(t, "soon", soon, ks)))
	ok(t, e.call(t, "POST", "certificate", certBody(t, "old", old, ko)))
	for _, q := range []struct {
		query string
		want  int
	}{{"", 3}, {"exp_status=1", 1}, {"exp_status=2", 1}, {"exp_status=0", 1}, {"name=o", 2}, {"host=true", 0}, {"host=false", 3}, {"pagesize=2&page=2", 3}} {
		l := ok(t, e.call(t, "GET", "certificate?"+q.query, ""))
		if int(num(l["total"])) != q.want {
			t.Errorf("%s: total %v, want %d", q.query, l["total"], q.want)
		}
		for _, it := range l["items"].([]any) {
			if it.(map[string]any)["content"] != nil {
				t.Fatalf("list returns content: %v", it)
			}
		}
	}
	wantError(t, e.call(t, "GET", "certificate?exp_status=3", ""), 400, "WAF.00021002")
	wantError(t, e.call(t, "GET", "certificate?pagesize=101", ""), 400, "WAF.00011011")
	wantError(t, e.call(t, "GET", "certificate/bad!", ""), 400, "WAF.00021004")
}
