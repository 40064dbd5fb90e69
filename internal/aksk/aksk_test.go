package aksk_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
)

// Test vectors produced by the Huawei Cloud Go SDK's own signer (v0.1.207).
const (
	vecAK        = "TESTAK0000000000"
	vecSK        = "TESTSK1111111111111111111111111111111111"
	vecProject   = "0123456789abcdef0123456789abcdef"
	vecUserAgent = "huaweicloud-usdk-go/3.0; test"
	vecDate      = "20250101T000000Z"
)

var vecSigned = []string{"user-agent", "x-project-id", "x-sdk-date"}

// vectorRequest returns a request as the server receives it.
func vectorRequest(method, target string, body []byte) *http.Request {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Header.Set("User-Agent", vecUserAgent)
	r.Header.Set("X-Project-Id", vecProject)
	r.Header.Set("X-Sdk-Date", vecDate)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		target    string
		body      string
		wantURI   string
		wantQuery string
		wantSig   string
	}{
		{
			name:      "V1 POST geoip",
			method:    http.MethodPost,
			target:    "/v1/" + vecProject + "/waf/policy/pol-1/geoip?enterprise_project_id=0",
			body:      `{"name":"geo1","geoip":"CN|US","white":0}` + "\n",
			wantURI:   "/v1/" + vecProject + "/waf/policy/pol-1/geoip/",
			wantQuery: "enterprise_project_id=0",
			wantSig:   "0863ae4fdac3ac4347b3bdec871137b80a4f7001f34722c6950ee7a598651c82",
		},
		{
			name:      "V2 GET escaped path and query",
			method:    http.MethodGet,
			target:    "/v1/" + vecProject + "/waf/policy/a%20b?enterprise_project_id&name=a%20b%2Bc%2Fd%3D%C3%A9&policyids=p2&policyids=p1",
			wantURI:   "/v1/" + vecProject + "/waf/policy/a%20b/",
			wantQuery: "enterprise_project_id=&name=a%20b%2Bc%2Fd%3D%C3%A9&policyids=p1&policyids=p2",
			wantSig:   "1e5818a929d4dc59ca643138fd5e1d8ddd818d255e1ad1b6a885956181c5630f",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := vectorRequest(tt.method, tt.target, []byte(tt.body))
			if got := aksk.CanonicalURI(r.URL.Path); got != tt.wantURI {
				t.Errorf("canonical URI = %q, want %q", got, tt.wantURI)
			}
			if got := aksk.CanonicalQuery(r.URL.RawQuery); got != tt.wantQuery {
				t.Errorf("canonical query = %q, want %q", got, tt.wantQuery)
			}
			sum := sha256.Sum256([]byte(tt.body))
			wantCR := tt.method + "\n" + tt.wantURI + "\n" + tt.wantQuery + "\n" +
				"user-agent:" + vecUserAgent + "\nx-project-id:" + vecProject + "\nx-sdk-date:" + vecDate + "\n\n" +
				"user-agent;x-project-id;x-sdk-date\n" + hex.EncodeToString(sum[:])
			if got := aksk.CanonicalRequest(r, []byte(tt.body), vecSigned); got != wantCR {
				t.Errorf("canonical request:\n got %q\nwant %q", got, wantCR)
			}
			if got := aksk.Signature(r, []byte(tt.body), vecSigned, vecSK); got != tt.wantSig {
				t.Errorf("Signature = %s, want %s", got, tt.wantSig)
			}
			a := aksk.Authorization{AccessKey: vecAK, SignedHeaders: vecSigned, Signature: tt.wantSig}
			if !aksk.Verify(r, []byte(tt.body), a, vecSK) {
				t.Error("Verify = false for the SDK's signature")
			}
			a.Signature = strings.ToUpper(tt.wantSig)
			if !aksk.Verify(r, []byte(tt.body), a, vecSK) {
				t.Error("Verify = false for the upper-case hex signature")
			}

			// Sign at the vector's date reproduces the SDK's header exactly.
			s := httptest.NewRequest(tt.method, tt.target, nil)
			s.Header.Set("User-Agent", vecUserAgent)
			s.Header.Set("X-Project-Id", vecProject)
			s.Header.Set("Content-Type", "application/json")
			aksk.Sign(s, []byte(tt.body), vecAK, vecSK, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			wantAuth := "SDK-HMAC-SHA256 Access=" + vecAK + ", SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=" + tt.wantSig
			if got := s.Header.Get("Authorization"); got != wantAuth {
				t.Errorf("Sign Authorization:\n got %q\nwant %q", got, wantAuth)
			}
			if got := s.Header.Get(aksk.DateHeader); got != vecDate {
				t.Errorf("Sign %s = %q, want %q", aksk.DateHeader, got, vecDate)
			}
		})
	}
}

func TestCanonicalURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, want string }{
		{"", "/"},
		{"/", "/"},
		{"/v3/projects", "/v3/projects/"},
		{"/v3/projects/", "/v3/projects/"},
		{"/a b/c+d/é", "/a%20b/c%2Bd/%C3%A9/"},
		{"/r/1 x", "/r/1%20x/"},
		{"/keep-_.~/", "/keep-_.~/"},
		{"/{project_id}/x", "/%7Bproject_id%7D/x/"},
		{"//double//", "//double//"},
		{"/%", "/%25/"},
	}
	for _, tt := range tests {
		if got := aksk.CanonicalURI(tt.path); got != tt.want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ raw, want string }{
		{"", ""},
		{"a=1", "a=1"},
		{"b=2&a=1", "a=1&b=2"},
		{"k", "k="},
		{"k=", "k="},
		{"a=2&a=1&a=10", "a=1&a=10&a=2"},
		{"a=x+y", "a=x%20y"},   // '+' in a query means space
		{"a=x%2By", "a=x%2By"}, // an escaped '+' is a plus
		{"&&a=1&&", "a=1"},     // empty pairs skipped
		{"a=1;b=2&c=3", "c=3"}, // url.ParseQuery drops pairs with ';'
		{"a=%zz&b=1", "b=1"},   // and pairs with bad escapes
		{"=v", "=v"},           // empty key kept, as url.ParseQuery does
		{"a=b=c", "a=b%3Dc"},   // split at the first '='
		{"B=1&a=1", "B=1&a=1"}, // byte order: upper case first
		{"%C3%A9=%E2%82%AC", "%C3%A9=%E2%82%AC"},
	}
	for _, tt := range tests {
		if got := aksk.CanonicalQuery(tt.raw); got != tt.want {
			t.Errorf("CanonicalQuery(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// TestMACMatchesCryptoHMAC checks the allocation-free HMAC against
// crypto/hmac for keys around and beyond the block size.
func TestMACMatchesCryptoHMAC(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 20, 40, 63, 64, 65, 100, 200} {
		key := make([]byte, n)
		for i := range key {
			key[i] = byte(rng.Uint32())
		}
		r := vectorRequest(http.MethodPost, "/v1/p/waf/policy?b=2&a=1", []byte("{}\n"))
		cr := aksk.CanonicalRequest(r, []byte("{}\n"), vecSigned)
		crSum := sha256.Sum256([]byte(cr))
		sts := aksk.Algorithm + "\n" + vecDate + "\n" + hex.EncodeToString(crSum[:])
		m := hmac.New(sha256.New, key)
		m.Write([]byte(sts))
		want := m.Sum(nil)
		got := aksk.MAC(r, []byte("{}\n"), vecSigned, string(key))
		if !bytes.Equal(got[:], want) {
			t.Errorf("key length %d: MAC = %x, want %x", n, got, want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "http://api.example:8443/v3/projects", nil)
	r.Header.Set("X-Sdk-Date", vecDate)
	r.Header.Set("X-Empty", "")
	r.Header.Add("X-Multi", "b")
	r.Header.Add("X-Multi", " a ")
	r.Header["x-raw"] = []string{"raw"} // set past canonicalisation
	tests := []struct {
		name    string
		signed  []string
		wantHdr string
	}{
		{"host from r.Host", []string{"host", "x-sdk-date"}, "host:api.example:8443\nx-sdk-date:" + vecDate + "\n"},
		{"order as listed", []string{"x-sdk-date", "host"}, "x-sdk-date:" + vecDate + "\nhost:api.example:8443\n"},
		{"empty value", []string{"x-empty"}, "x-empty:\n"},
		{"repeated header, values sorted and trimmed", []string{"x-multi"}, "x-multi:a\nx-multi:b\n"},
		{"absent header contributes nothing", []string{"x-absent", "x-sdk-date"}, "x-sdk-date:" + vecDate + "\n"},
		{"no header at all", nil, "\n"},
		{"name case kept", []string{"X-Sdk-Date"}, "X-Sdk-Date:" + vecDate + "\n"},
		{"non-canonical map key", []string{"x-raw"}, "x-raw:raw\n"},
	}
	for _, tt := range tests {
		cr := aksk.CanonicalRequest(r, nil, tt.signed)
		want := "GET\n/v3/projects/\n\n" + tt.wantHdr + "\n" + strings.Join(tt.signed, ";") +
			"\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		if cr != want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, cr, want)
		}
	}
}

func TestContentSHA256Header(t *testing.T) {
	t.Parallel()
	r := vectorRequest(http.MethodPost, "/x", []byte("payload"))
	r.Header.Set(aksk.ContentSHA256Header, "UNSIGNED-PAYLOAD")
	cr := aksk.CanonicalRequest(r, []byte("payload"), vecSigned)
	if !strings.HasSuffix(cr, "\nUNSIGNED-PAYLOAD") {
		t.Errorf("canonical request does not end with the header value: %q", cr)
	}
}

// signedRequest returns a typical SDK request signed with Sign.
func signedRequest(t testing.TB, now time.Time) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"name":"geo1","geoip":"CN|US","white":0}` + "\n")
	r := httptest.NewRequest(http.MethodPost, "/v1/"+vecProject+"/waf/policy/pol-1/geoip?enterprise_project_id=0&page=1", bytes.NewReader(body))
	r.Header.Set("User-Agent", vecUserAgent)
	r.Header.Set("X-Project-Id", vecProject)
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set("X-Secmaster-Version", "")
	aksk.Sign(r, body, vecAK, vecSK, now)
	return r, body
}

func mustParse(t testing.TB, r *http.Request) aksk.Authorization {
	t.Helper()
	a, err := aksk.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("ParseAuthorization(%q): %v", r.Header.Get("Authorization"), err)
	}
	return a
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))

	r, body := signedRequest(t, now)
	a := mustParse(t, r)
	if got, want := strings.Join(a.SignedHeaders, ";"), "user-agent;x-project-id;x-sdk-date;x-secmaster-version"; got != want {
		t.Errorf("SignedHeaders = %q, want %q", got, want)
	}
	if a.AccessKey != vecAK {
		t.Errorf("AccessKey = %q, want %q", a.AccessKey, vecAK)
	}
	if got, want := r.Header.Get(aksk.DateHeader), "20260304T040607Z"; got != want {
		t.Errorf("%s = %q, want %q (UTC)", aksk.DateHeader, got, want)
	}
	if r.Header.Get(aksk.ContentSHA256Header) != "" {
		t.Errorf("Sign set %s for a JSON request", aksk.ContentSHA256Header)
	}
	if !aksk.Verify(r, body, a, vecSK) {
		t.Fatal("Verify = false for a freshly signed request")
	}

	tamper := []struct {
		name string
		mod  func(r *http.Request, body []byte, a *aksk.Authorization, sk *string) []byte
	}{
		{"body", func(_ *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			return bytes.Replace(body, []byte("CN"), []byte("RU"), 1)
		}},
		{"body trailing newline dropped", func(_ *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			return bytes.TrimSuffix(body, []byte("\n"))
		}},
		{"signed header", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.Header.Set("X-Project-Id", strings.Repeat("f", 32))
			return body
		}},
		{"signed header removed", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.Header.Del("User-Agent")
			return body
		}},
		{"date", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.Header.Set(aksk.DateHeader, "20260304T040608Z")
			return body
		}},
		{"path", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.URL.Path = strings.Replace(r.URL.Path, "pol-1", "pol-2", 1)
			return body
		}},
		{"query value", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.URL.RawQuery = "enterprise_project_id=1&page=1"
			return body
		}},
		{"query parameter added", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.URL.RawQuery += "&all=true"
			return body
		}},
		{"method", func(r *http.Request, body []byte, _ *aksk.Authorization, _ *string) []byte {
			r.Method = http.MethodPut
			return body
		}},
		{"secret key", func(_ *http.Request, body []byte, _ *aksk.Authorization, sk *string) []byte {
			*sk = strings.Replace(*sk, "1", "2", 1)
			return body
		}},
		{"signed header list", func(_ *http.Request, body []byte, a *aksk.Authorization, _ *string) []byte {
			a.SignedHeaders = a.SignedHeaders[1:]
			return body
		}},
		{"signature", func(_ *http.Request, body []byte, a *aksk.Authorization, _ *string) []byte {
			b := []byte(a.Signature)
			b[10] ^= 1 // '0'<->'1', 'a'<->'`' etc.
			if _, err := hex.DecodeString(string(b)); err != nil {
				b[10] = '0'
				if a.Signature[10] == '0' {
					b[10] = '1'
				}
			}
			a.Signature = string(b)
			return body
		}},
		{"signature not hex", func(_ *http.Request, body []byte, a *aksk.Authorization, _ *string) []byte {
			a.Signature = "zz" + a.Signature[2:]
			return body
		}},
		{"signature too short", func(_ *http.Request, body []byte, a *aksk.Authorization, _ *string) []byte {
			a.Signature = a.Signature[:62]
			return body
		}},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, body := signedRequest(t, now)
			a := mustParse(t, r)
			sk := vecSK
			body = tt.mod(r, body, &a, &sk)
			if aksk.Verify(r, body, a, sk) {
				t.Error("Verify = true after tampering")
			}
		})
	}

	t.Run("unsigned headers may change", func(t *testing.T) {
		t.Parallel()
		r, body := signedRequest(t, now)
		a := mustParse(t, r)
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("Accept-Encoding", "gzip")
		r.Host = "elsewhere:1234"
		if !aksk.Verify(r, body, a, vecSK) {
			t.Error("Verify = false after changing headers that are not signed")
		}
	})
}

