package httpapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// noFeed is a decision.Feed with nothing in it.
type noFeed struct{}

func (noFeed) Changes(context.Context, string, decision.Layer, uint64, time.Duration) (decision.Changes, error) {
	return decision.Changes{}, nil
}

func (noFeed) Entries(context.Context, string, decision.Layer) ([]decision.Entry, uint64, error) {
	return nil, 0, nil
}

// FuzzStreamParams feeds arbitrary query strings to the change stream's
// and the nftables feed's parameter parsing: never a panic, every refusal
// a KindInvalid error with the API's code, and accepted values in range.
func FuzzStreamParams(f *testing.F) {
	for _, s := range []string{"layer=cfw", "layer=waf&since=0&timeout=0", "layer=iam&since=18446744073709551615&timeout=60",
		"layer=vpc&since=-1", "layer=cfw&timeout=61", "timeout=9223372037", "layer=workspace", "layer=CFW&layer=vpc", "%zz", "since=1&since=2"} {
		f.Add(s)
	}
	s := &server{feed: noFeed{}}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		check := func(err error) bool {
			if err == nil {
				return true
			}
			if e := rampart.AsError(err); e.Kind != rampart.KindInvalid || e.Code != codeDecisionParam || e.Message == "" {
				t.Fatalf("error %#v", e)
			}
			return false
		}
		if l, err := s.feedLayer(q, decision.LayerWAF, decision.LayerCFW, decision.LayerVPC, decision.LayerIAM); check(err) && l >= decision.NumLayers {
			t.Fatalf("layer %d", l)
		}
		if l, err := s.feedLayer(q, decision.LayerCFW, decision.LayerVPC); check(err) && l != decision.LayerCFW && l != decision.LayerVPC {
			t.Fatalf("nftables layer %s", l)
		}
		if _, wait, err := streamParams(q); check(err) && (wait < 0 || wait > streamMaxWait) {
			t.Fatalf("wait %v", wait)
		}
	})
}
