package sdktest

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/httphandler"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

func TestCredentialsFile(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	path := filepath.Join(s.DataDir, "credentials.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("credentials.json mode = %v, want -rw-------", got)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("credentials.json: %v\n%s", err, data)
	}
	want := map[string]string{
		"account":      s.Account,
		"user":         "admin",
		"password":     s.Password,
		"access_key":   s.AccessKey,
		"secret_key":   s.SecretKey,
		"project_id":   s.ProjectID,
		"project_name": s.ProjectName,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("credentials.json %s = %v, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"account_id", "user_id"} {
		if v, _ := got[k].(string); v == "" {
			t.Errorf("credentials.json %s = %v, want a non-empty string", k, got[k])
		}
	}
}

// TestPasswordToken: KeystoneCreateUserTokenByPassword through the SDK with
// no credentials, for each scope the SDK's model can express.
func TestPasswordToken(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	tests := []struct {
		name  string
		scope Scope
	}{
		{"project by name", Scope{ProjectName: s.ProjectName}},
		{"project by id", Scope{ProjectID: s.ProjectID}},
		{"domain by name", Scope{DomainName: s.Account}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now()
			resp, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(s.PasswordTokenRequest(s.Password, tt.scope))
			if err != nil {
				t.Fatalf("KeystoneCreateUserTokenByPassword: %v", err)
			}
			if resp.HttpStatusCode != http.StatusCreated {
				t.Errorf("status = %d, want 201", resp.HttpStatusCode)
			}
			if resp.XSubjectToken == nil || *resp.XSubjectToken == "" {
				t.Error("no token in X-Subject-Token")
			}
			tok := resp.Token
			if tok == nil {
				t.Fatal("response has no token object")
			}
			checkExpiry(t, tok.ExpiresAt, before, 24*time.Hour)
			if tok.User == nil || tok.User.Name != "admin" {
				t.Errorf("token.user = %+v, want name admin", tok.User)
			}
			if len(tok.Catalog) == 0 {
				t.Error("token.catalog is empty")
			}
			if len(tok.Methods) != 1 || tok.Methods[0] != "password" {
				t.Errorf("token.methods = %v, want [password]", tok.Methods)
			}
			if tt.scope.DomainName != "" {
				if tok.Domain == nil || tok.Domain.Name != s.Account {
					t.Errorf("token.domain = %+v, want name %q", tok.Domain, s.Account)
				}
				if tok.Project != nil {
					t.Errorf("domain-scoped token has project %+v", tok.Project)
				}
				return
			}
			if tok.Project == nil || tok.Project.Id != s.ProjectID || tok.Project.Name != s.ProjectName {
				t.Errorf("token.project = %+v, want id %s name %s", tok.Project, s.ProjectID, s.ProjectName)
			}
		})
	}

	t.Run("nocatalog", func(t *testing.T) {
		t.Parallel()
		req := s.PasswordTokenRequest(s.Password, Scope{ProjectID: s.ProjectID})
		yes := "true"
		req.Nocatalog = &yes
		resp, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(req)
		if err != nil {
			t.Fatalf("KeystoneCreateUserTokenByPassword: %v", err)
		}
		if resp.Token == nil || len(resp.Token.Catalog) != 0 {
			t.Errorf("nocatalog=true: catalog = %+v, want none", resp.Token)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		_, err := s.NoAuthIAM(t).KeystoneCreateUserTokenByPassword(
			s.PasswordTokenRequest(s.Password+"x", Scope{ProjectName: s.ProjectName}))
		WantServiceError(t, err, http.StatusUnauthorized, "")
	})
}

// checkExpiry checks that expiresAt (RFC 3339) lies about ttl after issue.
func checkExpiry(t testing.TB, expiresAt string, issued time.Time, ttl time.Duration) time.Time {
	t.Helper()
	exp, err := time.Parse(time.RFC3339Nano, expiresAt)
	if err != nil {
		t.Errorf("token.expires_at %q: %v", expiresAt, err)
		return time.Time{}
	}
	lo, hi := issued.Add(ttl-5*time.Second), time.Now().Add(ttl+5*time.Second)
	if exp.Before(lo) || exp.After(hi) {
		t.Errorf("token.expires_at = %s, want about %s from now", expiresAt, ttl)
	}
	return exp
}

func projectNames(ps *[]iammodel.ProjectResult) []string {
	if ps == nil {
		return nil
	}
	var names []string
	for _, p := range *ps {
		names = append(names, p.Name+"="+p.Id)
	}
	return names
}

func TestListProjects(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	client := s.IAM(t, s.Credentials(t))
	unknown := "no-such-project"
	tests := []struct {
		name     string
		filter   *string
		wantBoot bool
	}{
		{"all", nil, true},
		{"by name", &s.ProjectName, true},
		{"unknown name", &unknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := client.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: tt.filter})
			if err != nil {
				t.Fatalf("KeystoneListProjects: %v", err)
			}
			if resp.HttpStatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.HttpStatusCode)
			}
			if resp.Projects == nil {
				t.Fatal(`response has no "projects" array`)
			}
			found := false
			for _, p := range *resp.Projects {
				if p.Id == s.ProjectID {
					found = true
					if p.Name != s.ProjectName || !p.Enabled {
						t.Errorf("bootstrap project = %+v, want name %s, enabled", p, s.ProjectName)
					}
				}
			}
			if tt.wantBoot && !found {
				t.Errorf("projects %v lack the bootstrap project %s", projectNames(resp.Projects), s.ProjectID)
			}
			if tt.filter != nil && !tt.wantBoot && len(*resp.Projects) != 0 {
				t.Errorf("filter %q: projects = %v, want none", *tt.filter, projectNames(resp.Projects))
			}
			if tt.filter != nil && tt.wantBoot && len(*resp.Projects) != 1 {
				t.Errorf("filter %q: projects = %v, want exactly one (the SDK's project lookup needs that)", *tt.filter, projectNames(resp.Projects))
			}
		})
	}
}

