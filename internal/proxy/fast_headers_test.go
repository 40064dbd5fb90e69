package proxy

import (
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"
)

// Every underscore spelling of a forwarding header is dropped, however
// many a client sends, and every header an origin's Connection lines name
// is removed, however many they name.
func TestHopByHopHeadersHaveNoCap(t *testing.T) {
	var in fasthttp.Request
	in.Header.DisableNormalizing()
	spellings := []string{"X_Forwarded_For", "X_Forwarded-For", "X-Forwarded_For", "x_real_ip", "X_Real-Ip",
		"X-Real_Ip", "X_Forwarded_Proto", "X_Forwarded_Host", "X-Forwarded_Host"}
	for _, k := range spellings {
		in.Header.Set(k, "203.0.113.9")
	}
	in.Header.Set("X_Other", "kept")
	var out fasthttp.Request
	out.Header.DisableNormalizing()
	in.Header.CopyTo(&out.Header)
	prepareUpstreamHeader(&out.Header, &in)
	for _, k := range spellings {
		if v := out.Header.Peek(k); len(v) > 0 {
			t.Errorf("%s reached the origin: %q", k, v)
		}
	}
	if string(out.Header.Peek("X_Other")) != "kept" {
		t.Error("an unrelated underscore header was dropped")
	}

	var resp fasthttp.Response
	names := ""
	for i := range 12 {
		name := "X-Hop-" + strconv.Itoa(i)
		resp.Header.Set(name, "1")
		if i > 0 {
			names += ", "
		}
		names += name
	}
	resp.Header.Set("Connection", names)
	resp.Header.Set("X-End", "kept")
	cleanResponseHeader(&resp.Header)
	for i := range 12 {
		if v := resp.Header.Peek("X-Hop-" + strconv.Itoa(i)); len(v) > 0 {
			t.Errorf("X-Hop-%d reached the client", i)
		}
	}
	if string(resp.Header.Peek("X-End")) != "kept" {
		t.Error("a header the Connection line does not name was dropped")
	}
}
