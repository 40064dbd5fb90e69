package httpapi

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
)

// keystoneTime is the timestamp format of Keystone token bodies.
const keystoneTime = "2006-01-02T15:04:05.000000Z"

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// handleTokenCreate handles the "POST /v3/auth/tokens" route: the password
// method, scoped to a project (by id or name) or to the account.
func (s *server) handleTokenCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := s.issuePasswordToken(w, r)
		if !ok {
			return
		}
		body := map[string]any{"token": s.tokenBody(r, tok)}
		w.Header().Set("X-Subject-Token", tok.Token)
		encode(w, http.StatusCreated, body)
	})
}

// passwordTokenRequest is the body of POST /v3/auth/tokens (Keystone's
// password method), which the console's login sends too.
type passwordTokenRequest struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   *struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *idName `json:"project"`
			Domain  *idName `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

// issuePasswordToken reads a password token request, applies the
// per-address limit and issues the token. On failure it writes the IAM
// error and returns false. Both POST /v3/auth/tokens and the console's
// login issue tokens through it.
func (s *server) issuePasswordToken(w http.ResponseWriter, r *http.Request) (*iam.IssuedToken, bool) {
	ri := infoFrom(r.Context())
	ri.route = r.Pattern
	if !s.tokenIPs.allow(clientKey(r)) {
		writeGatewayError(w, r, http.StatusTooManyRequests, iam.CodeThrottled, "The throttling threshold has been reached.")
		return nil, false
	}
	var req passwordTokenRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, familyIAM, withIAMCode(err))
		return nil, false
	}
	fail := func(err error) (*iam.IssuedToken, bool) {
		s.writeError(w, r, familyIAM, err)
		return nil, false
	}
	bad := func(field, msg string) (*iam.IssuedToken, bool) {
		return fail(&rampart.Error{Kind: rampart.KindInvalid, Code: iam.CodeIAMBadRequest, Field: field, Message: msg})
	}
	if req.Auth == nil || req.Auth.Identity == nil {
		return bad("auth.identity", "Invalid input for field 'auth.identity': it is required.")
	}
	id := req.Auth.Identity
	if err := iam.CheckMethods(id.Methods); err != nil {
		return fail(err)
	}
	if id.Password == nil || id.Password.User == nil {
		return bad("auth.identity.password.user", "Invalid input for field 'auth.identity.password.user': it is required.")
	}
	u := id.Password.User
	if u.Domain == nil || (u.Domain.Name == "" && u.Domain.ID == "") {
		return bad("auth.identity.password.user.domain", "Invalid input for field 'auth.identity.password.user.domain': name is required.")
	}
	pa := iam.PasswordAuth{AccountName: u.Domain.Name, UserName: u.Name, Password: u.Password}
	if pa.AccountName == "" {
		acc, err := s.iam.AccountByID(r.Context(), u.Domain.ID)
		if err != nil {
			return fail(&rampart.Error{Kind: rampart.KindUnauthorized, Code: iam.CodeIAMAuthRequired,
				Message: "The request you have made requires authentication."})
		}
		pa.AccountName = acc.Name
	}
	if sc := req.Auth.Scope; sc != nil {
		if sc.Project != nil {
			pa.ScopeProjectID, pa.ScopeProjectName = sc.Project.ID, sc.Project.Name
			if pa.ScopeProjectID == "" && pa.ScopeProjectName == "" {
				return bad("auth.scope.project", "Invalid input for field 'auth.scope.project': id or name is required.")
			}
		} else if sc.Domain != nil {
			pa.ScopeDomainID, pa.ScopeDomainName = sc.Domain.ID, sc.Domain.Name
		}
	}
	tok, err := s.iam.IssueToken(r.Context(), pa)
	if err != nil {
		return fail(err)
	}
	if tok.Project != nil {
		ri.projectID = tok.Project.ID
	}
	return tok, true
}

// withIAMCode gives decoding errors the IAM bad-request code, keeping
// gateway codes (body too large) as they are.
func withIAMCode(err error) error {
	e := rampart.AsError(err)
	if e.Code == "" {
		return e.WithCode(iam.CodeIAMBadRequest)
	}
	return e
}

// tokenBody is the Keystone token object.
func (s *server) tokenBody(r *http.Request, tok *iam.IssuedToken) map[string]any {
	acc := idName{ID: tok.Account.ID, Name: tok.Account.Name}
	t := map[string]any{
		"methods":    []string{"password"},
		"expires_at": tok.Record.ExpiresAt.UTC().Format(keystoneTime),
		"issued_at":  tok.Record.IssuedAt.UTC().Format(keystoneTime),
		"user": map[string]any{
			"id":                  tok.User.ID,
			"name":                tok.User.Name,
			"domain":              acc,
			"password_expires_at": "",
		},
		"roles": []idName{{ID: "0", Name: "te_admin"}, {ID: "1", Name: "op_service"}},
	}
	region := ""
	if tok.Project != nil {
		region = tok.Project.Name
		t["project"] = map[string]any{"id": tok.Project.ID, "name": tok.Project.Name, "domain": acc}
	} else {
		t["domain"] = acc
	}
	if r.URL.Query().Get("nocatalog") == "" {
		t["catalog"] = s.catalog(r, region, tok.Record.ProjectID)
	}
	return t
}

// catalog names this server's endpoints for every service it implements.
func (s *server) catalog(r *http.Request, region, projectID string) []map[string]any {
	base := s.cfg.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	base = strings.TrimRight(base, "/")
	services := []struct{ typ, name, path string }{
		{"identity", "iam", "/v3"},
		{"waf", "waf", "/v1/" + projectID},
		{"secmaster", "secmaster", "/v1/" + projectID},
		{"workspace", "workspace", "/v2/" + projectID},
	}
	out := make([]map[string]any, 0, len(services))
	for i, sv := range services {
		url := base + sv.path
		if projectID == "" && sv.typ != "identity" {
			url = base
		}
		out = append(out, map[string]any{
			"type": sv.typ,
			"id":   catalogID(i),
			"name": sv.name,
			"endpoints": []map[string]string{{
				"id":        catalogID(i) + "e",
				"interface": "public",
				"region":    region,
				"region_id": region,
				"url":       url,
			}},
		})
	}
	return out
}

func catalogID(i int) string { return "rampart-" + string(rune('a'+i)) }

// handleTokenRevoke handles the "DELETE /v3/auth/tokens" route: revokes the
// token in X-Subject-Token. Callers may revoke their own tokens; the account
// administrator any token of the account.
func (s *server) handleTokenRevoke() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := rampart.PrincipalFromContext(r.Context())
		subject := r.Header.Get("X-Subject-Token")
		if subject == "" {
			s.writeError(w, r, familyIAM, &rampart.Error{Kind: rampart.KindInvalid, Code: "IAM.0009",
				Message: "X-Subject-Token is invalid in the request."})
			return
		}
		if err := s.iam.RevokeSubjectToken(r.Context(), caller, subject); err != nil {
			s.writeError(w, r, familyIAM, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleProjectList handles the "GET /v3/projects" route: the projects the
// caller may act on, optionally filtered by name, in the shape the SDK's
// project-ID discovery expects.
func (s *server) handleProjectList() http.Handler {
	type link = keystoneListLinks
	type project struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DomainID    string `json:"domain_id"`
		ParentID    string `json:"parent_id"`
		Description string `json:"description"`
		Enabled     bool   `json:"enabled"`
		IsDomain    bool   `json:"is_domain"`
		Links       link   `json:"links"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := rampart.PrincipalFromContext(r.Context())
		q := r.URL.Query()
		if d := q.Get("domain_id"); d != "" && d != p.AccountID {
			encode(w, http.StatusOK, map[string]any{"links": link{Self: selfURL(r)}, "projects": []project{}})
			return
		}
		ps, err := s.iam.ListProjects(r.Context(), p, q.Get("name"))
		if err != nil {
			s.writeError(w, r, familyIAM, err)
			return
		}
		out := make([]project, 0, len(ps))
		for _, pr := range ps {
			if v := q.Get("enabled"); v != "" && (v == "true") != pr.Enabled {
				continue
			}
			out = append(out, project{
				ID: pr.ID, Name: pr.Name, DomainID: pr.AccountID, ParentID: pr.AccountID,
				Description: pr.Description, Enabled: pr.Enabled,
				Links: link{Self: "/v3/projects/" + pr.ID},
			})
		}
		encode(w, http.StatusOK, map[string]any{"links": link{Self: selfURL(r)}, "projects": out})
	})
}

func selfURL(r *http.Request) string { return r.URL.RequestURI() }

// keystoneListLinks is the "links" object of a Keystone list: Rampart's
// lists fit one page, so previous and next are always null.
type keystoneListLinks struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}
