package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafValueListJSON is a reference table as CreateValueList, ShowValueList
// and ListValueList return it. producer is always 1 (made by the user).
type wafValueListJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Values      []string `json:"values"`
	Description string   `json:"description"`
	Producer    int      `json:"producer"`
	Timestamp   int64    `json:"timestamp"`
}

func valueListJSON(l *waf.ValueList) wafValueListJSON {
	values := l.Values
	if values == nil {
		values = []string{}
	}
	return wafValueListJSON{ID: l.ID, Name: l.Name, Type: l.Type, Values: values, Description: l.Description,
		Producer: 1, Timestamp: l.CreatedAt.UnixMilli()}
}

// wafValueListDeletedJSON is what DeleteValueList returns: the timestamp is
// the time of the deletion.
type wafValueListDeletedJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Timestamp int64  `json:"timestamp"`
}

func valueListDeletedJSON(l *waf.ValueList) wafValueListDeletedJSON {
	return wafValueListDeletedJSON{ID: l.ID, Name: l.Name, Type: l.Type, Timestamp: l.DeletedAt.UnixMilli()}
}

type wafValueListBody struct {
	Name        *string   `json:"name"`
	Type        *string   `json:"type"`
	Values      *[]string `json:"values"`
	Description *string   `json:"description"`
}

func (b *wafValueListBody) input() *waf.ValueListInput {
	return &waf.ValueListInput{Name: b.Name, Type: b.Type, Values: b.Values, Description: b.Description}
}

// handleWAFValueListCreate serves POST /v1/{project_id}/waf/valuelist (CreateValueList).
func (s *server) handleWAFValueListCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafValueListBody) (any, error) {
		return wafAs(valueListJSON)(s.waf.CreateValueList(q.ctx, q.project, q.ep, b.input()))
	})
}

// handleWAFValueListList serves GET /v1/{project_id}/waf/valuelist
// (ListValueList): page, pagesize (-1, the default, is every table; at most
// 100) and name (substring).
func (s *server) handleWAFValueListList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		page, err := waf.PageBySize(v.Get("page"), v.Get("pagesize"), -1, 100, true, waf.CodePaging)
		if err != nil {
			return nil, err
		}
		ls, total, err := s.waf.FindValueLists(q.ctx, waf.ValueListFilter{ProjectID: q.project, EnterpriseProjectID: q.ep,
			Name: v.Get("name"), Page: page})
		if err != nil {
			return nil, err
		}
		return newList(total, ls, valueListJSON), nil
	})
}

// handleWAFValueListShow serves GET /v1/{project_id}/waf/valuelist/{valuelistid} (ShowValueList).
func (s *server) handleWAFValueListShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(valueListJSON)(s.waf.FindValueList(q.ctx, q.project, q.r.PathValue("valuelistid")))
	})
}

// handleWAFValueListUpdate serves PUT /v1/{project_id}/waf/valuelist/{valuelistid} (UpdateValueList).
func (s *server) handleWAFValueListUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafValueListBody) (any, error) {
		return wafAs(valueListJSON)(s.waf.UpdateValueList(q.ctx, q.project, q.r.PathValue("valuelistid"), b.input()))
	})
}

// handleWAFValueListDelete serves DELETE /v1/{project_id}/waf/valuelist/{valuelistid} (DeleteValueList).
func (s *server) handleWAFValueListDelete() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		return wafAs(valueListDeletedJSON)(s.waf.DeleteValueList(q.ctx, q.project, q.r.PathValue("valuelistid")))
	})
}
