// Package bouncer serves Rampart's decisions to CrowdSec bouncers: the
// bouncer keys (each sees one project's one layer) and the ban list a key
// pulls, as CrowdSec's Local API computes it for its bouncers: everything
// at startup, then what became banned and what stopped being banned since
// that key's last pull. It imports no infrastructure.
package bouncer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// Key is a bouncer's credential: a name, the project and layer whose
// decisions it sees, and the SHA-256 of its secret (the secret itself is
// shown once, when the key is added, and never stored).
type Key struct {
	ID        string
	Name      string
	ProjectID string
	Layer     decision.Layer
	Hash      string // hex SHA-256 of the secret
	CreatedAt time.Time
	LastPull  time.Time // zero: never pulled
}

// Store keeps bouncer keys and, per key, what its bouncer was last sent
// (an opaque snapshot and the deltas written after it, in order), so that
// a pull after a restart still answers what changed.
//
// CreateBouncer returns a KindConflict error when the name or hash is
// taken; BouncerByHash and DeleteBouncer return KindNotFound when no key
// matches. Deleting a key deletes its sent state.
type Store interface {
	CreateBouncer(ctx context.Context, k Key) error
	Bouncers(ctx context.Context) ([]Key, error)
	BouncerByHash(ctx context.Context, hash string) (Key, error)
	DeleteBouncer(ctx context.Context, name string) error
	TouchBouncer(ctx context.Context, id string, at time.Time) error
	// ResetSent replaces the key's sent state with snapshot and drops its
	// deltas; AppendSent adds one delta after the others.
	ResetSent(ctx context.Context, id string, snapshot []byte) error
	AppendSent(ctx context.Context, id string, delta []byte) error
	// Sent returns the snapshot (nil: none yet) and the deltas after it,
	// oldest first.
	Sent(ctx context.Context, id string) (snapshot []byte, deltas [][]byte, err error)
}

// HashSecret returns the hex SHA-256 of a key's secret, as stored.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a random secret of 32 bytes, hex encoded.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// newID returns a random 32-hex-character identifier.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
