// Package storeform is the stored JSON form of the WAF values the storage
// backends keep as JSON documents (a host's servers and settings, rule
// conditions and actions). The SQLite and PostgreSQL backends share it, so
// that both store the same documents and rows can be copied from one to
// the other. It also holds how both treat a stored row they cannot decode
// (UnreadableRow, UnreadableRows). It imports only domain packages.
package storeform

import (
	"encoding/json"
	"fmt"
)

// encode is the JSON text of v ("null" if it cannot be encoded, which the
// forms of this package never fail to be).
func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// decode reads the JSON document b into v, naming what in its error.
func decode(b []byte, v any, what string) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
