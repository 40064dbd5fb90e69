package main

import (
	"errors"
	"flag"
	"fmt"
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

// parse parses args; it returns flag.ErrHelp for -h, errUsage for a flag
// error (already shown), and the errors of the environment twins.
func (e *envFlags) parse(args []string) error {
	if err := e.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if len(e.errs) > 0 {
		return errors.Join(e.errs...)
	}
	if e.fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(e.fs.Args(), " "))
	}
	return nil
}
