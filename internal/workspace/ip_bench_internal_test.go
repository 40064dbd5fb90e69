package workspace

import (
	"fmt"
	"testing"
)

// BenchmarkParseIPsLargeBody measures parsing the largest ip_list a 1 MiB
// request body holds (about 20,000 entries of distinct /32s): the cost
// an authenticated client can impose with one refused create or ADD_IP.
func BenchmarkParseIPsLargeBody(b *testing.B) {
	in := make([]IPInput, 20000)
	for i := range in {
		in[i] = IPInput{Address: fmt.Sprintf("10.%d.%d.1", i/256, i%256), Mask: "32"}
	}
	b.ReportAllocs()
	for b.Loop() {
		if out, err := parseIPs("ip_list", in); err != nil || len(out) != len(in) {
			b.Fatal(len(out), err)
		}
	}
}
