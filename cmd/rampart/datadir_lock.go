package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// serveLockName is the file in the data dir that `rampart serve` holds
// locked while it runs; it contains the server's process ID.
const serveLockName = "serve.lock"

// lockDataDir makes sure no other `rampart serve` uses dir: it locks
// dir/serve.lock (created if missing) and writes this process's ID into it.
// The lock goes when the process ends, however it ends; release drops it
// earlier. `rampart proxy` and `rampart admin` do not take it, so they run
// beside the server.
func lockDataDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	path := filepath.Join(dir, serveLockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the data dir: %w", err)
	}
	held, err := tryLockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the data dir: %s: %w", path, err)
	}
	if !held {
		owner := readOwner(f)
		f.Close()
		return nil, fmt.Errorf("data dir %s is in use by another rampart serve (%s, holding %s); stop it or give this one its own --data-dir (rampart proxy and rampart admin may run beside it)",
			dir, owner, path)
	}
	pid := strconv.Itoa(os.Getpid()) + "\n"
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(pid), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the data dir: %s: %w", path, err)
	}
	return func() {
		// The file stays: removing it would let a third process lock a new
		// file while a second one still waits on this one.
		_ = f.Truncate(0)
		_ = f.Close()
	}, nil
}

// readOwner names the process holding the lock file f. The holder writes
// its ID just after it takes the lock, so an empty file is read again for
// up to a second before it is reported as such.
func readOwner(f *os.File) string {
	owner := make([]byte, 32)
	for try := 0; ; try++ {
		n, _ := f.ReadAt(owner, 0)
		if d := describeOwner(owner[:n]); n > 0 || try == 20 {
			return d
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// describeOwner names the process whose ID a lock file holds.
func describeOwner(content []byte) string {
	pid, err := strconv.Atoi(string(bytes.TrimSpace(content)))
	if err != nil || pid <= 0 {
		return "process ID not written yet"
	}
	return "pid " + strconv.Itoa(pid)
}