func TestSignExclusions(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPut, "/v1/p/x", nil)
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Content-Type-Extra", "x")
	r.Header["X_Under_Score"] = []string{"u"}
	r.Header.Set("Authorization", "Bearer old")
	r.Header.Set("X-Security-Token", "tok")
	aksk.Sign(r, nil, vecAK, vecSK, time.Unix(0, 0))
	a := mustParse(t, r)
	if got, want := strings.Join(a.SignedHeaders, ";"), "x-sdk-content-sha256;x-sdk-date;x-security-token"; got != want {
		t.Errorf("SignedHeaders = %q, want %q", got, want)
	}
	if got := r.Header.Get(aksk.ContentSHA256Header); got != "UNSIGNED-PAYLOAD" {
		t.Errorf("%s = %q, want UNSIGNED-PAYLOAD for a non-JSON content type", aksk.ContentSHA256Header, got)
	}
	if !aksk.Verify(r, []byte("any body"), a, vecSK) {
		t.Error("Verify = false for an UNSIGNED-PAYLOAD request")
	}
	// Signing twice replaces the Authorization header and keeps verifying.
	aksk.Sign(r, nil, vecAK, vecSK, time.Unix(60, 0))
	if n := len(r.Header.Values("Authorization")); n != 1 {
		t.Fatalf("%d Authorization headers after re-signing, want 1", n)
	}
	if !aksk.Verify(r, nil, mustParse(t, r), vecSK) {
		t.Error("Verify = false after re-signing")
	}
}

