package main

import (
	"strings"
	"testing"
	"time"
)

// The data plane's size flags refuse values that would leave the CC
// limiter or the penalty box without room, naming the flag.
func TestProxyConfigRefusesEmptyTables(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*proxyConfig)
		want string
	}{
		{"defaults", func(*proxyConfig) {}, ""},
		{"no CC keys", func(c *proxyConfig) { c.CCMaxKeys = 0 }, "--cc-max-keys"},
		{"no penalty keys", func(c *proxyConfig) { c.PenaltyMaxKeys = -1 }, "--penalty-max-keys"},
		{"no traffic flush", func(c *proxyConfig) { c.TrafficInterval = 0 }, "--traffic-flush-interval"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := proxyConfig{MaxIdlePerHost: 256, CCMaxKeys: 1_000_000, PenaltyMaxKeys: 65_536, TrafficInterval: 5 * time.Second}
			tc.set(&c)
			err := c.validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}