// requestLog records the requests the SDK sends, through its HTTP handler
// hook.
type requestLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (l *requestLog) add(r http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, &r)
}

func (l *requestLog) all() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.reqs...)
}

// TestProjectIDDiscovery: credentials without a project ID and a region make
// the SDK look the project up by region name with GET /v3/projects?name=…
// during SafeBuild, then use it for every call.
func TestProjectIDDiscovery(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	var log requestLog
	cfg := HTTPConfig().WithHttpHandler(httphandler.NewHttpHandler().AddRequestHandler(log.add))
	cred, err := basic.NewCredentialsBuilder().
		WithAk(s.AccessKey).WithSk(s.SecretKey).WithIamEndpointOverride(s.URL).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().
		WithRegion(region.NewRegion(s.ProjectName, s.URL)).
		WithCredential(cred).WithHttpConfig(cfg).SafeBuild()
	if err != nil {
		t.Fatalf("SafeBuild with project lookup: %v", err)
	}
	if cred.ProjectId != s.ProjectID {
		t.Errorf("discovered project ID = %q, want %q", cred.ProjectId, s.ProjectID)
	}
	reqs := log.all()
	if len(reqs) != 1 || reqs[0].URL.Path != "/v3/projects" || reqs[0].URL.Query().Get("name") != s.ProjectName {
		for _, r := range reqs {
			t.Logf("sent %s %s", r.Method, r.URL)
		}
		t.Errorf("SafeBuild sent %d requests, want one GET /v3/projects?name=%s", len(reqs), s.ProjectName)
	}

	resp, err := iam.NewIamClient(hc).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{})
	if err != nil {
		t.Fatalf("KeystoneListProjects after discovery: %v", err)
	}
	if resp.Projects == nil || len(*resp.Projects) == 0 {
		t.Errorf("projects = %v, want the bootstrap project", projectNames(resp.Projects))
	}
	reqs = log.all()
	last := reqs[len(reqs)-1]
	if got := last.Header.Get("X-Project-Id"); got != s.ProjectID {
		t.Errorf("later call sent X-Project-Id %q, want %q", got, s.ProjectID)
	}
	if !strings.Contains(last.Header.Get("Authorization"), "x-project-id") {
		t.Errorf("later call did not sign X-Project-Id: %s", last.Header.Get("Authorization"))
	}
}

// TestAuthDomains: the SDK's global credentials built without a domain ID
// discover it with GET /v3/auth/domains (as Terraform's provider does at
// every start), and KeystoneListAuthDomains lists the caller's account.
func TestAuthDomains(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	data, err := os.ReadFile(filepath.Join(s.DataDir, "credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	var creds struct {
		AccountID string `json:"account_id"`
	}
	if err := json.Unmarshal(data, &creds); err != nil || creds.AccountID == "" {
		t.Fatalf("credentials.json account_id: %v\n%s", err, data)
	}
	cred, err := global.NewCredentialsBuilder().
		WithAk(s.AccessKey).WithSk(s.SecretKey).WithIamEndpointOverride(s.URL).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().
		WithRegion(region.NewRegion(s.ProjectName, s.URL)).
		WithCredential(cred).WithHttpConfig(HTTPConfig()).SafeBuild()
	if err != nil {
		t.Fatalf("SafeBuild with domain lookup: %v", err)
	}
	if cred.DomainId != creds.AccountID {
		t.Errorf("discovered domain ID = %q, want the account's %q", cred.DomainId, creds.AccountID)
	}
	resp, err := iam.NewIamClient(hc).KeystoneListAuthDomains(&iammodel.KeystoneListAuthDomainsRequest{})
	if err != nil {
		t.Fatalf("KeystoneListAuthDomains: %v", err)
	}
	if resp.Domains == nil || len(*resp.Domains) != 1 {
		t.Fatalf("domains = %v, want the caller's account alone", resp.Domains)
	}
	d := (*resp.Domains)[0]
	if d.Id != creds.AccountID || d.Name != s.Account || !d.Enabled {
		t.Errorf("domain = %+v, want id %s, name %s, enabled", d, creds.AccountID, s.Account)
	}
}
