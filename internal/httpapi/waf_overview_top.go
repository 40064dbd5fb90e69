package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafURLCountJSON is a UrlCountItem / UrlItem: a URL path of a host.
type wafURLCountJSON struct {
	Key  string `json:"key"`
	Num  int64  `json:"num"`
	Host string `json:"host"`
}

// wafDomainCountJSON is a TopDomainsCountItem / DomainItem.
type wafDomainCountJSON struct {
	Key    string `json:"key"`
	Num    int64  `json:"num"`
	WebTag string `json:"web_tag"`
}

func countJSON(c waf.EventCount) wafCountJSON { return wafCountJSON{Key: c.Key, Num: c.Num} }
func urlCountJSON(c waf.EventCount) wafURLCountJSON {
	return wafURLCountJSON{Key: c.Key, Num: c.Num, Host: c.Host}
}

// handleWAFTopEvents serves a top list of protection events grouped by a
// field: ListTopIp (client address), ListTopUrl and, with code,
// ListTopAbnormal (URL path and host), ListAttackActionTypes (action,
// every group).
func handleWAFTopEvents[T any](s *server, accepts waf.DashboardParams, by waf.EventField, conv func(waf.EventCount) T) http.Handler {
	return s.wafDashboardServe(accepts, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		groups, err := s.wafDashboard.TopEvents(q.ctx, d, by, d.Code)
		if err != nil {
			return nil, err
		}
		return newList(len(groups), groups, conv), nil
	})
}

// handleWAFTopDomains serves GET
// /v1/{project_id}/waf/overviews/attack/top-domains (ListTopDomains): the
// hosts with the most protection events, keyed by host ID.
func (s *server) handleWAFTopDomains() http.Handler {
	return s.wafDashboardServe(waf.ParamTop, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		hosts, err := s.wafDashboard.TopHosts(q.ctx, d)
		if err != nil {
			return nil, err
		}
		return newList(len(hosts), hosts, func(h waf.HostCount) wafDomainCountJSON {
			return wafDomainCountJSON{Key: h.HostID, Num: h.Num, WebTag: h.WebTag}
		}), nil
	})
}

// handleWAFClassification serves GET
// /v1/{project_id}/waf/overviews/classification
// (ListOverviewsClassification): the top hosts (by name), attack types,
// client addresses, URL paths and locations of the window's protection
// events.
func (s *server) handleWAFClassification() http.Handler {
	return s.wafDashboardServe(waf.ParamTop, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		hosts, err := s.wafDashboard.TopHosts(q.ctx, d)
		if err != nil {
			return nil, err
		}
		top := map[waf.EventField][]waf.EventCount{}
		for _, by := range []waf.EventField{waf.EventFieldAttack, waf.EventFieldClientIP, waf.EventFieldURL, waf.EventFieldLocation} {
			if top[by], err = s.wafDashboard.TopEvents(q.ctx, d, by, 0); err != nil {
				return nil, err
			}
		}
		return struct {
			Domain     wafList[wafDomainCountJSON] `json:"domain"`
			AttackType wafList[wafCountJSON]       `json:"attack_type"`
			IP         wafList[wafCountJSON]       `json:"ip"`
			URL        wafList[wafURLCountJSON]    `json:"url"`
			Geo        wafList[wafCountJSON]       `json:"geo"`
		}{
			Domain: newList(len(hosts), hosts, func(h waf.HostCount) wafDomainCountJSON {
				name := h.Hostname
				if name == "" {
					name = h.HostID // a host deleted since
				}
				return wafDomainCountJSON{Key: name, Num: h.Num, WebTag: h.WebTag}
			}),
			AttackType: newList(len(top[waf.EventFieldAttack]), top[waf.EventFieldAttack], countJSON),
			IP:         newList(len(top[waf.EventFieldClientIP]), top[waf.EventFieldClientIP], countJSON),
			URL:        newList(len(top[waf.EventFieldURL]), top[waf.EventFieldURL], urlCountJSON),
			Geo:        newList(len(top[waf.EventFieldLocation]), top[waf.EventFieldLocation], countJSON),
		}, nil
	})
}
