package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/rampart"
)

// writeWAFError writes the WAF envelope {error_code, error_msg}. Unknown
// resources are 404 WAF.00022001 (Terraform treats only 404 as gone); other
// failures are 400 with the code that names the problem.
func writeWAFError(w http.ResponseWriter, r *http.Request, e *rampart.Error) {
	status := http.StatusBadRequest
	code := e.Code
	switch e.Kind {
	case rampart.KindNotFound:
		status = http.StatusNotFound
		if code == "" {
			code = "WAF.00022001"
		}
	case rampart.KindInvalid:
		if code == "" {
			code = "WAF.00021003"
		}
	case rampart.KindConflict:
		if code == "" {
			code = "WAF.00022002"
		}
	case rampart.KindInUse:
		if code == "" {
			code = "WAF.00022003"
		}
	case rampart.KindQuota:
		status = http.StatusForbidden
		if code == "" {
			code = "WAF.00022005"
		}
	case rampart.KindForbidden:
		status = http.StatusForbidden
		if code == "" {
			code = "WAF.00012003"
		}
	default:
		status = http.StatusInternalServerError
		code = "WAF.00020001"
	}
	noteErrorCode(r, code)
	encode(w, status, map[string]string{"error_code": code, "error_msg": e.Message})
}
