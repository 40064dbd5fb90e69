package secmaster_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// SecMaster's workspace, policy, task and entry IDs are RFC 9562 version 7
// UUIDs (docs/compatibility.md): version nibble 7, RFC variant, and the
// Unix milliseconds of their creation in the first 48 bits.
func TestNewUUIDIsVersion7(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	before := time.Now().UnixMilli()
	id := secmaster.NewUUID()
	after := time.Now().UnixMilli()
	if !shape.MatchString(id) {
		t.Fatalf("%q is not a version 7 UUID", id)
	}
	ms, err := strconv.ParseInt(strings.ReplaceAll(id[:13], "-", ""), 16, 64)
	if err != nil || ms < before || ms > after {
		t.Fatalf("%q carries %d ms, want between %d and %d (%v)", id, ms, before, after, err)
	}
	if other := secmaster.NewUUID(); other == id {
		t.Fatalf("two IDs alike: %s", id)
	}
}
