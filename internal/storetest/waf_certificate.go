package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFCertificates runs the certificate conformance tests of waf.Store:
// storage, the link from hosts, and the refusal to delete a certificate in
// use. newStore must return a fresh, empty store for each call.
func RunWAFCertificates(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	cert := func(t *testing.T, s waf.Store, project, name string, expires time.Time) *waf.Certificate {
		t.Helper()
		c := &waf.Certificate{ID: newID(t), ProjectID: project, EnterpriseProjectID: "0", Name: name,
			Content: "-----BEGIN CERTIFICATE-----\n" + name, Key: "-----BEGIN PRIVATE KEY-----\n" + name,
			ExpireTime: expires, CreatedAt: now}
		must(t, s.CreateCertificate(ctx, c))
		return c
	}
	host := func(t *testing.T, s waf.Store, hostname, certID string) (*waf.Host, error) {
		t.Helper()
		p := &waf.Policy{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Name: "p" + hostname, Level: 2,
			RobotAction: "log", Action: "log", Options: map[string]bool{}, ModulexOptions: map[string]any{},
			Extend: map[string]string{}, CreatedAt: now}
		must(t, s.CreatePolicy(ctx, p))
		h := &waf.Host{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Hostname: hostname, PolicyID: p.ID,
			Servers:     []waf.Server{{FrontProtocol: "HTTPS", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}},
			LBAlgorithm: "round_robin", ProtectStatus: 1, AccessCode: "abc", CertificateID: certID, CertificateName: "given",
			CreatedAt: now}
		return h, s.CreateHost(ctx, h, nil)
	}

	t.Run("CreateFindWithKey", func(t *testing.T) {
		s := newStore(t)
		c := cert(t, s, proj, "one", now.Add(time.Hour))
		got, err := s.Certificate(ctx, proj, c.ID)
		must(t, err)
		if got.Name != "one" || got.Content != c.Content || got.Key != c.Key || !got.ExpireTime.Equal(c.ExpireTime) ||
			!got.CreatedAt.Equal(now) || got.Hosts == nil || len(got.Hosts) != 0 {
			t.Fatalf("found %+v", got)
		}
		_, err = s.Certificate(ctx, other, c.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("HostsReferenceCertificates", func(t *testing.T) {
		s := newStore(t)
		c := cert(t, s, proj, "shop", now.Add(time.Hour))
		foreign := cert(t, s, other, "foreign", now.Add(time.Hour))
		_, err := host(t, s, "a.example.com", newID(t))
		wantKind(t, err, rampart.KindNotFound)
		_, err = host(t, s, "b.example.com", foreign.ID)
		wantKind(t, err, rampart.KindNotFound)
		h, err := host(t, s, "c.example.com", c.ID)
		must(t, err)
		if h.CertificateName != "shop" {
			t.Fatalf("host certificatename %q, want the certificate's name", h.CertificateName)
		}
		_, err = s.UpdateHost(ctx, proj, h.ID, func(h *waf.Host) error { h.CertificateID = newID(t); return nil })
		wantKind(t, err, rampart.KindNotFound)
		got, err := s.Certificate(ctx, proj, c.ID)
		must(t, err)
		if len(got.Hosts) != 1 || got.Hosts[0].ID != h.ID || got.Hosts[0].Hostname != "c.example.com" {
			t.Fatalf("certificate hosts %+v", got.Hosts)
		}
		// In use: refused; renaming reaches the host.
		_, err = s.DeleteCertificate(ctx, proj, c.ID)
		wantKind(t, err, rampart.KindInUse)
		_, err = s.UpdateCertificate(ctx, proj, c.ID, func(c *waf.Certificate) error { c.Name = "shop2"; c.Key = "k2"; return nil })
		must(t, err)
		hh, err := s.FindHost(ctx, proj, h.ID)
		must(t, err)
		if hh.CertificateName != "shop2" || hh.CertificateID != c.ID {
			t.Fatalf("host after rename: %q %q", hh.CertificateID, hh.CertificateName)
		}
		if got, _ := s.Certificate(ctx, proj, c.ID); got.Key != "k2" {
			t.Fatal("key not updated")
		}
		// Move the host to another certificate, then delete the first.
		c2 := cert(t, s, proj, "second", now.Add(time.Hour))
		applied, err := s.ApplyCertificate(ctx, proj, c2.ID, []string{h.ID})
		must(t, err)
		if len(applied.Hosts) != 1 || applied.Hosts[0].ID != h.ID {
			t.Fatalf("applied hosts %+v", applied.Hosts)
		}
		_, err = s.ApplyCertificate(ctx, proj, c2.ID, []string{newID(t)})
		wantKind(t, err, rampart.KindNotFound)
		del, err := s.DeleteCertificate(ctx, proj, c.ID)
		must(t, err)
		if del.Name != "shop2" {
			t.Fatalf("deleted %+v", del)
		}
		_, err = s.Certificate(ctx, proj, c.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeleteCertificate(ctx, proj, c.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		valid := cert(t, s, proj, "valid", now.Add(90*24*time.Hour))
		expiring := cert(t, s, proj, "expiring", now.Add(10*24*time.Hour))
		cert(t, s, proj, "expired", now.Add(-time.Hour))
		cert(t, s, other, "valid", now.Add(90*24*time.Hour))
		_, err := host(t, s, "x.example.com", expiring.ID)
		must(t, err)
		find := func(f waf.CertificateFilter) []string {
			t.Helper()
			f.ProjectID, f.Now = proj, now
			if f.EnterpriseProjectID == "" {
				f.EnterpriseProjectID = "0"
			}
			if f.Page.Limit == 0 {
				f.Page.Limit = 10
			}
			cs, total, err := s.FindCertificates(ctx, f)
			must(t, err)
			var names []string
			for _, c := range cs {
				names = append(names, c.Name)
			}
			if f.Page.Offset == 0 && total != len(cs) {
				t.Fatalf("total %d for %d items", total, len(cs))
			}
			return names
		}
		yes, no := true, false
		st := func(n int) *int { return &n }
		for _, c := range []struct {
			name string
			f    waf.CertificateFilter
			want string
		}{
			{"All", waf.CertificateFilter{}, "[valid expiring expired]"},
			{"Name", waf.CertificateFilter{Name: "exp"}, "[expiring expired]"},
			{"Bound", waf.CertificateFilter{Bound: &yes}, "[expiring]"},
			{"Unbound", waf.CertificateFilter{Bound: &no}, "[valid expired]"},
			{"Valid", waf.CertificateFilter{ExpStatus: st(waf.CertValid)}, "[valid]"},
			{"Expired", waf.CertificateFilter{ExpStatus: st(waf.CertExpired)}, "[expired]"},
			{"Expiring", waf.CertificateFilter{ExpStatus: st(waf.CertExpiring)}, "[expiring]"},
			{"OtherEP", waf.CertificateFilter{EnterpriseProjectID: "ep1"}, "[]"},
		} {
			if got := fmt.Sprint(find(c.f)); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		cs, _, err := s.FindCertificates(ctx, waf.CertificateFilter{ProjectID: proj, EnterpriseProjectID: "0", Page: waf.Page{Limit: 10}})
		must(t, err)
		if len(cs[1].Hosts) != 1 || cs[0].ID != valid.ID {
			t.Fatalf("list hosts: %+v", cs[1].Hosts)
		}
	})
}
