package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// selfSigned returns a PEM certificate for host and its PEM private key.
func selfSigned(t *testing.T, host string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: host},
		DNSNames: []string{host}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// A WAF certificate created through the API is what the TLS data plane
// presents for its host (by SNI), over HTTP/2, and the request reaches the
// host's upstream.
func TestServeProxyTLSCertificateFromAPI(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure origin, forwarded proto "+r.Header.Get("X-Forwarded-Proto"))
	}))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())

	dir := t.TempDir()
	tlsAddr := freeAddr(t)
	url, logs, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"},
		"--proxy-tls-listen", tlsAddr, "--metrics-listen", "")
	defer stop()
	pid, call := apiClient(t, url, dir, "acme", "first-password")

	const name = "secure.example.com"
	content, key := selfSigned(t, name)
	body, _ := json.Marshal(map[string]string{"name": "site", "content": content, "key": key})
	st, cert := call("POST", "/v1/"+pid+"/waf/certificate", string(body))
	if st != 200 {
		t.Fatalf("create certificate: %d %v", st, cert)
	}
	certID, _ := cert["id"].(string)
	if st, h := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"`+name+`","certificateid":"`+certID+
		`","server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"`+upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`); st != 200 {
		t.Fatalf("create host: %d %v", st, h)
	}
	block, _ := pem.Decode([]byte(content))
	want, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(want)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: name},
		ForceAttemptHTTP2: true,
	}}
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		req, _ := http.NewRequest("GET", "https://"+tlsAddr+"/", nil)
		req.Host = name
		res, err := client.Do(req)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := res.TLS.PeerCertificates[0]
			if res.StatusCode == 200 && got.Equal(want) {
				if res.ProtoMajor != 2 || string(b) != "secure origin, forwarded proto https" {
					t.Fatalf("proto %s, body %q", res.Proto, b)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API's certificate is not served for %s: %v\n%s", name, err, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
