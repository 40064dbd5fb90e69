package proxy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
)

// KeySource lists the bouncer keys; forward auth takes those of the WAF
// layer. bouncer.Store implements it.
type KeySource interface {
	Bouncers(ctx context.Context) ([]bouncer.Key, error)
}

// keyRefreshEvery is how often Run reads the bouncer keys again: a key
// added or deleted (rampart admin bouncer add|delete, possibly by another
// process) is in force within this time.
const keyRefreshEvery = time.Second

// keyTable maps the SHA-256 of a forward-auth key's secret to its project.
type keyTable map[[sha256.Size]byte]string

// RefreshKeys reads the bouncer keys (Deps.Keys) and puts the WAF layer's
// in force for forward auth. On an error the keys in force stay.
func (p *Proxy) RefreshKeys(ctx context.Context) error {
	if p.deps.Keys == nil {
		return nil
	}
	ks, err := p.deps.Keys.Bouncers(ctx)
	if err != nil {
		return err
	}
	t := make(keyTable, len(ks))
	for _, k := range ks {
		var sum [sha256.Size]byte
		if k.Layer != decision.LayerWAF {
			continue
		}
		if n, err := hex.Decode(sum[:], []byte(k.Hash)); err != nil || n != len(sum) {
			continue
		}
		t[sum] = k.ProjectID
	}
	p.fauthKeys.Store(&t)
	return nil
}

// keyProject returns the project of a forward-auth key's secret, without
// allocating.
func (p *Proxy) keyProject(secret []byte) (string, bool) {
	t := p.fauthKeys.Load()
	if t == nil {
		return "", false
	}
	project, ok := (*t)[sha256.Sum256(secret)]
	return project, ok
}
