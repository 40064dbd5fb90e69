//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// tryLockFile does not lock on systems without flock: two servers on one
// data dir are not detected there (docs/compatibility.md).
func tryLockFile(*os.File) (bool, error) { return true, nil }
