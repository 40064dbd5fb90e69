package sdktest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// selfSigned returns a PEM certificate for host expiring at notAfter and its
// PEM private key.
func selfSigned(t *testing.T, host string, notAfter time.Time) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
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

// TestWAFCertificates drives the certificate operations through the
// official SDK the way the Terraform provider uses them (create, read,
// rename, delete; 404 once gone), plus the link to an HTTPS host.
func TestWAFCertificates(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	notAfter := time.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)
	content, key := selfSigned(t, "secure.example.com", notAfter)
	cres, err := c.CreateCertificate(&wm.CreateCertificateRequest{VerifyCertKey: ptr(true),
		Body: &wm.CreateCertificateRequestBody{Name: "tf-cert", Content: content, Key: key}})
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || cres.Id == nil || *cres.Name != "tf-cert" || *cres.ExpireTime != notAfter.UnixMilli() ||
		*cres.ExpStatus != 0 || cres.Key != nil || *cres.Content != content || cres.Timestamp == nil {
		t.Fatalf("CreateCertificate response: %+v", cres)
	}
	id := *cres.Id

	// An HTTPS host using it.
	https := wm.GetCloudWafServerFrontProtocolEnum().HTTPS
	back := wm.GetCloudWafServerBackProtocolEnum().HTTP
	v4 := wm.GetCloudWafServerTypeEnum().IPV4
	h, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: "secure.example.com", Proxy: false,
		Certificateid: &id, Certificatename: ptr("tf-cert"),
		Server: []wm.CloudWafServer{{FrontProtocol: https, BackProtocol: back, Address: "192.0.2.10", Port: 80, Type: v4}}}})
	if err != nil || *h.Certificateid != id || *h.Protocol != "HTTPS" {
		t.Fatalf("CreateHost: %v %+v", err, h)
	}
	show, err := c.ShowCertificate(&wm.ShowCertificateRequest{CertificateId: id})
	if err != nil || *show.Name != "tf-cert" || show.Key != nil || show.BindHost == nil || len(*show.BindHost) != 1 ||
		*(*show.BindHost)[0].Hostname != "secure.example.com" {
		t.Fatalf("ShowCertificate: %v %+v", err, show)
	}
	unbound := wm.GetListCertificatesRequestExpStatusEnum().E_0
	list, err := c.ListCertificates(&wm.ListCertificatesRequest{Page: ptr(int32(1)), Pagesize: ptr(int32(10)), Name: ptr("tf"),
		Host: ptr(true), ExpStatus: &unbound})
	if err != nil || *list.Total != 1 || (*list.Items)[0].Id != id {
		t.Fatalf("ListCertificates: %v %+v", err, list)
	}
	_, err = c.DeleteCertificate(&wm.DeleteCertificateRequest{CertificateId: id})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022003")

	up, err := c.UpdateCertificate(&wm.UpdateCertificateRequest{CertificateId: id, Body: &wm.UpdateCertificateRequestBody{Name: "tf-cert-2"}})
	if err != nil || *up.Name != "tf-cert-2" || *up.ExpireTime != notAfter.UnixMilli() {
		t.Fatalf("UpdateCertificate: %v %+v", err, up)
	}

	// Move the host to a second certificate; the first can then go.
	c2, k2 := selfSigned(t, "secure.example.com", notAfter)
	second, err := c.CreateCertificate(&wm.CreateCertificateRequest{Body: &wm.CreateCertificateRequestBody{Name: "second", Content: c2, Key: k2}})
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	ap, err := c.ApplyCertificateToHost(&wm.ApplyCertificateToHostRequest{CertificateId: *second.Id,
		Body: &wm.ApplyCertificateToHostRequestBody{CloudHostIds: &[]string{*h.Id}}})
	if err != nil || ap.BindHost == nil || len(*ap.BindHost) != 1 || *(*ap.BindHost)[0].Id != *h.Id {
		t.Fatalf("ApplyCertificateToHost: %v %+v", err, ap)
	}
	del, err := c.DeleteCertificate(&wm.DeleteCertificateRequest{CertificateId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteCertificate: %v %+v", err, del)
	}
	_, err = c.ShowCertificate(&wm.ShowCertificateRequest{CertificateId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	_, err = c.DeleteCertificate(&wm.DeleteCertificateRequest{CertificateId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")

	// A key that does not match the certificate.
	_, err = c.CreateCertificate(&wm.CreateCertificateRequest{Body: &wm.CreateCertificateRequestBody{Name: "bad", Content: content, Key: k2}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
}
