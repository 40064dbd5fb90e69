package sdktest

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// TestSDKSignerVectors pins the SDK-HMAC-SHA256 test vectors that the
// server's verifier is tested with (internal/aksk) to the signer of the SDK
// version this module requires: if an SDK upgrade changed the signature,
// this fails before any server test does.
func TestSDKSignerVectors(t *testing.T) {
	t.Parallel()
	const (
		ak      = "TESTAK0000000000"
		sk      = "TESTSK1111111111111111111111111111111111"
		project = "0123456789abcdef0123456789abcdef"
	)
	tests := []struct {
		name      string
		method    string
		path      string
		query     map[string]any
		body      any
		wantQuery string // raw query on the wire
		wantSig   string
	}{
		{
			name:   "V1",
			method: http.MethodPost,
			path:   "/v1/" + project + "/waf/policy/pol-1/geoip",
			query:  map[string]any{"enterprise_project_id": "0"},
			body: struct {
				Name  string `json:"name"`
				Geoip string `json:"geoip"`
				White int    `json:"white"`
			}{"geo1", "CN|US", 0}, // encoded as {"name":"geo1","geoip":"CN|US","white":0}\n
			wantQuery: "enterprise_project_id=0",
			wantSig:   "0863ae4fdac3ac4347b3bdec871137b80a4f7001f34722c6950ee7a598651c82",
		},
		{
			name:      "V2",
			method:    http.MethodGet,
			path:      "/v1/" + project + "/waf/policy/a b",
			query:     map[string]any{"enterprise_project_id": "", "name": "a b+c/d=é", "policyids": []string{"p2", "p1"}},
			wantQuery: "enterprise_project_id&name=a%20b%2Bc%2Fd%3D%C3%A9&policyids=p2&policyids=p1",
			wantSig:   "1e5818a929d4dc59ca643138fd5e1d8ddd818d255e1ad1b6a885956181c5630f",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := request.NewHttpRequestBuilder().WithEndpoint("http://127.0.0.1:1").
				WithMethod(tt.method).WithPath(tt.path).
				AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0; test").
				AddHeaderParam("X-Project-Id", project).
				AddHeaderParam("Content-Type", "application/json").
				AddHeaderParam(signer.HeaderXDate, "20250101T000000Z")
			for k, v := range tt.query {
				b.AddQueryParam(k, reflect.ValueOf(v))
			}
			if tt.body != nil {
				b.WithBody("body", tt.body)
			}
			dr := b.Build()
			extra, err := signer.Sign(dr, ak, sk)
			if err != nil {
				t.Fatal(err)
			}
			want := "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=" + tt.wantSig
			if got := extra[signer.HeaderAuthorization]; got != want {
				t.Errorf("Authorization:\n got %s\nwant %s", got, want)
			}
			for k, v := range extra {
				dr.AddHeaderParam(k, v)
			}
			hr, err := dr.ConvertRequest()
			if err != nil {
				t.Fatal(err)
			}
			if hr.URL.RawQuery != tt.wantQuery {
				t.Errorf("wire query = %q, want %q", hr.URL.RawQuery, tt.wantQuery)
			}
		})
	}
}
