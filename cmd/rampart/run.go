package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// errUsage reports a command-line mistake; the usage text was already shown.
var errUsage = errors.New("invalid usage")

const usage = `Rampart: a self-hosted, Huawei Cloud compatible security policy service.

Usage:
  rampart serve [flags]      run the API server (see rampart serve -h)
  rampart proxy [flags]      run a WAF data-plane node from the same store (see rampart proxy -h)
  rampart admin <command>    manage users, projects, access keys and tokens (see rampart admin -h)
  rampart version            print the version
`

// run is the whole program: it parses args, reads configuration through
// getenv and writes to stdout and stderr. It returns when ctx is cancelled
// (for serve) or when the command is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "proxy":
		return runProxy(ctx, args[1:], getenv, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-version":
		if len(args) > 1 && isHelpFlag(args[1]) {
			fmt.Fprint(stdout, "Usage: rampart version\n\nPrints the version.\n")
			return nil
		}
		fmt.Fprintln(stdout, "rampart", buildVersion())
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

// buildVersion returns the version stamped at build time, else the module
// version or VCS revision recorded by the Go toolchain.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