// TestOverTheWire sends a signed request through a real HTTP client and
// server: the transport adds unsigned headers and the server canonicalises
// header names and decodes the path.
func TestOverTheWire(t *testing.T) {
	t.Parallel()
	var verified bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a, err := aksk.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Errorf("server: %v", err)
			return
		}
		verified = aksk.Verify(r, body, a, vecSK)
	}))
	defer srv.Close()

	body := []byte(`{"name":"a b","white":1}` + "\n")
	r, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/"+vecProject+"/waf/policy/r%2F1%20x/geoip?name=a%20b%2Bc&enterprise_project_id&ids=2&ids=1", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("User-Agent", vecUserAgent)
	r.Header.Set("X-Project-Id", vecProject)
	r.Header.Set("Content-Type", "application/json")
	aksk.Sign(r, body, vecAK, vecSK, time.Now())
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !verified {
		t.Error("server could not verify the request")
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	sig := strings.Repeat("0a", 32)
	ok := []struct {
		name string
		in   string
		want aksk.Authorization
	}{
		{"SDK form", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=" + sig,
			aksk.Authorization{"AK1", []string{"user-agent", "x-project-id", "x-sdk-date"}, sig}},
		{"extra spaces", "  SDK-HMAC-SHA256   Access = AK1 ,SignedHeaders= x-sdk-date ; host ,  Signature =" + sig + "  ",
			aksk.Authorization{"AK1", []string{"x-sdk-date", "host"}, sig}},
		{"tab after algorithm", "SDK-HMAC-SHA256\tAccess=AK1,SignedHeaders=x-sdk-date,Signature=" + sig,
			aksk.Authorization{"AK1", []string{"x-sdk-date"}, sig}},
		{"any order", "SDK-HMAC-SHA256 Signature=" + sig + ", SignedHeaders=x-sdk-date, Access=AK1",
			aksk.Authorization{"AK1", []string{"x-sdk-date"}, sig}},
		{"header order and case kept", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=X-Sdk-Date;b;a, Signature=" + sig,
			aksk.Authorization{"AK1", []string{"X-Sdk-Date", "b", "a"}, sig}},
		{"as many signed headers as allowed", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=" + manyHeaders(aksk.MaxSignedHeaders) + ", Signature=" + sig,
			aksk.Authorization{"AK1", strings.Split(manyHeaders(aksk.MaxSignedHeaders), ";"), sig}},
		{"upper-case hex", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + strings.ToUpper(sig),
			aksk.Authorization{"AK1", []string{"a"}, strings.ToUpper(sig)}},
	}
	for _, tt := range ok {
		t.Run("OK/"+tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := aksk.ParseAuthorization(tt.in)
			if err != nil {
				t.Fatalf("ParseAuthorization(%q): %v", tt.in, err)
			}
			if got.AccessKey != tt.want.AccessKey || got.Signature != tt.want.Signature ||
				strings.Join(got.SignedHeaders, "|") != strings.Join(tt.want.SignedHeaders, "|") {
				t.Errorf("ParseAuthorization(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}

	bad := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", aksk.ErrMalformed},
		{"other algorithm", "SDK-HMAC-SM3 Access=AK1, SignedHeaders=a, Signature=" + sig, aksk.ErrUnsupportedAlgorithm},
		{"derived algorithm", "V11-HMAC-SHA256 Credential=AK1/20250101/r/s, SignedHeaders=a, Signature=" + sig, aksk.ErrUnsupportedAlgorithm},
		{"bearer", "Bearer abc", aksk.ErrUnsupportedAlgorithm},
		{"algorithm lower case", "sdk-hmac-sha256 Access=AK1, SignedHeaders=a, Signature=" + sig, aksk.ErrUnsupportedAlgorithm},
		{"algorithm only", "SDK-HMAC-SHA256", aksk.ErrMalformed},
		{"algorithm and spaces", "SDK-HMAC-SHA256   ", aksk.ErrMalformed},
		{"no algorithm", "Access=AK1,SignedHeaders=a,Signature=" + sig, aksk.ErrMalformed},
		{"no space after algorithm", "SDK-HMAC-SHA256Access=AK1, SignedHeaders=a, Signature=" + sig, aksk.ErrUnsupportedAlgorithm},
		{"missing Access", "SDK-HMAC-SHA256 SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
		{"missing SignedHeaders", "SDK-HMAC-SHA256 Access=AK1, Signature=" + sig, aksk.ErrMalformed},
		{"missing Signature", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a", aksk.ErrMalformed},
		{"empty Access", "SDK-HMAC-SHA256 Access=, SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
		{"empty SignedHeaders", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders= , Signature=" + sig, aksk.ErrMalformed},
		{"empty Signature", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=", aksk.ErrMalformed},
		{"duplicate Access", "SDK-HMAC-SHA256 Access=AK1, Access=AK2, SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
		{"unknown part", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + sig + ", Extra=1", aksk.ErrMalformed},
		{"lower-case part name", "SDK-HMAC-SHA256 access=AK1, SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
		{"part without =", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature", aksk.ErrMalformed},
		{"trailing comma", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + sig + ",", aksk.ErrMalformed},
		{"double comma", "SDK-HMAC-SHA256 Access=AK1,, SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
		{"non-hex signature", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + strings.Repeat("zz", 32), aksk.ErrMalformed},
		{"short signature", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + sig[:62], aksk.ErrMalformed},
		{"long signature", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a, Signature=" + sig + "00", aksk.ErrMalformed},
		{"empty signed header name", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a;;b, Signature=" + sig, aksk.ErrMalformed},
		{"trailing semicolon", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a;b;, Signature=" + sig, aksk.ErrMalformed},
		{"header name with space", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a b, Signature=" + sig, aksk.ErrMalformed},
		{"header name with colon", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a:b, Signature=" + sig, aksk.ErrMalformed},
		{"signed header listed twice", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=a;b;A, Signature=" + sig, aksk.ErrMalformed},
		{"too many signed headers", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=" + manyHeaders(aksk.MaxSignedHeaders+1) + ", Signature=" + sig, aksk.ErrMalformed},
		{"access key with space", "SDK-HMAC-SHA256 Access=A K, SignedHeaders=a, Signature=" + sig, aksk.ErrMalformed},
	}
	for _, tt := range bad {
		t.Run("Err/"+tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := aksk.ParseAuthorization(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseAuthorization(%q) = %+v, %v; want error %v", tt.in, got, err, tt.want)
			}
			if got.AccessKey != "" || got.SignedHeaders != nil || got.Signature != "" {
				t.Errorf("ParseAuthorization(%q) returned %+v with its error, want the zero value", tt.in, got)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	got, err := aksk.ParseDate("20250101T000000Z")
	if want := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("ParseDate = %v, %v; want %v", got, err, want)
	}
	got, err = aksk.ParseDate("20261231T235959Z")
	if want := time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("ParseDate = %v, %v; want %v", got, err, want)
	}
	for _, in := range []string{
		"", "20250101T000000", "20250101T000000z", "20250101 000000Z", "2025-01-01T00:00:00Z",
		"20251301T000000Z", "20250132T000000Z", "20250101T240000Z", "20250101T0000000Z",
		"2025011T0000000Z", "Wed, 01 Jan 2025 00:00:00 GMT", "20250101T00000aZ",
	} {
		if got, err := aksk.ParseDate(in); !errors.Is(err, aksk.ErrMalformedDate) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrMalformedDate", in, got, err)
		}
	}
}

// manyHeaders returns n distinct header names joined with ';'.
func manyHeaders(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = "x-h" + strconv.Itoa(i)
	}
	return strings.Join(names, ";")
}

// A client-supplied X-Sdk-Content-Sha256 that is not UNSIGNED-PAYLOAD must not
// stand in for the body: the header is not signed by the SDK for JSON
// requests, so trusting it would let whoever replays a captured request add
// the original body's hash as that header and send a different body.
func TestContentSHA256HeaderCannotReplaceBody(t *testing.T) {
	t.Parallel()
	r, body := signedRequest(t, time.Now())
	a := mustParse(t, r)
	sum := sha256.Sum256(body)
	r.Header.Set(aksk.ContentSHA256Header, hex.EncodeToString(sum[:]))
	if !aksk.Verify(r, body, a, vecSK) {
		t.Fatal("Verify = false with the body's own hash in the header")
	}
	forged := bytes.Replace(body, []byte("CN"), []byte("RU"), 1)
	if aksk.Verify(r, forged, a, vecSK) {
		t.Fatal("Verify = true for a different body carrying the original body's hash in an unsigned header")
	}
}
