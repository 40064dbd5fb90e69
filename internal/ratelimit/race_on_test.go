//go:build race

package ratelimit_test

// raceEnabled: the race detector makes filling a million keys slow.
const raceEnabled = true
