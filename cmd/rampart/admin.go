package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

const adminUsageHead = `Usage: rampart admin [--data-dir DIR] [--store DSN] [--account NAME] [--sqlite-synchronous MODE] [--secmaster-max-policies N] [--secmaster-max-ageing-policies N] <command> [args]

Works directly on the store (the server may be running); give it the server's
--sqlite-synchronous (or RAMPART_SQLITE_SYNCHRONOUS) so its writes are as durable. Commands:
`

const adminUsageTail = `
A running server notices revocations made here within 30 seconds.
Every command answers -h or --help with its usage.
`

// adminCall is what an admin command works with.
type adminCall struct {
	idm      *iam.Service
	bouncers *bouncer.Service
	out      io.Writer // a tab writer over stdout
	stdout   io.Writer // stdout itself
	account  string
	password string // --password
	id       string // --id
	project  string // --project
	layer    string // --layer
	bulk     bulkFlags
	sm       *secmaster.Service
}

// adminCommand is one `rampart admin` command.
type adminCommand struct {
	name  string // one or two words: "grant", "user create"
	args  string // its arguments, as the usage shows them
	about string
	npos  int // positional arguments, before any flag
	run   func(ctx context.Context, c *adminCall, pos []string) error
}

// adminCommands are the commands of `rampart admin`, in the order the usage
// lists them.
var adminCommands = []adminCommand{
	{"user create", "NAME [--password PW]", "create a user (prints a generated password)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		u, pw, err := c.idm.CreateUser(ctx, c.account, a[0], c.password)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "user\t%s\nuser_id\t%s\n", u.Name, u.ID)
		if c.password == "" {
			fmt.Fprintf(c.out, "password\t%s\n", pw)
		}
		return nil
	}},
	{"user list", "", "list users", 0, func(ctx context.Context, c *adminCall, _ []string) error {
		us, err := c.idm.Users(ctx, c.account)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, "NAME\tID\tENABLED\tCREATED")
		for _, u := range us {
			fmt.Fprintf(c.out, "%s\t%s\t%t\t%s\n", u.Name, u.ID, u.Enabled, u.CreatedAt.Format("2006-01-02T15:04:05Z"))
		}
		return nil
	}},
	{"project create", "NAME [--id ID]", "create a project (ID: 32 hex characters, generated if omitted)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		p, err := c.idm.CreateProject(ctx, c.account, a[0], c.id)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "project\t%s\nproject_id\t%s\n", p.Name, p.ID)
		return nil
	}},
	{"project list", "", "list projects", 0, func(ctx context.Context, c *adminCall, _ []string) error {
		ps, err := c.idm.Projects(ctx, c.account)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, "NAME\tID\tENABLED")
		for _, p := range ps {
			fmt.Fprintf(c.out, "%s\t%s\t%t\n", p.Name, p.ID, p.Enabled)
		}
		return nil
	}},
	{"grant", "USER PROJECT", "let USER act on PROJECT (ID or name)", 2, func(ctx context.Context, c *adminCall, a []string) error {
		p, err := c.idm.Grant(ctx, c.account, a[0], a[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "granted\t%s\tproject\t%s (%s)\n", a[0], p.Name, p.ID)
		return nil
	}},
	{"key create", "USER", "issue an access key pair for USER", 1, func(ctx context.Context, c *adminCall, a []string) error {
		k, err := c.idm.CreateAccessKey(ctx, c.account, a[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "access_key\t%s\nsecret_key\t%s\n", k.AccessKey, k.SecretKey)
		return nil
	}},
	{"key list", "USER", "list USER's access keys (secrets are not shown)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		ks, err := c.idm.AccessKeys(ctx, c.account, a[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, "ACCESS_KEY\tACTIVE\tCREATED")
		for _, k := range ks {
			fmt.Fprintf(c.out, "%s\t%t\t%s\n", k.AccessKey, k.Active, k.CreatedAt.Format("2006-01-02T15:04:05Z"))
		}
		return nil
	}},
	{"key revoke", "AK", "revoke an access key", 1, func(ctx context.Context, c *adminCall, a []string) error {
		if err := c.idm.RevokeAccessKey(ctx, a[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "revoked\t%s\n", a[0])
		return nil
	}},
	{"bouncer add", "NAME --project P --layer cfw|vpc|waf", "create a CrowdSec bouncer key for a project's layer (P: ID or name); the key is printed once, on the last line", 1, addBouncer},
	{"bouncer list", "", "list bouncer keys (the keys are not shown)", 0, func(ctx context.Context, c *adminCall, _ []string) error {
		ks, err := c.bouncers.Keys(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, "NAME\tPROJECT\tLAYER\tCREATED\tLAST_PULL")
		for _, k := range ks {
			last := "never"
			if !k.LastPull.IsZero() {
				last = k.LastPull.UTC().Format("2006-01-02T15:04:05Z")
			}
			fmt.Fprintf(c.out, "%s\t%s\t%s\t%s\t%s\n", k.Name, k.ProjectID, k.Layer, k.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), last)
		}
		return nil
	}},
	{"bouncer delete", "NAME", "delete a bouncer key (its next pull is refused)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		if err := c.bouncers.DeleteKey(ctx, a[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "deleted bouncer\t%s\n", a[0])
		return nil
	}},
	{"decisions import", "FILE --project P [--layer waf,cfw,vpc] [--format plain|csv|json] [--duration D] [--reason R] [--workspace ID] [--dry-run]",
		"block the addresses and networks of a file (plain lines, or CrowdSec's import CSV or JSON) as SecMaster emergency policies in force at once", 1, importDecisions},
	{"decisions export", "FILE --project P [--workspace ID]", "write the active Source Ip BLOCK policies' addresses to FILE (- for standard output) in the CSV format import reads", 1, exportDecisions},
	{"token revoke", "TOKEN", "revoke a token (the X-Subject-Token value)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		return revokeToken(ctx, c, iam.TokenID(a[0]))
	}},
	{"token revoke-id", "ID", "revoke a token by its ID (hex SHA-256 of the token)", 1, func(ctx context.Context, c *adminCall, a []string) error {
		return revokeToken(ctx, c, a[0])
	}},
}

