//go:build !unix

package ratelimit_test

import "time"

func processCPU() time.Duration { return 0 }
