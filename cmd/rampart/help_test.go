package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command and subcommand answers -h and --help with its usage on
// stdout and exit status 0, before it looks at a store: nothing is created,
// and no argument is taken for a name.
func TestEveryCommandAnswersHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the usage
	}{
		{nil, "rampart serve"},
		{[]string{"serve"}, "Usage: rampart serve"},
		{[]string{"proxy"}, "Usage: rampart proxy"},
		{[]string{"version"}, "Usage: rampart version"},
		{[]string{"admin"}, "user create NAME"},
		{[]string{"admin", "user"}, "user create NAME"},
		{[]string{"admin", "--data-dir", "elsewhere", "project"}, "project create NAME"},
		{[]string{"admin", "user", "create"}, "user create NAME [--password PW]"},
		{[]string{"admin", "user", "create", "alice"}, "user create NAME [--password PW]"},
		{[]string{"admin", "user", "create", "alice", "--password", "long-password"}, "user create NAME [--password PW]"},
		{[]string{"admin", "user", "list"}, "user list\n"},
		{[]string{"admin", "project", "create"}, "project create NAME [--id ID]"},
		{[]string{"admin", "project", "list"}, "project list\n"},
		{[]string{"admin", "grant"}, "grant USER PROJECT"},
		{[]string{"admin", "grant", "alice"}, "grant USER PROJECT"},
		{[]string{"admin", "key", "create"}, "key create USER"},
		{[]string{"admin", "key", "list"}, "key list USER"},
		{[]string{"admin", "key", "revoke"}, "key revoke AK"},
		{[]string{"admin", "token", "revoke"}, "token revoke TOKEN"},
		{[]string{"admin", "token", "revoke-id"}, "token revoke-id ID"},
	} {
		for _, help := range []string{"-h", "--help"} {
			args := append(append([]string(nil), tc.args...), help)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "data")
				var stdout, stderr bytes.Buffer
				err := run(context.Background(), args, env(map[string]string{"RAMPART_DATA_DIR": dir}), &stdout, &stderr)
				if err != nil {
					t.Fatalf("err = %v (exit 1), want exit 0\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
				}
				if !strings.Contains(stdout.String(), tc.want) {
					t.Errorf("stdout does not show the usage (%q):\n%s", tc.want, &stdout)
				}
				if stderr.Len() > 0 {
					t.Errorf("stderr:\n%s", &stderr)
				}
				if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
					t.Errorf("help created %s (%v)", dir, serr)
				}
			})
		}
	}
}
