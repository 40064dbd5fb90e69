package sdktest

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// Gateway error codes (Huawei APIG).
const (
	codeAuthFailed   = "APIGW.0301" // bad AK/SK signature, unknown AK, locked AK, bad token
	codeForbidden    = "APIGW.0302" // authenticated but not allowed
	codeTokenExpired = "APIGW.0307"
	codeNoSuchAPI    = "APIGW.0101"
)

// TestRawSignedRequest checks the raw SDK-signer helper against a route the
// SDK also covers, so that failures elsewhere are the server's.
func TestRawSignedRequest(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", Query: map[string]any{"name": s.ProjectName}})
	if resp.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.Status, resp.Body)
	}
	var body struct {
		Projects []struct{ ID, Name string }
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Projects) != 1 || body.Projects[0].ID != s.ProjectID {
		t.Errorf("projects = %+v, want the bootstrap project", body.Projects)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("200 response has no X-Request-Id")
	}
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	projects := &iammodel.KeystoneListProjectsRequest{}

	// At most four bad signatures for the server's AK in this test, so the
	// lockout (after five) never triggers here.
	t.Run("wrong secret key", func(t *testing.T) {
		t.Parallel()
		cred, err := basic.NewCredentialsBuilder().
			WithAk(s.AccessKey).WithSk(randomString(t, 40, alnum)).WithProjectId(s.ProjectID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.IAM(t, cred).KeystoneListProjects(projects)
		WantServiceError(t, err, http.StatusUnauthorized, codeAuthFailed)
	})
	t.Run("unknown access key", func(t *testing.T) {
		t.Parallel()
		cred, err := basic.NewCredentialsBuilder().
			WithAk(randomString(t, 20, upperAlnum)).WithSk(s.SecretKey).WithProjectId(s.ProjectID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.IAM(t, cred).KeystoneListProjects(projects)
		WantServiceError(t, err, http.StatusUnauthorized, codeAuthFailed)
	})
	t.Run("stale date", func(t *testing.T) {
		t.Parallel()
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", Date: time.Now().Add(-20 * time.Minute)})
		resp.WantError(t, http.StatusUnauthorized, codeAuthFailed)
	})
	t.Run("future date", func(t *testing.T) {
		t.Parallel()
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", Date: time.Now().Add(20 * time.Minute)})
		resp.WantError(t, http.StatusUnauthorized, codeAuthFailed)
	})
	t.Run("date within skew", func(t *testing.T) {
		t.Parallel()
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", Date: time.Now().Add(-5 * time.Minute)})
		if resp.Status != http.StatusOK {
			t.Errorf("status = %d, want 200; body %s", resp.Status, resp.Body)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequest(http.MethodGet, s.URL+"/v3/projects", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := Do(t, req)
		if resp.Status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401; body %s", resp.Status, resp.Body)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Error("401 response has no X-Request-Id")
		}
	})
	t.Run("another project in the path", func(t *testing.T) {
		t.Parallel()
		other := randomString(t, 32, lowerHex)
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v2/" + other + "/access-policy"})
		resp.WantError(t, http.StatusForbidden, codeForbidden)
	})
	t.Run("unknown route", func(t *testing.T) {
		t.Parallel()
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v1/" + s.ProjectID + "/no-such-api"})
		resp.WantError(t, http.StatusNotFound, codeNoSuchAPI)
	})
}

// TestTokenExpiry: a token works on GET /v3/projects until it expires, then
// yields 401 APIGW.0307.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	const ttl = 2 * time.Second
	s := StartServer(t, WithTokenTTL(ttl))
	before := time.Now()
	resp, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(
		s.PasswordTokenRequest(s.Password, Scope{ProjectName: s.ProjectName}))
	if err != nil {
		t.Fatalf("KeystoneCreateUserTokenByPassword: %v", err)
	}
	exp := checkExpiry(t, resp.Token.ExpiresAt, before, ttl)
	client := s.TokenIAM(t, *resp.XSubjectToken)

	list, err := client.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
	if err != nil {
		t.Fatalf("KeystoneListProjects with a fresh token: %v", err)
	}
	if list.Projects == nil || len(*list.Projects) == 0 {
		t.Errorf("projects = %v, want the bootstrap project", projectNames(list.Projects))
	}

	if exp.IsZero() {
		exp = before.Add(ttl)
	}
	time.Sleep(time.Until(exp) + time.Second)
	_, err = client.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
	WantServiceError(t, err, http.StatusUnauthorized, codeTokenExpired)

	t.Run("garbage token", func(t *testing.T) {
		_, err := s.TokenIAM(t, "not-a-token").KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
		WantServiceError(t, err, http.StatusUnauthorized, "")
	})
}

// TestLockout: after five consecutive bad signatures for an AK, even a
// correctly signed request with that AK is refused.
func TestLockout(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	wrongSK := randomString(t, 40, alnum)
	for i := 1; i <= 5; i++ {
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", SecretKey: wrongSK})
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("bad signature %d: status %d, want 401; body %s", i, resp.Status, resp.Body)
		}
	}
	resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects"})
	resp.WantError(t, http.StatusUnauthorized, codeAuthFailed)

	_, err := s.IAM(t, s.Credentials(t)).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
	WantServiceError(t, err, http.StatusUnauthorized, codeAuthFailed)
}

// TestLockoutSurvivesKill: a user locked by wrong passwords and an access
// key locked by bad signatures stay locked after the server is killed with
// SIGKILL and started again on the same data directory.
func TestLockoutSurvivesKill(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	wrongSK := randomString(t, 40, alnum)
	for i := 1; i <= 5; i++ {
		_, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(s.PasswordTokenRequest("wrong-"+s.Password, Scope{ProjectName: s.ProjectName}))
		WantServiceError(t, err, http.StatusUnauthorized, "IAM.0062")
		resp := s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects", SecretKey: wrongSK})
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("bad signature %d: status %d, want 401; body %s", i, resp.Status, resp.Body)
		}
	}

	s.Kill()
	s.Restart(t)

	_, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(s.PasswordTokenRequest(s.Password, Scope{ProjectName: s.ProjectName}))
	WantServiceError(t, err, http.StatusUnauthorized, "IAM.0061")
	_, err = s.IAM(t, s.Credentials(t)).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
	if se := WantServiceError(t, err, http.StatusUnauthorized, codeAuthFailed); !strings.Contains(se.ErrorMessage, "limit") {
		t.Fatalf("right signature after the restart: %q, want the locked-key refusal", se.ErrorMessage)
	}
}

// TestGracefulShutdown: SIGTERM stops the server with exit status 0, and
// with RAMPART_LOG_FORMAT=json every line on stderr is a JSON object.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.DoSigned(t, RawRequest{Method: http.MethodGet, Path: "/v3/projects"})
	if err := s.Stop(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(s.Stderr()))
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		lines++
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Errorf("stderr line is not a JSON object: %s", line)
		}
	}
	if lines == 0 {
		t.Error("server logged nothing on stderr")
	}
}
