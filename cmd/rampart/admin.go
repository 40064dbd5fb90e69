package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
)

const adminUsage = `Usage: rampart admin [--data-dir DIR] [--store DSN] [--account NAME] [--sqlite-synchronous MODE] <command> [args]

Works directly on the store (the server may be running); give it the server's
--sqlite-synchronous (or RAMPART_SQLITE_SYNCHRONOUS) so its writes are as durable. Commands:
  user create NAME [--password PW]   create a user (prints a generated password)
  user list                          list users
  project create NAME [--id ID]      create a project (ID: 32 hex characters, generated if omitted)
  project list                       list projects
  grant USER PROJECT                 let USER act on PROJECT (ID or name)
  key create USER                    issue an access key pair for USER
  key list USER                      list USER's access keys (secrets are not shown)
  key revoke AK                      revoke an access key
  token revoke TOKEN                 revoke a token (the X-Subject-Token value)
  token revoke-id ID                 revoke a token by its ID (hex SHA-256 of the token)

A running server notices revocations made here within 30 seconds.
`

func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rampart admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, adminUsage) }
	var dataDir, dsn, account, synchronous string
	e := &envFlags{fs: fs, getenv: getenv}
	e.String(&dataDir, "data-dir", "RAMPART_DATA_DIR", "./rampart-data", "data directory")
	e.String(&dsn, "store", "RAMPART_STORE", "", "store DSN")
	e.String(&account, "account", "RAMPART_ACCOUNT", "rampart", "account (domain) name")
	e.String(&synchronous, "sqlite-synchronous", "RAMPART_SQLITE_SYNCHRONOUS", "NORMAL", "SQLite synchronous mode: NORMAL or FULL, as the server's")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	rest := fs.Args()
	if len(rest) < 2 {
		fs.Usage()
		return errUsage
	}
	// The store must exist already: opening a missing SQLite file would
	// create an empty one (a mistyped --data-dir), which a later serve
	// would bootstrap with new credentials.
	if !strings.Contains(dsn, "://") || strings.HasPrefix(dsn, "sqlite://") {
		if _, err := os.Stat(sqlitePath(dsn, dataDir)); err != nil {
			return fmt.Errorf("no store at %s (start rampart serve with this data dir first): %w", sqlitePath(dsn, dataDir), err)
		}
	}
	st, _, err := openStore(ctx, dsn, dataDir, synchronous, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	idm := iam.New(st, iam.Config{})
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()

	sub := flag.NewFlagSet("rampart admin "+rest[0]+" "+rest[1], flag.ContinueOnError)
	sub.SetOutput(stderr)
	password := sub.String("password", "", "password (generated if empty)")
	projectID := sub.String("id", "", "project ID (generated if empty)")
	// Positional arguments come first; flags may follow them.
	positional := func(n int) ([]string, error) {
		args := rest[2:]
		if len(args) < n {
			fs.Usage()
			return nil, errUsage
		}
		if err := sub.Parse(args[n:]); err != nil {
			return nil, errUsage
		}
		if sub.NArg() > 0 {
			return nil, fmt.Errorf("unexpected arguments: %v", sub.Args())
		}
		return args[:n], nil
	}
	show := func(err error) error {
		if err == nil {
			return nil
		}
		if e := rampart.AsError(err); e.Kind != rampart.KindInternal {
			return errors.New(e.Message)
		}
		return err
	}

	switch rest[0] + " " + rest[1] {
	case "user create":
		a, err := positional(1)
		if err != nil {
			return err
		}
		u, pw, err := idm.CreateUser(ctx, account, a[0], *password)
		if err != nil {
			return show(err)
		}
		fmt.Fprintf(tw, "user\t%s\nuser_id\t%s\n", u.Name, u.ID)
		if *password == "" {
			fmt.Fprintf(tw, "password\t%s\n", pw)
		}
	case "user list":
		if _, err := positional(0); err != nil {
			return err
		}
		us, err := idm.Users(ctx, account)
		if err != nil {
			return show(err)
		}
		fmt.Fprintln(tw, "NAME\tID\tENABLED\tCREATED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%t\t%s\n", u.Name, u.ID, u.Enabled, u.CreatedAt.Format("2006-01-02T15:04:05Z"))
		}
	case "project create":
		a, err := positional(1)
		if err != nil {
			return err
		}
		p, err := idm.CreateProject(ctx, account, a[0], *projectID)
		if err != nil {
			return show(err)
		}
		fmt.Fprintf(tw, "project\t%s\nproject_id\t%s\n", p.Name, p.ID)
	case "project list":
		if _, err := positional(0); err != nil {
			return err
		}
		ps, err := idm.Projects(ctx, account)
		if err != nil {
			return show(err)
		}
		fmt.Fprintln(tw, "NAME\tID\tENABLED")
		for _, p := range ps {
			fmt.Fprintf(tw, "%s\t%s\t%t\n", p.Name, p.ID, p.Enabled)
		}
	case "key create":
		a, err := positional(1)
		if err != nil {
			return err
		}
		k, err := idm.CreateAccessKey(ctx, account, a[0])
		if err != nil {
			return show(err)
		}
		fmt.Fprintf(tw, "access_key\t%s\nsecret_key\t%s\n", k.AccessKey, k.SecretKey)
	case "key list":
		a, err := positional(1)
		if err != nil {
			return err
		}
		ks, err := idm.AccessKeys(ctx, account, a[0])
		if err != nil {
			return show(err)
		}
		fmt.Fprintln(tw, "ACCESS_KEY\tACTIVE\tCREATED")
		for _, k := range ks {
			fmt.Fprintf(tw, "%s\t%t\t%s\n", k.AccessKey, k.Active, k.CreatedAt.Format("2006-01-02T15:04:05Z"))
		}
	case "key revoke":
		a, err := positional(1)
		if err != nil {
			return err
		}
		if err := idm.RevokeAccessKey(ctx, a[0]); err != nil {
			return show(err)
		}
		fmt.Fprintf(tw, "revoked\t%s\n", a[0])
	case "token revoke", "token revoke-id":
		a, err := positional(1)
		if err != nil {
			return err
		}
		id := a[0]
		if rest[1] == "revoke" {
			id = iam.TokenID(a[0])
		}
		if err := idm.RevokeTokenID(ctx, id); err != nil {
			return show(err)
		}
		fmt.Fprintf(tw, "revoked token\t%s\n", id)
	default:
		if rest[0] == "grant" {
			a := rest[1:]
			if len(a) != 2 {
				fs.Usage()
				return errUsage
			}
			p, err := idm.Grant(ctx, account, a[0], a[1])
			if err != nil {
				return show(err)
			}
			fmt.Fprintf(tw, "granted\t%s\tproject\t%s (%s)\n", a[0], p.Name, p.ID)
			return nil
		}
		fs.Usage()
		return errUsage
	}
	return nil
}