// addBouncer creates a bouncer key; the key alone is the last line.
func addBouncer(ctx context.Context, c *adminCall, a []string) error {
	if c.project == "" || c.layer == "" {
		return errors.New("--project and --layer are mandatory")
	}
	project, err := c.projectID(ctx)
	if err != nil {
		return err
	}
	k, secret, err := c.bouncers.AddKey(ctx, a[0], project, c.layer)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "bouncer\t%s\nproject_id\t%s\nlayer\t%s\n", k.Name, k.ProjectID, k.Layer)
	if f, ok := c.out.(interface{ Flush() error }); ok {
		_ = f.Flush() // the tab writer would pad the key's line
	}
	fmt.Fprintf(c.out, "%s\n", secret)
	return nil
}

// projectID returns the ID of the project --project names (by ID or name)
// in the account.
func (c *adminCall) projectID(ctx context.Context) (string, error) {
	if c.project == "" {
		return "", errors.New("--project is mandatory")
	}
	ps, err := c.idm.Projects(ctx, c.account)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(ps, func(p *rampart.Project) bool { return p.ID == c.project || p.Name == c.project })
	if i < 0 {
		return "", fmt.Errorf("no project %s in account %s", c.project, c.account)
	}
	return ps[i].ID, nil
}

func revokeToken(ctx context.Context, c *adminCall, id string) error {
	if err := c.idm.RevokeTokenID(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "revoked token\t%s\n", id)
	return nil
}

// synopsis is the command with its arguments.
func (cmd *adminCommand) synopsis() string { return strings.TrimSpace(cmd.name + " " + cmd.args) }

// usage is the help of one command.
func (cmd *adminCommand) usage() string {
	return fmt.Sprintf("Usage: rampart admin [--data-dir DIR] [--store DSN] [--account NAME] [--sqlite-synchronous MODE] %s\n\n%s.\n%s",
		cmd.synopsis(), strings.ToUpper(cmd.about[:1])+cmd.about[1:], adminUsageTail)
}

// adminUsage is the help of `rampart admin`.
func adminUsage() string {
	var b strings.Builder
	b.WriteString(adminUsageHead)
	for _, cmd := range adminCommands {
		fmt.Fprintf(&b, "  %-33s  %s\n", cmd.synopsis(), cmd.about)
	}
	b.WriteString(adminUsageTail)
	return b.String()
}

