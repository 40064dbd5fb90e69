package sdktest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	core "github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// userAgent is the SDK user agent suffix the tests configure. Setting one
// also stops the SDK from writing ~/.huaweicloud/application_id.
const userAgent = "rampart-sdktest"

// sdkUserAgent is the User-Agent the SDK sends with that configuration.
const sdkUserAgent = "huaweicloud-usdk-go/3.0; " + userAgent

// HTTPConfig returns the SDK HTTP configuration the tests use.
func HTTPConfig() *config.HttpConfig {
	return config.DefaultHttpConfig().WithUserAgent(userAgent).WithTimeout(30 * time.Second)
}

// Credentials returns the server's bootstrap AK/SK with its project ID.
func (s *Server) Credentials(t testing.TB) *basic.Credentials {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().
		WithAk(s.AccessKey).WithSk(s.SecretKey).WithProjectId(s.ProjectID).SafeBuild()
	if err != nil {
		t.Fatalf("build credentials: %v", err)
	}
	return cred
}

// Client finishes a service's client builder against the server, e.g.
//
//	waf.NewWafClient(s.Client(t, waf.WafClientBuilder(), s.Credentials(t)))
func (s *Server) Client(t testing.TB, b *core.HcHttpClientBuilder, cred auth.ICredential) *core.HcHttpClient {
	t.Helper()
	hc, err := b.WithEndpoints([]string{s.URL}).WithCredential(cred).WithHttpConfig(HTTPConfig()).SafeBuild()
	if err != nil {
		t.Fatalf("build SDK client: %v", err)
	}
	return hc
}

// IAM returns an IAM client authenticating with cred.
func (s *Server) IAM(t testing.TB, cred auth.ICredential) *iam.IamClient {
	t.Helper()
	return iam.NewIamClient(s.Client(t, iam.IamClientBuilder(), cred))
}

// NoAuthIAM returns an IAM client that sends no credentials, as used for the
// password token call.
func (s *Server) NoAuthIAM(t testing.TB) *iam.IamClient {
	t.Helper()
	return s.IAM(t, iam.NewIamCredentialsBuilder().Build())
}

// TokenIAM returns an IAM client that sends token as X-Auth-Token.
func (s *Server) TokenIAM(t testing.TB, token string) *iam.IamClient {
	t.Helper()
	return s.IAM(t, iam.NewIamCredentialsBuilder().WithXAuthToken(token).Build())
}

// Scope is the scope of a password token request.
type Scope struct {
	ProjectName, ProjectID, DomainName, DomainID string
}

// PasswordTokenRequest returns the SDK request for a password token of the
// bootstrap user with the given password and scope.
func (s *Server) PasswordTokenRequest(password string, scope Scope) *iammodel.KeystoneCreateUserTokenByPasswordRequest {
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	sc := &iammodel.AuthScope{}
	if scope.ProjectName != "" || scope.ProjectID != "" {
		sc.Project = &iammodel.AuthScopeProject{Name: opt(scope.ProjectName), Id: opt(scope.ProjectID)}
	}
	if scope.DomainName != "" || scope.DomainID != "" {
		sc.Domain = &iammodel.AuthScopeDomain{Name: opt(scope.DomainName), Id: opt(scope.DomainID)}
	}
	return &iammodel.KeystoneCreateUserTokenByPasswordRequest{
		Body: &iammodel.KeystoneCreateUserTokenByPasswordRequestBody{
			Auth: &iammodel.PwdAuth{
				Identity: &iammodel.PwdIdentity{
					Methods: []iammodel.PwdIdentityMethods{iammodel.GetPwdIdentityMethodsEnum().PASSWORD},
					Password: &iammodel.PwdPassword{User: &iammodel.PwdPasswordUser{
						Domain:   &iammodel.PwdPasswordUserDomain{Name: s.Account},
						Name:     s.User,
						Password: password,
					}},
				},
				Scope: sc,
			},
		},
	}
}

// Token returns a project-scoped token for the bootstrap user.
func (s *Server) Token(t testing.TB) string {
	t.Helper()
	resp, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(
		s.PasswordTokenRequest(s.Password, Scope{ProjectName: s.ProjectName}))
	if err != nil {
		t.Fatalf("KeystoneCreateUserTokenByPassword: %v", err)
	}
	if resp.XSubjectToken == nil || *resp.XSubjectToken == "" {
		t.Fatal("KeystoneCreateUserTokenByPassword: no X-Subject-Token")
	}
	return *resp.XSubjectToken
}

