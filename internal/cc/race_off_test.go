//go:build !race

package cc_test

const raceEnabled = false
