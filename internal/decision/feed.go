package decision

import (
	"context"
	"net/netip"
	"time"
)

// Entry is one emergency entry in force at a layer, as change feeds
// report it. Exactly one of Prefix, User and Domain is set. A client keys
// its state by the whole entry: two policies may list the same target, and
// an entry whose expiry changes is reported removed with its old expiry
// and added with the new one.
type Entry struct {
	Block    bool // BLOCK; false: WHITE
	PolicyID string
	Prefix   netip.Prefix // an address is a /32 or /128
	User     string
	Domain   string
	Expires  time.Time // zero: never
}

// Changes is what changed in a layer's emergency entries since a
// revision. When Reset is set, Added is the complete set of entries in
// force and the client replaces its state with it (the revision asked for
// was 0, older than the feed remembers, or from before a restart);
// otherwise the client removes Removed and then adds Added. Revision is
// the revision to ask for next.
type Changes struct {
	Revision uint64
	Reset    bool
	Added    []Entry
	Removed  []Entry
}

// Feed reports each project's emergency entries per layer as a snapshot
// and then as changes, so that enforcement points outside the process
// (firewall agents, bouncers) follow them.
type Feed interface {
	// Changes returns the changes of the project's layer since revision
	// since (0: a full snapshot). When nothing has changed it waits up to
	// wait for a change (an expiry counts as a removal) and returns as
	// soon as one lands, or an empty Changes at the same revision when
	// wait passes or ctx ends. Errors are internal.
	Changes(ctx context.Context, projectID string, layer Layer, since uint64, wait time.Duration) (Changes, error)
	// Entries returns the entries in force at the project's layer now
	// and the feed's revision.
	Entries(ctx context.Context, projectID string, layer Layer) ([]Entry, uint64, error)
}
