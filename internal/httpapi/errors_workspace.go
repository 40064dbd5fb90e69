package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/rampart"
)

// writeWorkspaceError writes the Workspace envelope {error_code, error_msg}:
// 400 for bad input, 404 for an unknown policy, 409 for a conflict. The
// domain sets the specific codes (package workspace: WKS.00081106 invalid
// field, WKS.00081107 field not sent alone, WKS.00081108 is_block_all while
// disabled); errors raised before the domain (empty, malformed or non-JSON
// body) carry none and answer WKS.0001. docs/compatibility.md lists them.
func writeWorkspaceError(w http.ResponseWriter, r *http.Request, e *rampart.Error) {
	status := http.StatusBadRequest
	code := e.Code
	switch e.Kind {
	case rampart.KindInvalid:
		if code == "" {
			code = "WKS.0001"
		}
	case rampart.KindNotFound:
		status = http.StatusNotFound
		if code == "" {
			code = "WKS.00081104"
		}
	case rampart.KindConflict:
		status = http.StatusConflict
		if code == "" {
			code = "WKS.00081101"
		}
	case rampart.KindQuota, rampart.KindForbidden:
		status = http.StatusForbidden
		if code == "" {
			code = "WKS.00081105"
		}
	default:
		status = http.StatusInternalServerError
		code = "WKS.0003"
	}
	noteErrorCode(r, code)
	encode(w, status, map[string]string{"error_code": code, "error_msg": e.Message})
}
