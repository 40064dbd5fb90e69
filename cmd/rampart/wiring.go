package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
)

// newDecisionRegistry loads the address data and builds the registry of
// per-project decision engines over st, with the store's change logs when
// it has them (without, an update reads every row of the family).
func newDecisionRegistry(st store, sm *secmaster.Service, ws enforce.WorkspaceSource, ad *addressDataConfig, logger *slog.Logger) (*enforce.Registry, error) {
	geo, desc, err := ad.load()
	if err != nil {
		return nil, fmt.Errorf("load address data: %w", err)
	}
	logger.Info("address data loaded", "data", desc)
	wbLog, _ := st.(enforce.WhiteBlackIPLog)
	smLog, _ := st.(enforce.EnforcementLog)
	return enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: smLog, WAF: st, WAFLog: wbLog,
		Workspace: ws, Revisions: st}, geo, nil, logger), nil
}

// startEventRecorder runs the protection-event recorder until ctx is done.
// The returned wait blocks until it has written what was queued.
func startEventRecorder(ctx context.Context, st waf.EventStore, logger *slog.Logger) (*waf.Recorder, func()) {
	rec := waf.NewRecorder(st, waf.RecorderConfig{OnError: func(err error) {
		logger.Error("writing protection events", "err", err)
	}})
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	return rec, func() { <-done }
}

// eventSink records the data plane's protection events through the WAF
// event recorder.
type eventSink struct{ rec *waf.Recorder }

// Record implements proxy.EventSink.
func (s eventSink) Record(ev proxy.Event) bool {
	we := waf.Event{ID: ev.EventID, ProjectID: ev.ProjectID, EnterpriseProjectID: ev.EnterpriseProjectID,
		Time: ev.Time, HostID: ev.HostID, Host: ev.Hostname, PolicyID: ev.PolicyID, RuleType: ev.RuleType.String(),
		RuleID: ev.RuleID, Action: ev.Action.String(), Method: ev.Method, URL: ev.URL}
	if ev.Attack != "" {
		we.RuleType, we.WebAttack, we.Payload, we.PayloadLocation = waf.EventWebAttack, ev.Attack, ev.Excerpt, ev.AttackLocation
	} else if ev.Key != "" {
		we.Payload, we.PayloadLocation = ev.Key, ev.KeyKind // a CC key or a punished source
	}
	if ev.ClientIP.IsValid() {
		we.ClientIP = ev.ClientIP.String()
	}
	if ev.Location != 0 {
		we.Location = ev.Location.String()
	}
	if ev.IDCTag != 0 {
		we.Tag = ev.IDCTag.String()
	}
	if ev.Action == decision.ActionBlock {
		we.Status = http.StatusTeapot // the block page's status
		if ev.Status != 0 {
			we.Status = ev.Status // forward auth's 403
		}
	}
	return s.rec.Record(we)
}

// certificates gives the data plane the WAF certificates' PEM content.
type certificates struct{ src waf.CertificateSource }

// Certificate implements proxy.CertificateSource.
func (c certificates) Certificate(ctx context.Context, projectID, id string) (certPEM, keyPEM []byte, err error) {
	cert, err := c.src.Certificate(ctx, projectID, id)
	if err != nil {
		return nil, nil, err
	}
	return []byte(cert.Content), []byte(cert.Key), nil
}
