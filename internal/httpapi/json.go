package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
)

// errEmptyBody is returned by decode for a request without a body. Handlers
// whose body is optional treat it as "no fields set".
var errEmptyBody = rampart.Invalid("body", "The request body is empty.")

// encode writes v as JSON with the given status. HTML escaping is off, as
// Huawei's services do not escape '&', '<' and '>'.
func encode(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error_code":"APIGW.0601","error_msg":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// readBody reads the whole request body, honouring the size limit. A body
// over the limit gives a KindInvalid error with Code "too_large".
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &rampart.Error{Kind: rampart.KindInvalid, Code: codeTooLarge,
				Message: fmt.Sprintf("The request body exceeds %d bytes.", mbe.Limit)}
		}
		return nil, rampart.Invalid("body", "The request body could not be read.")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// codeTooLarge marks body-size errors; renderers answer 413 for it.
const codeTooLarge = "too_large"

// decode reads a JSON request body into v. A Content-Type that is present
// and not JSON, malformed JSON, wrong types and trailing data give a
// KindInvalid error whose message names the problem (unknown fields are
// ignored, as clients send extras); an empty body gives errEmptyBody. Every
// family refuses a non-JSON Content-Type through here; an absent one is
// accepted, as the SDK sends none on some operations. Values that could not
// be read back once stored are refused too (checkJSONValues).
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSONContentType(r) {
		return rampart.Invalid("Content-Type", "The request body must be sent with Content-Type application/json, not %q.", ct)
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeBytes(body, v)
}

// decodeBytes is decode over an already-read body.
func decodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return rampart.Invalid("body", "The request body has data after the JSON value.")
	}
	return checkJSONValues(body)
}

// jsonError turns a decoding error into a message that names the problem.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var own *rampart.Error
	switch {
	case errors.As(err, &own): // from a type's UnmarshalJSON
		return own
	case errors.As(err, &syn):
		return rampart.Invalid("body", "The request body is not valid JSON (offset %d): %s.", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return rampart.Invalid(field, "The field %s must be %s, not %s.", field, jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return rampart.Invalid("body", "The request body is truncated JSON.")
	default:
		return rampart.Invalid("body", "The request body is not valid JSON: %s.", err.Error())
	}
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "a boolean"
	case kind == "slice", kind == "array":
		return "an array"
	case kind == "map", kind == "struct", kind == "ptr":
		return "an object"
	}
	return "of type " + kind
}

// isJSONContentType reports whether the request declares a JSON body. An
// absent Content-Type is accepted for requests without a body.
func isJSONContentType(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return r.ContentLength <= 0
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		// Terraform sends "application/json;charset=utf8", which parses; be
		// lenient with other parameter spellings too.
		mt = strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])
	}
	return strings.EqualFold(mt, "application/json")
}
