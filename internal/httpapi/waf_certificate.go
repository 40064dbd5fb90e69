package httpapi

import (
	"net/http"
	"strconv"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafCertHostJSON is a host using a certificate (BindHost).
type wafCertHostJSON struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	WAFType  string `json:"waf_type"`
}

// wafCertJSON is a certificate as the certificate operations return it.
// The private key is never returned; content (the public chain) only by
// CreateCertificate and ShowCertificate.
type wafCertJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Content    string            `json:"content,omitempty"`
	ExpireTime int64             `json:"expire_time"`
	ExpStatus  int               `json:"exp_status"`
	Timestamp  int64             `json:"timestamp"`
	BindHost   []wafCertHostJSON `json:"bind_host"`
}

// certJSON returns a converter of certificates; withContent includes the
// PEM chain.
func (s *server) certJSON(withContent bool) func(*waf.Certificate) wafCertJSON {
	now := s.waf.Now()
	return func(c *waf.Certificate) wafCertJSON {
		out := wafCertJSON{ID: c.ID, Name: c.Name, ExpireTime: c.ExpireTime.UnixMilli(), ExpStatus: c.ExpStatus(now),
			Timestamp: c.Timestamp(), BindHost: make([]wafCertHostJSON, 0, len(c.Hosts))}
		if withContent {
			out.Content = c.PublicChain()
		}
		for _, h := range c.Hosts {
			out.BindHost = append(out.BindHost, wafCertHostJSON{h.ID, h.Hostname, h.WAFType})
		}
		return out
	}
}

// wafCertBody is the body of CreateCertificate and UpdateCertificate.
type wafCertBody struct {
	Name    *string `json:"name"`
	Content *string `json:"content"`
	Key     *string `json:"key"`
}

func (b *wafCertBody) input() *waf.CertificateInput {
	return &waf.CertificateInput{Name: b.Name, Content: b.Content, Key: b.Key}
}

// wafBoolQuery reads an optional true/false query parameter.
func wafBoolQuery(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		return nil, rampartInvalid(waf.CodeURLParam, name, name+" must be true or false.")
	}
	return &b, nil
}

// handleWAFCertificateCreate serves POST /v1/{project_id}/waf/certificate (CreateCertificate).
// The pair is always verified, whatever verify_cert_key says: the data
// plane serves it.
func (s *server) handleWAFCertificateCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCertBody) (any, error) {
		if _, err := wafBoolQuery(q.r, "verify_cert_key"); err != nil {
			return nil, err
		}
		return wafAs(s.certJSON(true))(s.waf.CreateCertificate(q.ctx, q.project, q.ep, b.input()))
	})
}

// handleWAFCertificateList serves GET /v1/{project_id}/waf/certificate (ListCertificates).
func (s *server) handleWAFCertificateList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		page, err := waf.PageBySize(v.Get("page"), v.Get("pagesize"), 10, 100, false, waf.CodePageSize)
		if err != nil {
			return nil, err
		}
		f := waf.CertificateFilter{ProjectID: q.project, EnterpriseProjectID: q.ep, Name: v.Get("name"), Page: page, Now: s.waf.Now()}
		if f.Bound, err = wafBoolQuery(q.r, "host"); err != nil {
			return nil, err
		}
		if _, err := wafBoolQuery(q.r, "query_scm"); err != nil {
			return nil, err
		}
		if e := v.Get("exp_status"); e != "" {
			n, err := strconv.Atoi(e)
			if err != nil || n < 0 || n > 2 {
				return nil, rampartInvalid(waf.CodeURLParam, "exp_status", "exp_status must be 0 (valid), 1 (expired) or 2 (expiring within 30 days).")
			}
			f.ExpStatus = &n
		}
		cs, total, err := s.waf.FindCertificates(q.ctx, f)
		if err != nil {
			return nil, err
		}
		return newList(total, cs, s.certJSON(false)), nil
	})
}

// handleWAFCertificateShow serves GET /v1/{project_id}/waf/certificate/{certificate_id} (ShowCertificate).
func (s *server) handleWAFCertificateShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(s.certJSON(true))(s.waf.FindCertificate(q.ctx, q.project, q.r.PathValue("certificate_id")))
	})
}

// handleWAFCertificateUpdate serves PUT /v1/{project_id}/waf/certificate/{certificate_id} (UpdateCertificate).
func (s *server) handleWAFCertificateUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCertBody) (any, error) {
		return wafAs(s.certJSON(false))(s.waf.UpdateCertificate(q.ctx, q.project, q.r.PathValue("certificate_id"), b.input()))
	})
}

// handleWAFCertificateDelete serves DELETE /v1/{project_id}/waf/certificate/{certificate_id} (DeleteCertificate).
func (s *server) handleWAFCertificateDelete() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		return wafAs(s.certJSON(false))(s.waf.DeleteCertificate(q.ctx, q.project, q.r.PathValue("certificate_id")))
	})
}

// handleWAFCertificateApply serves POST /v1/{project_id}/waf/certificate/{certificate_id}/apply-to-hosts
// (ApplyCertificateToHost).
func (s *server) handleWAFCertificateApply() http.Handler {
	type request struct {
		CloudHostIDs   []string `json:"cloud_host_ids"`
		PremiumHostIDs []string `json:"premium_host_ids"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *request) (any, error) {
		return wafAs(s.certJSON(false))(s.waf.ApplyCertificate(q.ctx, q.project, q.r.PathValue("certificate_id"), b.CloudHostIDs, b.PremiumHostIDs))
	})
}