// ServiceError asserts that err is the SDK's error for an HTTP error status
// and returns it.
func ServiceError(t testing.TB, err error) *sdkerr.ServiceResponseError {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded, want an error response")
	}
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v is not a *sdkerr.ServiceResponseError", err, err)
	}
	return se
}

// WantServiceError asserts err is an SDK error response with the given
// status and error code (code "" skips that check) and a request ID.
func WantServiceError(t testing.TB, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	se := ServiceError(t, err)
	if se.StatusCode != status || (code != "" && se.ErrorCode != code) {
		t.Errorf("error = %d %q (%s), want %d %q", se.StatusCode, se.ErrorCode, se.ErrorMessage, status, code)
	}
	if se.RequestId == "" {
		t.Errorf("error %d %s has no request ID (X-Request-Id)", se.StatusCode, se.ErrorCode)
	}
	return se
}

// RawRequest describes a request to sign with the SDK's own signer, for
// endpoints or situations the SDK's generated clients do not cover.
type RawRequest struct {
	Method string
	Path   string            // literal path, e.g. "/v1/<project>/waf/policy"
	Query  map[string]any    // values as the SDK takes them: strings, ints, slices
	Header map[string]string // extra headers; they are signed, as SDK extra headers are
	Body   any               // JSON-encoded like the SDK does (trailing newline); a string is sent as is

	AccessKey, SecretKey string    // default: the server's
	Date                 time.Time // signing time; default now
	NoProjectHeader      bool      // do not send X-Project-Id
}

// NewSignedRequest builds req with the SDK's request builder and signs it
// with the SDK's SDK-HMAC-SHA256 signer, with the headers the SDK itself
// adds (User-Agent, X-Project-Id, Content-Type, X-Sdk-Date).
func (s *Server) NewSignedRequest(t testing.TB, req RawRequest) *http.Request {
	t.Helper()
	ak, sk := req.AccessKey, req.SecretKey
	if ak == "" {
		ak = s.AccessKey
	}
	if sk == "" {
		sk = s.SecretKey
	}
	b := request.NewHttpRequestBuilder().WithEndpoint(s.URL).WithMethod(req.Method).WithPath(req.Path)
	for k, v := range req.Query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	b.AddHeaderParam("User-Agent", sdkUserAgent)
	b.AddHeaderParam("Content-Type", "application/json")
	if !req.NoProjectHeader {
		b.AddHeaderParam("X-Project-Id", s.ProjectID)
	}
	for k, v := range req.Header {
		b.AddHeaderParam(k, v)
	}
	if !req.Date.IsZero() {
		b.AddHeaderParam(signer.HeaderXDate, req.Date.UTC().Format(signer.BasicDateFormat))
	}
	if req.Body != nil {
		b.WithBody("body", req.Body)
	}
	dr := b.Build()
	extra, err := signer.Sign(dr, ak, sk)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	for k, v := range extra {
		dr.AddHeaderParam(k, v)
	}
	hr, err := dr.ConvertRequest()
	if err != nil {
		t.Fatalf("convert request: %v", err)
	}
	return hr
}

// Response is a raw response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// APIError is the gateway error body {"error_code","error_msg","request_id"}.
type APIError struct {
	Code      string `json:"error_code"`
	Message   string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// Error decodes the body as a gateway error.
func (r *Response) Error(t testing.TB) APIError {
	t.Helper()
	var e APIError
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.Body, err)
	}
	return e
}

// WantError asserts the response is an error with the given status and
// gateway error code, carrying X-Request-Id.
func (r *Response) WantError(t testing.TB, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if e := r.Error(t); e.Code != code {
		t.Errorf("error_code = %q (%s), want %q", e.Code, e.Message, code)
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Errorf("%d response has no X-Request-Id", r.Status)
	}
}

// Do sends req and reads the response.
func Do(t testing.TB, req *http.Request) *Response {
	t.Helper()
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// DoSigned signs req with the SDK signer, sends it and reads the response.
func (s *Server) DoSigned(t testing.TB, req RawRequest) *Response {
	t.Helper()
	return Do(t, s.NewSignedRequest(t, req))
}
