// Command rampart is the Rampart security policy service: the
// Huawei-compatible control-plane APIs and their enforcement. main only
// wires the process to run; see run.go.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rampart:", err)
		stop()
		os.Exit(1)
	}
}
