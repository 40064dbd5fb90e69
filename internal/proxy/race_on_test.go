//go:build race

package proxy

// raceEnabled: the race detector makes sync.Pool drop items, so allocation
// counts of pooled objects are not meaningful.
const raceEnabled = true
