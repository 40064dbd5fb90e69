package httpapi

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
)

// family names a product family; each renders errors in its own envelope.
type family int

const (
	familyGateway family = iota
	familyIAM
	familyWAF
	familySecMaster
	familyWorkspace
)

// familyOf guesses the family from the URL path, for errors raised before
// a route is known (panics, body limits).
func familyOf(path string) family {
	switch {
	case strings.HasPrefix(path, "/v3/"):
		return familyIAM
	case strings.HasPrefix(path, "/v2/") && strings.Contains(path, "/access-policy"):
		return familyWorkspace
	case strings.HasPrefix(path, "/v1/") && strings.Contains(path, "/waf/"):
		return familyWAF
	case strings.HasPrefix(path, "/v1/") && strings.Contains(path, "/workspaces"):
		return familySecMaster
	}
	return familyGateway
}

// writeError renders err in fam's envelope. Internal errors are logged with
// the request ID and shown only as a generic message.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, fam family, err error) {
	e := rampart.AsError(err)
	if e.Kind == rampart.KindInternal {
		s.log.Error("internal error", "request_id", requestIDFrom(r.Context()), "err", err)
	}
	// Gateway-level failures (authentication, throttling, body limits) keep
	// the gateway envelope whatever the family.
	if strings.HasPrefix(e.Code, "APIGW.") || e.Code == codeTooLarge {
		status, code := gatewayStatus(e)
		writeGatewayError(w, r, status, code, e.Message)
		return
	}
	switch fam {
	case familyIAM:
		writeIAMError(w, r, e)
	case familyWAF:
		writeWAFError(w, r, e)
	case familySecMaster:
		writeSecMasterError(w, r, e)
	case familyWorkspace:
		writeWorkspaceError(w, r, e)
	default:
		status, code := gatewayStatus(e)
		writeGatewayError(w, r, status, code, e.Message)
	}
}

// kindStatus is the HTTP status of an error kind for the gateway and IAM
// envelopes (the product families map kinds in their own renderers).
func kindStatus(k rampart.Kind) int {
	switch k {
	case rampart.KindInvalid:
		return http.StatusBadRequest
	case rampart.KindUnauthorized, rampart.KindExpired, rampart.KindLocked:
		return http.StatusUnauthorized
	case rampart.KindForbidden:
		return http.StatusForbidden
	case rampart.KindNotFound:
		return http.StatusNotFound
	case rampart.KindConflict:
		return http.StatusConflict
	case rampart.KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// gatewayStatus maps an error to the gateway's status and code.
func gatewayStatus(e *rampart.Error) (int, string) {
	if e.Code == codeTooLarge {
		return http.StatusRequestEntityTooLarge, "APIGW.0201"
	}
	status := kindStatus(e.Kind)
	code := e.Code
	if code == "" {
		switch status {
		case http.StatusBadRequest, http.StatusNotFound:
			code = "APIGW.0201"
		default:
			code = "APIGW.0601"
		}
	}
	return status, code
}

// writeGatewayError writes Huawei's API gateway envelope
// {error_code, error_msg, request_id}.
func writeGatewayError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	noteErrorCode(r, code)
	encode(w, status, map[string]string{
		"error_code": code,
		"error_msg":  msg,
		"request_id": requestIDFrom(r.Context()),
	})
}

// writeIAMError writes the Keystone envelope {"error":{code,message,title}}.
// The top-level error_code/error_msg pair is added so the official SDKs,
// which do not read numeric codes, report the IAM code.
func writeIAMError(w http.ResponseWriter, r *http.Request, e *rampart.Error) {
	status := kindStatus(e.Kind)
	code := e.Code
	if code == "" {
		switch status {
		case http.StatusBadRequest:
			code = "IAM.0003"
		case http.StatusUnauthorized:
			code = "IAM.0001"
		case http.StatusNotFound:
			code = "IAM.0004"
		default:
			code = "IAM.0006"
		}
	}
	noteErrorCode(r, code)
	encode(w, status, map[string]any{
		"error": map[string]any{
			"code":    status,
			"message": e.Message,
			"title":   http.StatusText(status),
		},
		"error_code": code,
		"error_msg":  e.Message,
	})
}
