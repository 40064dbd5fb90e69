package main

import (
	"fmt"
	"net/http"

	"github.com/rampartsec/rampart/internal/console"
)

// consoleHandler returns the web console's file handler, or nil when the
// console is turned off (--console=false): its paths are then unknown APIs.
func consoleHandler(enabled bool) (http.Handler, error) {
	if !enabled {
		return nil, nil
	}
	h, err := console.NewHandler()
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return h, nil
}