// findAdminCommand returns the command args start with, if any.
func findAdminCommand(args []string) *adminCommand {
	for i := range adminCommands {
		words := strings.Fields(adminCommands[i].name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return &adminCommands[i]
		}
	}
	return nil
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// asksForHelp reports whether args contain a help flag that is not the value
// of a flag taking one (--password, --id).
func asksForHelp(args []string) bool {
	for i, a := range args {
		if isHelpFlag(a) && (i == 0 || !slices.Contains([]string{"-password", "--password", "-id", "--id", "-project", "--project", "-layer", "--layer", "-format", "--format", "-duration", "--duration", "-reason", "--reason", "-workspace", "--workspace"}, args[i-1])) {
			return true
		}
	}
	return false
}

func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rampart admin", flag.ContinueOnError)
	var dataDir, dsn, account, synchronous string
	e := &envFlags{fs: fs, getenv: getenv, stdout: stdout, stderr: stderr, usage: adminUsage()}
	e.String(&dataDir, "data-dir", "RAMPART_DATA_DIR", "./rampart-data", "data directory")
	e.String(&dsn, "store", "RAMPART_STORE", "", "store DSN")
	e.String(&account, "account", "RAMPART_ACCOUNT", "rampart", "account (domain) name")
	e.String(&synchronous, "sqlite-synchronous", "RAMPART_SQLITE_SYNCHRONOUS", "NORMAL", "SQLite synchronous mode: NORMAL or FULL, as the server's")
	var maxPolicies, maxAgeing int
	e.Int(&maxPolicies, "secmaster-max-policies", "RAMPART_SECMASTER_MAX_POLICIES", secmaster.DefaultMaxPolicies, "SecMaster emergency policies allowed per workspace, as the server's (decisions import)")
	e.Int(&maxAgeing, "secmaster-max-ageing-policies", "RAMPART_SECMASTER_MAX_AGEING_POLICIES", secmaster.DefaultMaxAgeing, "SecMaster policies with block aging allowed per workspace, as the server's (decisions import)")
	if err := e.parseFlags(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	rest := fs.Args()
	cmd := findAdminCommand(rest)
	// Help is answered before the store is looked at, whatever follows.
	if asksForHelp(rest) {
		if cmd != nil {
			fmt.Fprint(stdout, cmd.usage())
		} else {
			fmt.Fprint(stdout, adminUsage())
		}
		return nil
	}
	if cmd == nil {
		fmt.Fprint(stderr, adminUsage())
		return errUsage
	}
	rest = rest[len(strings.Fields(cmd.name)):]
	if len(rest) < cmd.npos {
		fmt.Fprint(stderr, cmd.usage())
		return errUsage
	}
	call := &adminCall{account: account}
	// Positional arguments come first; flags may follow them.
	sub := flag.NewFlagSet("rampart admin "+cmd.name, flag.ContinueOnError)
	sub.SetOutput(stderr)
	sub.StringVar(&call.password, "password", "", "password (generated if empty)")
	sub.StringVar(&call.id, "id", "", "project ID (generated if empty)")
	sub.StringVar(&call.project, "project", "", "project ID or name")
	sub.StringVar(&call.layer, "layer", "", "layer: cfw, vpc or waf (decisions import: a comma-separated list, default waf)")
	call.bulk.register(sub)
	if err := sub.Parse(rest[cmd.npos:]); err != nil {
		return errUsage
	}
	if sub.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", sub.Args())
	}

	// The store must exist already: opening a missing SQLite file would
	// create an empty one (a mistyped --data-dir), which a later serve
	// would bootstrap with new credentials.
	if !strings.Contains(dsn, "://") || strings.HasPrefix(dsn, "sqlite://") {
		if _, err := os.Stat(sqlitePath(dsn, dataDir)); err != nil {
			return fmt.Errorf("no store at %s (start rampart serve with this data dir first): %w", sqlitePath(dsn, dataDir), err)
		}
	}
	st, _, err := openStore(ctx, dsn, dataDir, storeOptions{SQLite: sqlite.Options{Synchronous: synchronous}})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkBootstrapped(ctx, dsn, st); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()
	call.idm, call.out, call.stdout = iam.New(st, iam.Config{}), tw, stdout
	call.bouncers = bouncer.New(st, nil, nil)
	call.sm = secmaster.New(st.SecMaster(), secmaster.Config{MaxPolicies: maxPolicies, MaxAgeing: maxAgeing})
	if err := cmd.run(ctx, call, rest[:cmd.npos]); err != nil {
		if e := rampart.AsError(err); e.Kind != rampart.KindInternal {
			return errors.New(e.Message)
		}
		return err
	}
	return nil
}
