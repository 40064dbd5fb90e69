package iam_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/iam"
)

// BenchmarkAuthenticateToken measures a warm X-Auth-Token check (the
// bar: at most 5 µs).
func BenchmarkAuthenticateToken(b *testing.B) {
	ctx := context.Background()
	s, creds := mustService(b)
	tok, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password", ScopeProjectName: "local"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.AuthenticateToken(ctx, tok.Token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AuthenticateToken(ctx, tok.Token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticateSignature measures a warm AK/SK check of a typical
// SDK request, date check and lockout bookkeeping included (the bar: at most
// 20 µs).
func BenchmarkAuthenticateSignature(b *testing.B) {
	ctx := context.Background()
	s, creds := mustService(b)
	body := []byte(`{"name":"geo1","geoip":"CN|US","white":0,"status":1,"description":"block a few countries for a while"}` + "\n")
	req, _ := http.NewRequest("POST", "http://127.0.0.1:8080/v1/"+creds.ProjectID+"/waf/policy/pol-1/geoip?enterprise_project_id=0", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0; bench")
	req.Header.Set("X-Project-Id", creds.ProjectID)
	aksk.Sign(req, body, creds.AccessKey, creds.SecretKey, time.Now())
	if _, err := s.AuthenticateSignature(ctx, req, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AuthenticateSignature(ctx, req, body); err != nil {
			b.Fatal(err)
		}
	}
}
