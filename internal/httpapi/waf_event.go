package httpapi

import (
	"net/http"
	"strconv"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafEventJSON is a protection event as ListEvent and ShowEvent return it
// (ListEventItems / ShowEventItems). Fields Rampart has no data for (it
// records the decision and the matched excerpt, not whole requests or
// responses) are empty.
type wafEventJSON struct {
	ID              string         `json:"id"`
	Time            int64          `json:"time"`
	PolicyID        string         `json:"policyid"`
	SIP             string         `json:"sip"`
	Host            string         `json:"host"`
	URL             string         `json:"url"`
	Attack          string         `json:"attack"`
	Rule            string         `json:"rule"`
	Payload         string         `json:"payload"`
	PayloadLocation string         `json:"payload_location"`
	Action          string         `json:"action"`
	RequestLine     string         `json:"request_line"`
	Headers         map[string]any `json:"headers"`
	Cookie          string         `json:"cookie"`
	Status          string         `json:"status"`
	ProcessTime     int            `json:"process_time"`
	Region          string         `json:"region"`
	HostID          string         `json:"host_id"`
	ResponseTime    int64          `json:"response_time"`
	ResponseSize    int            `json:"response_size"`
	ResponseBody    string         `json:"response_body"`
	RequestBody     string         `json:"request_body"`
}

func eventJSON(e *waf.Event) wafEventJSON {
	out := wafEventJSON{ID: e.ID, Time: e.Timestamp(), PolicyID: e.PolicyID, SIP: e.ClientIP, Host: e.Host, URL: e.URL,
		Attack: e.Attack(), Rule: e.RuleID, Action: e.Action, Headers: map[string]any{}, Region: e.Location, HostID: e.HostID}
	if e.Method != "" {
		out.RequestLine = e.Method + " " + e.URL
	}
	if e.Status != 0 {
		out.Status = strconv.Itoa(e.Status)
	}
	switch e.RuleType {
	case waf.EventReputation:
		out.Payload = e.Tag // the IDC tag that matched
	case waf.EventWebAttack, waf.EventCC, waf.EventPunishment:
		// cc: the counted key; punishment: the punished source and its kind.
		out.Payload, out.PayloadLocation = e.Payload, e.PayloadLocation
	}
	return out
}

// handleWAFEventList serves GET /v1/{project_id}/waf/event (ListEvent).
func (s *server) handleWAFEventList() http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		evs, total, err := s.wafEvents.FindEvents(q.ctx, q.project, q.r.URL.Query())
		if err != nil {
			return nil, err
		}
		return newList(total, evs, eventJSON), nil
	})
}

// handleWAFEventShow serves GET /v1/{project_id}/waf/event/{eventid} (ShowEvent).
func (s *server) handleWAFEventShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		e, err := s.wafEvents.FindEvent(q.ctx, q.project, q.r.PathValue("eventid"))
		if err != nil {
			return nil, err
		}
		return newList(1, []*waf.Event{e}, eventJSON), nil
	})
}
