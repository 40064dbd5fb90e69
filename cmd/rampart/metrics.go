package main

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/rampartsec/rampart/internal/prometheus"
)

// backlogCounter is a store that counts the SecMaster delivery backlog.
type backlogCounter interface {
	PendingDeliveries(ctx context.Context) (tasks, entries int64, err error)
}

// nodeMetrics is the exposition of a node at GET /metrics: the control
// plane's metrics (m), then the data plane's (dataPlane, when the node
// runs one: nil otherwise) and the store's counters.
func nodeMetrics(m *prometheus.Metrics, dataPlane http.Handler, st store) http.Handler {
	texts := []prometheus.WriteText{st.WriteMetrics}
	if dataPlane != nil {
		texts = append([]prometheus.WriteText{prometheus.HandlerText(dataPlane)}, texts...)
	}
	return m.Handler(texts...)
}

// listenMetrics binds --metrics-listen (empty: no listener, nil).
func listenMetrics(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen on %s: %w", addr, err)
	}
	return ln, nil
}
