package waf

import (
	"context"
	"time"
)

// CertificateInput is the body of CreateCertificate and UpdateCertificate;
// nil fields are absent.
type CertificateInput struct {
	Name    *string
	Content *string
	Key     *string
}

// Now returns the service's current time (for expiry states).
func (s *Service) Now() time.Time { return s.clock() }

// CreateCertificate validates and stores a certificate: name, content and
// key are mandatory; content must be a PEM chain and key its matching PEM
// private key.
func (s *Service) CreateCertificate(ctx context.Context, projectID, ep string, in *CertificateInput) (*Certificate, error) {
	if in.Name == nil {
		return nil, invalid(CodeName, "name", "name is mandatory.")
	}
	if err := checkCertificateName(*in.Name); err != nil {
		return nil, err
	}
	c := &Certificate{ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, Name: *in.Name, CreatedAt: s.clock()}
	if err := c.setPEM(deref(in.Content), deref(in.Key)); err != nil {
		return nil, err
	}
	if err := s.store.CreateCertificate(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// FindCertificate returns a certificate (with its key: callers decide what
// to show).
func (s *Service) FindCertificate(ctx context.Context, projectID, id string) (*Certificate, error) {
	if err := CheckID("certificate_id", id); err != nil {
		return nil, err
	}
	return s.store.Certificate(ctx, projectID, id)
}

// FindCertificates lists certificates.
func (s *Service) FindCertificates(ctx context.Context, f CertificateFilter) ([]*Certificate, int, error) {
	return s.store.FindCertificates(ctx, f)
}

// UpdateCertificate renames a certificate and, when content and key are
// given (both or neither), replaces them. name is mandatory, as the SDK
// always sends it.
func (s *Service) UpdateCertificate(ctx context.Context, projectID, id string, in *CertificateInput) (*Certificate, error) {
	if err := CheckID("certificate_id", id); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, invalid(CodeName, "name", "name is mandatory.")
	}
	if err := checkCertificateName(*in.Name); err != nil {
		return nil, err
	}
	var repl Certificate
	if in.Content != nil || in.Key != nil {
		if err := repl.setPEM(deref(in.Content), deref(in.Key)); err != nil {
			return nil, err
		}
	}
	return s.store.UpdateCertificate(ctx, projectID, id, func(c *Certificate) error {
		c.Name = *in.Name
		if repl.Content != "" {
			c.Content, c.Key, c.ExpireTime = repl.Content, repl.Key, repl.ExpireTime
		}
		return nil
	})
}

// DeleteCertificate deletes a certificate no host uses.
func (s *Service) DeleteCertificate(ctx context.Context, projectID, id string) (*Certificate, error) {
	if err := CheckID("certificate_id", id); err != nil {
		return nil, err
	}
	return s.store.DeleteCertificate(ctx, projectID, id)
}

// ApplyCertificate makes cloud-mode hosts use a certificate
// (ApplyCertificateToHost). Dedicated-mode (premium) hosts do not exist in
// Rampart.
func (s *Service) ApplyCertificate(ctx context.Context, projectID, id string, cloudHostIDs, premiumHostIDs []string) (*Certificate, error) {
	if err := CheckID("certificate_id", id); err != nil {
		return nil, err
	}
	if len(premiumHostIDs) > 0 {
		return nil, invalid(CodeFeature, "premium_host_ids", "Dedicated-mode hosts are not supported; use cloud_host_ids.")
	}
	if len(cloudHostIDs) == 0 {
		return nil, invalid(CodeBody, "cloud_host_ids", "cloud_host_ids is mandatory.")
	}
	if len(cloudHostIDs) > maxBatch {
		return nil, invalid(CodeExceedLimit, "cloud_host_ids", "cloud_host_ids names more than %d hosts.", maxBatch)
	}
	for _, h := range cloudHostIDs {
		if err := CheckID("cloud_host_ids", h); err != nil {
			return nil, err
		}
	}
	return s.store.ApplyCertificate(ctx, projectID, id, cloudHostIDs)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
