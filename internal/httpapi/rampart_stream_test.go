package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// stream calls the change stream of the env's project.
func (e *decEnv) stream(query string) response {
	e.t.Helper()
	return e.call("GET", "/v1/"+e.Creds.ProjectID+"/rampart/decisions/stream?"+query, "")
}

// revisionOf reads the revision of a stream answer as the integer a client
// sends back.
func revisionOf(t *testing.T, res response) string {
	t.Helper()
	rev, ok := res.Body["revision"].(float64)
	if !ok {
		t.Fatalf("no revision: %s", res.Raw)
	}
	return fmt.Sprintf("%.0f", rev)
}

func entriesOf(res response, key string) []map[string]any {
	var out []map[string]any
	for _, x := range res.Body[key].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// The stream answers a full snapshot for since=0, then the changes since
// a revision, and a long poll with nothing changed returns as soon as a
// write lands.
func TestDecisionStream(t *testing.T) {
	e := mustServeDecisions(t)

	res := e.stream("layer=cfw&since=0&timeout=0")
	if res.Status != 200 || res.Body["reset"] != true || len(entriesOf(res, "added")) != 0 || res.Body["layer"] != "cfw" {
		t.Fatalf("empty snapshot: %d %s", res.Status, res.Raw)
	}

	e.smBlock(secmaster.LayerCFW, secmaster.TypeSourceIP, "203.0.113.0/24")
	var snap response
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap = e.stream("layer=cfw&since=0&timeout=0")
		if snap.Status != 200 {
			t.Fatalf("snapshot: %d %s", snap.Status, snap.Raw)
		}
		if len(entriesOf(snap, "added")) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("block not in the snapshot within 10 s: %s", snap.Raw)
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := entriesOf(snap, "added")[0]
	if snap.Body["reset"] != true || got["category"] != "block" || got["type"] != "ip" || got["object"] != "203.0.113.0/24" ||
		got["policy_id"] == "" || got["expires_at"] != nil {
		t.Fatalf("snapshot entry: %s", snap.Raw)
	}
	rev1 := revisionOf(t, snap)
	if res := e.stream("layer=vpc&since=0&timeout=0"); len(entriesOf(res, "added")) != 0 {
		t.Fatalf("other layer: %s", res.Raw)
	}

	// A delta: the next write is reported as added, not as a snapshot.
	e.smBlock(secmaster.LayerCFW, secmaster.TypeSourceIP, "2001:db8::/32")
	delta := e.stream("layer=cfw&timeout=10&since=" + rev1)
	added := entriesOf(delta, "added")
	if delta.Status != 200 || delta.Body["reset"] != false || len(added) != 1 || added[0]["object"] != "2001:db8::/32" ||
		len(entriesOf(delta, "removed")) != 0 {
		t.Fatalf("delta: %d %s", delta.Status, delta.Raw)
	}
	rev2 := revisionOf(t, delta)
	if rev2 == rev1 {
		t.Fatalf("revision did not move: %s", delta.Raw)
	}

	// Nothing changed: a short poll answers empty at the same revision.
	if res := e.stream("layer=cfw&timeout=0&since=" + rev2); res.Body["reset"] != false || len(entriesOf(res, "added")) != 0 ||
		revisionOf(t, res) != rev2 {
		t.Fatalf("no change: %s", res.Raw)
	}

	// A long poll outlasting the server's write timeout still answers
	// (empty, at the same revision).
	if res := e.stream("layer=cfw&timeout=3&since=" + rev2); res.Status != 200 || len(entriesOf(res, "added")) != 0 || revisionOf(t, res) != rev2 {
		t.Fatalf("poll past the write timeout (%v): %d %s", decWriteTimeout, res.Status, res.Raw)
	}

	// A long poll waiting at rev2 wakes up with the next write.
	answer := make(chan response, 1)
	go func() { answer <- e.stream("layer=cfw&timeout=60&since=" + rev2) }()
	time.Sleep(50 * time.Millisecond) // let the poll start waiting (correct either way)
	wrote := time.Now()
	e.smBlock(secmaster.LayerCFW, secmaster.TypeSourceIP, "198.51.100.7")
	select {
	case res := <-answer:
		added := entriesOf(res, "added")
		if res.Status != 200 || len(added) != 1 || added[0]["object"] != "198.51.100.7/32" {
			t.Fatalf("woken poll: %d %s", res.Status, res.Raw)
		}
		t.Logf("long poll answered %v after the write", time.Since(wrote))
	case <-time.After(30 * time.Second):
		t.Fatal("the long poll did not answer within 30 s of the write")
	}

	// A revision this process never issued (from before a restart) gets a
	// snapshot with reset.
	if res := e.stream("layer=cfw&timeout=0&since=1"); res.Body["reset"] != true || len(entriesOf(res, "added")) != 3 {
		t.Fatalf("old revision: %s", res.Raw)
	}
}

func TestDecisionStreamBadParameters(t *testing.T) {
	e := mustServeDecisions(t)
	for _, tc := range []struct{ query, field string }{
		{"", "layer"},
		{"layer=workspace", "layer"},
		{"layer=dns", "layer"},
		{"layer=cfw&layer=vpc", "layer"},
		{"layer=cfw&since=-1", "since"},
		{"layer=cfw&since=abc", "since"},
		{"layer=cfw&since=1&since=2", "since"},
		{"layer=cfw&timeout=61", "timeout"},
		{"layer=cfw&timeout=-1", "timeout"},
		{"layer=cfw&timeout=1s", "timeout"},
		{"layer=cfw&timeout=9223372037", "timeout"}, // seconds that overflow a Duration
	} {
		res := e.stream(tc.query)
		if res.Status != 400 || res.Body["error_code"] != "RAMPART.DEC.0001" || !strings.Contains(fmt.Sprint(res.Body["error_msg"]), tc.field) {
			t.Errorf("%q: %d %s", tc.query, res.Status, res.Raw)
		}
	}
}

func TestDecisionStreamOtherProject(t *testing.T) {
	e := mustServeDecisions(t)
	res := do(t, newRequest(t, "GET", e.URL+"/v1/"+e.Creds.ProjectID+"/rampart/decisions/stream?layer=cfw", ""))
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d %s", res.Status, res.Raw)
	}
	other := "00000000000000000000000000000000"
	res = e.call("GET", "/v1/"+other+"/rampart/decisions/stream?layer=cfw&timeout=0", "")
	if res.Status != http.StatusForbidden {
		t.Fatalf("other project: %d %s", res.Status, res.Raw)
	}
}
