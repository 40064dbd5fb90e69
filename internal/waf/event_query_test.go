package waf_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

var queryNow = time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)

func TestParseEventQueryWindows(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		query    string
		from, to time.Time
	}{
		{"recent=today", day, queryNow},
		{"recent=yesterday", day.Add(-24 * time.Hour), day.Add(-time.Millisecond)},
		{"recent=3days", queryNow.Add(-72 * time.Hour), queryNow},
		{"recent=1week", queryNow.Add(-7 * 24 * time.Hour), queryNow},
		{"recent=1month", queryNow.Add(-30 * 24 * time.Hour), queryNow},
		{"recent=today&from=1&to=2", day, queryNow}, // recent wins
		{"from=1000&to=2000", time.UnixMilli(1000).UTC(), time.UnixMilli(2000).UTC()},
	} {
		q, _ := url.ParseQuery(c.query)
		f, err := waf.ParseEventQuery("p", q, queryNow)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if !f.From.Equal(c.from) || !f.To.Equal(c.to) {
			t.Errorf("%s: [%v, %v], want [%v, %v]", c.query, f.From, f.To, c.from, c.to)
		}
	}
}

func TestParseEventQueryTerms(t *testing.T) {
	t.Parallel()
	q, _ := url.ParseQuery("recent=today&attacks=custom_geoip&attacks=sqli&nattacks=custom_whiteblackip&hosts=a,b&instances=b" +
		"&sip=10.0.0.1&query_mode=equal&sips=10.0.0.1&sips=10.0.0.2&domain=shop&ndomain=x&sort_key=sort_ip&sort_direction=asc&page=3&pagesize=20" +
		"&payload=union")
	f, err := waf.ParseEventQuery("p", q, queryNow)
	if err != nil {
		t.Fatal(err)
	}
	at := f.Terms[waf.EventFieldAttack]
	if len(at.In) != 2 || at.In[0] != "custom_geoip" || at.In[1] != "sqli" || len(at.NotIn) != 1 || at.NotIn[0] != "custom_whiteblackip" {
		t.Errorf("attacks %+v", at)
	}
	if p := f.Terms[waf.EventFieldPayload]; p.Contains != "union" {
		t.Errorf("payload %+v", p)
	}
	if h := f.Terms[waf.EventFieldHostID]; len(h.In) != 1 || h.In[0] != "b" { // hosts ∩ instances
		t.Errorf("hosts %+v", h)
	}
	if ip := f.Terms[waf.EventFieldClientIP]; len(ip.In) != 1 || ip.In[0] != "10.0.0.1" || ip.Contains != "" { // sips ∩ sip
		t.Errorf("client IP %+v", ip)
	}
	if d := f.Terms[waf.EventFieldHost]; d.Contains != "shop" || d.NotContains != "" { // domain wins
		t.Errorf("domain %+v", d)
	}
	if f.SortBy != waf.EventFieldClientIP || !f.Ascending || f.Page.Offset != 40 || f.Page.Limit != 20 || f.EnterpriseProjectID != "0" {
		t.Errorf("filter %+v", f)
	}
}

// FuzzParseEventQuery: any query either parses into a bounded filter or is
// refused with a KindInvalid WAF error; never a panic.
func FuzzParseEventQuery(f *testing.F) {
	for _, s := range []string{
		"recent=today", "from=0&to=1", "recent=1week&hosts=a,b&attacks=custom_geoip&sort_key=host&sort_direction=asc",
		"recent=today&sip=1.2&query_mode=equal&page=2&pagesize=1000", "from=-1&to=5", "recent=x", "%zz", "recent=today&ids=,,,",
		"from=9223372036854775807&to=9223372036854775807", "recent=today&payload=x&response_codes=418",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := waf.ParseEventQuery("p", q, queryNow)
		if err != nil {
			e := rampart.AsError(err)
			if e.Kind != rampart.KindInvalid || !strings.HasPrefix(e.Code, "WAF.") || e.Message == "" {
				t.Fatalf("error %#v", e)
			}
			return
		}
		if flt.To.Before(flt.From) || flt.To.Sub(flt.From) > 30*24*time.Hour || flt.Page.Limit < 1 || flt.Page.Limit > 1000 {
			t.Fatalf("accepted %q as %+v", raw, flt)
		}
		for _, tm := range flt.Terms {
			// Two lists of at most 100 values each, plus the provinces a
			// country adds.
			if len(tm.In) > 300 || len(tm.NotIn) > 300 {
				t.Fatalf("unbounded terms for %q", raw)
			}
		}
	})
}

// Events record the client's province when it is known ("GD"), else its
// country: ip_countries=CN must select the Chinese provinces too (and
// nip_countries=CN exclude them); with ip_regions as well, both restrict.
func TestParseEventQueryCountryCoversProvinces(t *testing.T) {
	t.Parallel()
	parse := func(raw string) waf.EventTerms {
		t.Helper()
		q, _ := url.ParseQuery("recent=today&" + raw)
		f, err := waf.ParseEventQuery("p", q, queryNow)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return f.Terms[waf.EventFieldLocation]
	}
	has := func(vs []string, v string) bool { return slices.Contains(vs, v) }
	if l := parse("ip_countries=CN&ip_countries=US"); !has(l.In, "CN") || !has(l.In, "GD") || !has(l.In, "BJ") || !has(l.In, "US") {
		t.Errorf("ip_countries=CN,US selects %v", l.In)
	}
	if l := parse("nip_countries=CN"); !has(l.NotIn, "CN") || !has(l.NotIn, "ZJ") || has(l.NotIn, "US") {
		t.Errorf("nip_countries=CN excludes %v", l.NotIn)
	}
	if l := parse("ip_countries=CN&ip_regions=GD"); len(l.In) != 1 || l.In[0] != "GD" {
		t.Errorf("ip_countries=CN with ip_regions=GD selects %v", l.In)
	}
	if l := parse("ip_countries=US&ip_regions=GD"); has(l.In, "US") || has(l.In, "GD") {
		t.Errorf("ip_countries=US with ip_regions=GD selects %v", l.In)
	}
}
