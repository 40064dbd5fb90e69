package aksk_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
)

// benchRequest is a typical SDK call as the server receives it: a POST with
// a ~200-byte JSON body and the SDK's three signed headers.
func benchRequest(b *testing.B) (*http.Request, []byte, aksk.Authorization) {
	b.Helper()
	body := []byte(`{"name":"block-high-risk-regions","geoip":"CN|US|RU|KP|IR|SY","white":0,"status":1,` +
		`"description":"Deny traffic from the listed regions; created by the terraform pipeline run 1234"}` + "\n")
	r := httptest.NewRequest(http.MethodPost,
		"/v1/0123456789abcdef0123456789abcdef/waf/policy/5e4bd2f6c1a04a6b9f2f4e0b8c7d6e5f/geoip?enterprise_project_id=0",
		bytes.NewReader(body))
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0; linux/amd64 go/1.26.0 app/4b8e2c7a-0f3d-4a59-9e1b-7c2d5f6a8b90")
	r.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	r.Header.Set("Content-Type", "application/json")
	aksk.Sign(r, body, "HPUAXXXXXXXXXXXXXXXX", strings.Repeat("s", 40), time.Now())
	// Added by the client's transport after signing.
	r.Header.Set("Accept-Encoding", "gzip")
	r.Header.Set("Content-Length", "200")
	if got := len(strings.Split(r.Header.Get("Authorization"), ";")); got != 3 {
		b.Fatalf("%d signed headers, want 3", got)
	}
	a, err := aksk.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		b.Fatal(err)
	}
	return r, body, a
}

func BenchmarkVerify(b *testing.B) {
	r, body, a := benchRequest(b)
	sk := strings.Repeat("s", 40)
	b.ReportAllocs()
	for b.Loop() {
		if !aksk.Verify(r, body, a, sk) {
			b.Fatal("Verify = false")
		}
	}
}

func BenchmarkParseAuthorization(b *testing.B) {
	r, _, _ := benchRequest(b)
	h := r.Header.Get("Authorization")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aksk.ParseAuthorization(h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	r, body, _ := benchRequest(b)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		aksk.Sign(r, body, "HPUAXXXXXXXXXXXXXXXX", "secret", now)
	}
}
