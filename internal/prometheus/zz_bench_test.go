package prometheus

import (
	"testing"
	"time"
)

// BenchmarkObserveAPIRequest is the cost of counting one API request (a
// series that exists), from one goroutine and from all.
func BenchmarkObserveAPIRequest(b *testing.B) {
	m := New()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.ObserveAPIRequest("waf", "GET", "/v1/{project_id}/waf/policy/{policy_id}", 200, "", time.Millisecond)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.ObserveAPIRequest("waf", "GET", "/v1/{project_id}/waf/policy/{policy_id}", 200, "", time.Millisecond)
			}
		})
	})
}
