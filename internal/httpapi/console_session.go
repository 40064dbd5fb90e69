package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
)

// ConsoleCookie is the cookie that holds a console session's IAM token:
// HttpOnly (the page's scripts cannot read it), SameSite=Strict, Secure
// when the API is served over TLS, expiring with the token.
const ConsoleCookie = rampart.ConsoleCookie

// ConsoleHeader is the header the console sends with every API call. The
// session cookie is a credential only beside it, and only from the
// console's own origin: a page of another site cannot add a custom header
// to a cross-origin request without a CORS preflight, which Rampart never
// grants, so it cannot make the browser use the cookie (CSRF).
const ConsoleHeader = "X-Rampart-Console"

// consoleCredential returns the token of the console session cookie when
// the request may use it. found is false when the request carries no
// session cookie; err refuses a cookie sent without ConsoleHeader or from
// another origin.
func (s *server) consoleCredential(r *http.Request) (token string, found bool, err error) {
	c, cerr := r.Cookie(ConsoleCookie)
	if cerr != nil || c.Value == "" {
		return "", false, nil
	}
	if err := s.checkConsoleRequest(r); err != nil {
		return "", true, err
	}
	return c.Value, true, nil
}

// checkConsoleRequest refuses a console request (a login, or an API call
// with the session cookie) without ConsoleHeader, or whose Origin or
// Sec-Fetch-Site names another site.
func (s *server) checkConsoleRequest(r *http.Request) error {
	if r.Header.Get(ConsoleHeader) != "1" {
		return &rampart.Error{Kind: rampart.KindUnauthorized, Code: iam.CodeAuthFailed,
			Message: "Incorrect IAM authentication information: the console session cookie is accepted only with the " + ConsoleHeader + ": 1 header."}
	}
	crossSite := &rampart.Error{Kind: rampart.KindForbidden, Code: iam.CodeForbidden,
		Message: "The console session is accepted only from the console's own origin."}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return crossSite
	}
	if origin := r.Header.Get("Origin"); origin != "" && !s.sameOrigin(r, origin) {
		return crossSite
	}
	return nil
}

// sameOrigin reports whether origin is the API's own: the scheme and host
// the request came to, or those of the configured public URL.
func (s *server) sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if s.cfg.PublicURL != "" {
		pub, err := url.Parse(s.cfg.PublicURL)
		return err == nil && strings.EqualFold(u.Scheme, pub.Scheme) && strings.EqualFold(u.Host, pub.Host)
	}
	return false
}

// secureCookies reports whether the session cookie is sent only over TLS:
// when the API is served over TLS, directly or behind a public https URL.
func (s *server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(strings.ToLower(s.cfg.PublicURL), "https://")
}

// sessionCookie is the console session cookie holding token until expires;
// a zero expires clears the cookie.
func (s *server) sessionCookie(r *http.Request, token string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: ConsoleCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteStrictMode}
	if expires.IsZero() {
		c.MaxAge = -1
		c.Expires = time.Unix(1, 0)
	} else {
		c.Expires = expires
		c.MaxAge = max(1, int(time.Until(expires).Seconds()))
	}
	return c
}

// handleConsoleLogin handles "POST /console/api/session": the body of POST
// /v3/auth/tokens (password method) through the same token issuance; the
// token goes into the session cookie and never into the answer, whose body
// is the Keystone token object without the catalog.
func (s *server) handleConsoleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkConsoleRequest(r); err != nil {
			infoFrom(r.Context()).route = r.Pattern
			s.writeError(w, r, familyIAM, err)
			return
		}
		tok, ok := s.issuePasswordToken(w, r)
		if !ok {
			return
		}
		body := s.tokenBody(r, tok)
		delete(body, "catalog")
		http.SetCookie(w, s.sessionCookie(r, tok.Token, tok.Record.ExpiresAt))
		w.Header().Set("Cache-Control", "no-store")
		encode(w, http.StatusCreated, map[string]any{"token": body})
	})
}

// handleConsoleSession handles "GET /console/api/session": who the caller
// is, so the console knows whether its session is still valid.
func (s *server) handleConsoleSession() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := rampart.PrincipalFromContext(r.Context())
		session := map[string]any{
			"user":   idName{ID: p.UserID, Name: p.UserName},
			"domain": idName{ID: p.AccountID, Name: p.AccountName},
		}
		if p.ProjectID != "" {
			session["project"] = map[string]string{"id": p.ProjectID}
		}
		w.Header().Set("Cache-Control", "no-store")
		encode(w, http.StatusOK, map[string]any{"session": session})
	})
}

// handleConsoleLogout handles "DELETE /console/api/session": revokes the
// token of the session cookie and clears the cookie. A call without the
// cookie (a script's token or signature) has no console session to end:
// scripts revoke tokens with DELETE /v3/auth/tokens.
func (s *server) handleConsoleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _, err := s.consoleCredential(r)
		if err != nil {
			s.writeError(w, r, familyIAM, err)
			return
		}
		if token == "" {
			s.writeError(w, r, familyIAM, &rampart.Error{Kind: rampart.KindInvalid, Code: iam.CodeIAMBadRequest,
				Message: "The request carries no console session cookie (" + ConsoleCookie + ") to end; revoke a token with DELETE /v3/auth/tokens."})
			return
		}
		if err := s.iam.RevokeToken(r.Context(), token); err != nil {
			s.writeError(w, r, familyIAM, err)
			return
		}
		http.SetCookie(w, s.sessionCookie(r, "", time.Time{}))
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleConsoleFiles handles "GET /console/": the console's files, or an
// unknown API when the console is off.
func (s *server) handleConsoleFiles() http.Handler {
	if s.console == nil {
		return s.handleNoRoute()
	}
	return s.console
}
