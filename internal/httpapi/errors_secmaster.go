package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/rampart"
)

// writeSecMasterError writes the SecMaster envelope
// {code, message, success:false}.
func writeSecMasterError(w http.ResponseWriter, r *http.Request, e *rampart.Error) {
	status := http.StatusBadRequest
	code := e.Code
	switch e.Kind {
	case rampart.KindInvalid:
		if code == "" {
			code = "SecMaster.20010002"
		}
	case rampart.KindNotFound:
		status = http.StatusNotFound
		if code == "" {
			code = "SecMaster.20030005"
		}
	case rampart.KindForbidden:
		status = http.StatusForbidden
		if code == "" {
			code = "SecMaster.20010001"
		}
	case rampart.KindConflict, rampart.KindInUse:
		status = http.StatusConflict
		if code == "" {
			code = "SecMaster.20010003"
		}
	case rampart.KindQuota:
		if code == "" {
			code = "SecMaster.20010004"
		}
	default:
		status = http.StatusInternalServerError
		code = "SecMaster.00000500"
	}
	noteErrorCode(r, code)
	encode(w, status, map[string]any{
		"code":       code,
		"message":    e.Message,
		"success":    false,
		"request_id": requestIDFrom(r.Context()),
	})
}
