package waf

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// RecorderConfig tunes a Recorder. Zero fields take the defaults of
// DefaultRecorderConfig.
type RecorderConfig struct {
	// Capacity bounds the events waiting to be written (65,536). When the
	// queue is full, Record drops the event and counts it.
	Capacity int
	// BatchSize is the most events one transaction writes (512).
	BatchSize int
	// FlushInterval is how often the queue is drained and written (50 ms):
	// an event is stored within about this time.
	FlushInterval time.Duration
	// MaxAge is how long events are kept (30 days, the longest window
	// ListEvent can query).
	MaxAge time.Duration
	// MaxPerProject is how many events each project keeps at most, newest
	// first (1,000,000); older ones are pruned.
	MaxPerProject int
	// PruneInterval is how often retention is applied (1 minute).
	PruneInterval time.Duration
	// OnError is told of failed writes (events of a failed batch are
	// counted as dropped); nil ignores them.
	OnError func(error)
	// Now returns the current time (time.Now).
	Now func() time.Time
}

// DefaultRecorderConfig returns the defaults.
func DefaultRecorderConfig() RecorderConfig {
	return RecorderConfig{Capacity: 1 << 16, BatchSize: 512, FlushInterval: 50 * time.Millisecond,
		MaxAge: 30 * 24 * time.Hour, MaxPerProject: 1_000_000, PruneInterval: time.Minute}
}

// Recorder writes protection events durably without slowing the requests
// that produce them: Record puts an event on a bounded queue and never
// blocks; Run drains the queue every FlushInterval and writes it in
// batches, one transaction each, and applies retention. It is safe for concurrent use; Run must be called
// once. The zero Recorder is not usable; copying one is a bug.
type Recorder struct {
	store    EventStore
	cfg      RecorderConfig
	queue    chan Event
	dropped  atomic.Uint64
	recorded atomic.Uint64
	idPrefix [8]byte       // random per recorder
	idSeq    atomic.Uint64 // event IDs are idPrefix followed by the next value
}

// NewRecorder returns a recorder writing to store.
func NewRecorder(store EventStore, cfg RecorderConfig) *Recorder {
	def := DefaultRecorderConfig()
	if cfg.Capacity <= 0 {
		cfg.Capacity = def.Capacity
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = def.BatchSize
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = def.FlushInterval
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = def.MaxAge
	}
	if cfg.MaxPerProject == 0 {
		cfg.MaxPerProject = def.MaxPerProject
	}
	if cfg.PruneInterval <= 0 {
		cfg.PruneInterval = def.PruneInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Recorder{store: store, cfg: cfg, queue: make(chan Event, cfg.Capacity)}
	_, _ = rand.Read(r.idPrefix[:])
	var seq [8]byte
	_, _ = rand.Read(seq[:])
	r.idSeq.Store(binary.BigEndian.Uint64(seq[:]))
	return r
}

// NewEventID returns a new event ID: 32 lower-case hex characters, unique
// (a random 64-bit prefix per recorder and a 64-bit counter starting at a
// random value), without the system call of NewID. The data plane can
// show it on the block page before recording the event.
func (r *Recorder) NewEventID() string {
	var b [16]byte
	copy(b[:8], r.idPrefix[:])
	binary.BigEndian.PutUint64(b[8:], r.idSeq.Add(1))
	return hex.EncodeToString(b[:])
}

// Record queues ev for writing and reports whether it was queued. It never
// blocks: when the queue is full the event is dropped and counted. Empty
// ID and Time are filled in (NewEventID, now).
func (r *Recorder) Record(ev Event) bool {
	if ev.ID == "" {
		ev.ID = r.NewEventID()
	}
	if ev.Time.IsZero() {
		ev.Time = r.cfg.Now()
	}
	// The client chooses the request line: keep a bounded prefix, so that
	// long URLs cannot grow the store by up to the header limit per event.
	ev.URL = truncateUTF8(ev.URL, maxEventURL)
	ev.Method = truncateUTF8(ev.Method, maxEventMethod)
	ev.Host = truncateUTF8(ev.Host, maxEventHost) // any name under a wildcard host
	ev.Payload = truncateUTF8(ev.Payload, maxEventPayload)
	select {
	case r.queue <- ev:
		return true
	default:
		r.dropped.Add(1)
		return false
	}
}

// Request-line bounds of a recorded event, in bytes.
const (
	maxEventURL    = 2048 // as the ListEvent url filters
	maxEventMethod = 32
	maxEventHost   = 255 // a DNS name has at most 253
	// maxEventPayload bounds the excerpt: the data plane's is at most 64
	// bytes before escaping, at most four times that after.
	maxEventPayload = 256
)

// truncateUTF8 returns the longest prefix of s of at most n bytes that does
// not split a UTF-8 sequence.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// Dropped returns how many events were lost: refused by a full queue or
// in a batch the store failed to write.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Recorded returns how many events were written.
func (r *Recorder) Recorded() uint64 { return r.recorded.Load() }

// Queued returns how many events wait to be written.
func (r *Recorder) Queued() int { return len(r.queue) }

// Run writes queued events until ctx is done, then writes whatever is still
// queued and returns, so a graceful shutdown loses no event Record
// accepted before Run returned.
//
// Run does not wait on the queue: it wakes every FlushInterval and writes
// everything queued, in batches of at most BatchSize, so a Record never
// pays for waking the writer (a buffered channel send is all it costs).
func (r *Recorder) Run(ctx context.Context) {
	batch := make([]Event, 0, r.cfg.BatchSize)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// Writes outlive ctx: the final drain runs after it is done.
		if err := r.store.InsertEvents(context.WithoutCancel(ctx), batch); err != nil {
			r.dropped.Add(uint64(len(batch)))
			r.fail(err)
		} else {
			r.recorded.Add(uint64(len(batch)))
		}
		clear(batch)
		batch = batch[:0]
	}
	drain := func() {
		for {
			select {
			case ev := <-r.queue:
				if batch = append(batch, ev); len(batch) >= r.cfg.BatchSize {
					flush()
				}
			default:
				flush()
				return
			}
		}
	}
	r.pruneAll(ctx)
	tick := time.NewTicker(r.cfg.FlushInterval)
	defer tick.Stop()
	prune := time.NewTicker(r.cfg.PruneInterval)
	defer prune.Stop()
	for {
		select {
		case <-tick.C:
			drain()
		case <-prune.C:
			drain()
			r.pruneAll(ctx)
		case <-ctx.Done():
			drain()
			return
		}
	}
}

// pruneAll applies retention to every project with events.
func (r *Recorder) pruneAll(ctx context.Context) {
	ps, err := r.store.EventProjects(ctx)
	if err != nil {
		r.fail(err)
		return
	}
	for _, p := range ps {
		r.prune(ctx, p)
	}
}

func (r *Recorder) prune(ctx context.Context, projectID string) {
	if _, err := r.store.PruneEvents(ctx, projectID, r.cfg.Now().Add(-r.cfg.MaxAge), r.cfg.MaxPerProject); err != nil && ctx.Err() == nil {
		r.fail(err)
	}
}

func (r *Recorder) fail(err error) {
	if r.cfg.OnError != nil {
		r.cfg.OnError(err)
	}
}
