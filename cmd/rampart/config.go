package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// envFlags registers flags whose defaults come from environment variables,
// so every flag has an env twin and a flag given on the command line wins.
type envFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
	// stdout receives the usage that -h or --help asks for; stderr the
	// usage after a mistake. usage heads the list of flags.
	stdout, stderr io.Writer
	usage          string
}

func (e *envFlags) help(usage, env string) string { return fmt.Sprintf("%s (env %s)", usage, env) }

func (e *envFlags) String(p *string, name, env, def, usage string) {
	if v := e.getenv(env); v != "" {
		def = v
	}
	e.fs.StringVar(p, name, def, e.help(usage, env))
}

func (e *envFlags) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	if v := e.getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: %w", env, v, err))
		} else {
			def = d
		}
	}
	e.fs.DurationVar(p, name, def, e.help(usage, env))
}

func (e *envFlags) Int64(p *int64, name, env string, def int64, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: %w", env, v, err))
		} else {
			def = n
		}
	}
	e.fs.Int64Var(p, name, def, e.help(usage, env))
}

func (e *envFlags) Float64(p *float64, name, env string, def float64, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: %w", env, v, err))
		} else {
			def = n
		}
	}
	e.fs.Float64Var(p, name, def, e.help(usage, env))
}

func (e *envFlags) Int(p *int, name, env string, def int, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: %w", env, v, err))
		} else {
			def = n
		}
	}
	e.fs.IntVar(p, name, def, e.help(usage, env))
}

// Bool registers a boolean flag; its env twin takes what strconv.ParseBool
// reads (true, false, 1, 0, …).
func (e *envFlags) Bool(p *bool, name, env string, def bool, usage string) {
	if v := e.getenv(env); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: %w", env, v, err))
		} else {
			def = b
		}
	}
	e.fs.BoolVar(p, name, def, e.help(usage, env))
}

// parseFlags parses the flags in args. For -h or --help it writes the usage
// to stdout and returns flag.ErrHelp; after a flag error (already shown) it
// writes the usage to stderr and returns errUsage; then it returns the
// errors of the environment twins.
func (e *envFlags) parseFlags(args []string) error {
	e.fs.SetOutput(e.stderr)
	e.fs.Usage = func() {} // written below, to the stream that fits
	if err := e.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.writeUsage(e.stdout)
			return err
		}
		e.writeUsage(e.stderr)
		return errUsage
	}
	if len(e.errs) > 0 {
		return errors.Join(e.errs...)
	}
	return nil
}

// writeUsage writes the usage and the flags with their defaults to w.
func (e *envFlags) writeUsage(w io.Writer) {
	fmt.Fprint(w, e.usage)
	fmt.Fprintln(w, "\nFlags:")
	e.fs.SetOutput(w)
	e.fs.PrintDefaults()
	e.fs.SetOutput(e.stderr)
}

// parse is parseFlags for commands that take no arguments besides flags.
func (e *envFlags) parse(args []string) error {
	if err := e.parseFlags(args); err != nil {
		return err
	}
	if e.fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(e.fs.Args(), " "))
	}
	return nil
}
