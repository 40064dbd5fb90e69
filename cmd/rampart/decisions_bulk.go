package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// bulkFlags are the flags of `rampart admin decisions import|export`.
type bulkFlags struct {
	format    string
	duration  string
	reason    string
	workspace string
	dryRun    bool
}

// register adds the flags to fs.
func (b *bulkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.format, "format", "", "decisions import: plain, csv or json (default: from the file name's extension)")
	fs.StringVar(&b.duration, "duration", "", "decisions import: duration of the lines that give none (4h, 30m, 7d; default: no expiry)")
	fs.StringVar(&b.reason, "reason", "", "decisions import: reason of the lines that give none (the policies' description)")
	fs.StringVar(&b.workspace, "workspace", "", "decisions import|export: SecMaster workspace ID (default: the project's default workspace)")
	fs.BoolVar(&b.dryRun, "dry-run", false, "decisions import: check the file and count, store nothing")
}

// importLayers reads --layer for an import: a comma-separated list of
// layers, WAF when empty.
func importLayers(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{secmaster.LayerWAF}
	}
	var out []string
	for _, l := range strings.Split(s, ",") {
		out = append(out, strings.ToUpper(strings.TrimSpace(l)))
	}
	return out
}

// importDecisions runs `rampart admin decisions import FILE`.
func importDecisions(ctx context.Context, c *adminCall, a []string) error {
	project, err := c.projectID(ctx)
	if err != nil {
		return err
	}
	def := secmaster.BlocklistDefaults{Reason: c.bulk.reason}
	if c.bulk.duration != "" {
		if def.Duration, err = secmaster.ParseDuration(c.bulk.duration); err != nil {
			return fmt.Errorf("--duration: %w", err)
		}
	}
	format := c.bulk.format
	if format == "" {
		format = secmaster.FormatOf(a[0])
	}
	in, err := openInput(a[0])
	if err != nil {
		return err
	}
	defer in.Close()
	start := time.Now()
	entries, err := secmaster.ParseBlocklist(bufio.NewReaderSize(in, 1<<20), format, def)
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", a[0], err)
	}
	res, err := c.sm.Import(ctx, project, secmaster.ImportInput{WorkspaceID: c.bulk.workspace, Layers: importLayers(c.layer),
		Entries: entries, DryRun: c.bulk.dryRun})
	if err != nil {
		var bad *secmaster.BlocklistError
		if errors.As(err, &bad) {
			return fmt.Errorf("%s: nothing imported:\n%w", a[0], err)
		}
		if res.Stored > 0 {
			return fmt.Errorf("%w (%d of %d entries were stored before the error, in policies labelled %s%s)",
				err, res.Stored, res.Entries, secmaster.ImportLabelPrefix, res.ImportID)
		}
		return err
	}
	verb := "imported"
	if c.bulk.dryRun {
		verb = "would import"
	}
	fmt.Fprintf(c.out, "%s\t%d entries\npolicies\t%d\nduplicates skipped\t%d\nworkspace_id\t%s\n", verb, res.Entries,
		res.Policies, res.Duplicates, res.WorkspaceID)
	if !c.bulk.dryRun {
		fmt.Fprintf(c.out, "label\t%s%s\n", secmaster.ImportLabelPrefix, res.ImportID)
	}
	fmt.Fprintf(c.out, "took\t%s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// exportDecisions runs `rampart admin decisions export FILE`.
func exportDecisions(ctx context.Context, c *adminCall, a []string) error {
	project, err := c.projectID(ctx)
	if err != nil {
		return err
	}
	out := c.stdout
	var f *os.File
	if a[0] != "-" {
		if f, err = os.OpenFile(a[0], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return err
		}
		defer f.Close()
		out = f
	} else if w, ok := c.out.(interface{ Flush() error }); ok {
		_ = w.Flush()
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	w := secmaster.NewBlocklistWriter(bw)
	n, err := c.sm.Export(ctx, project, c.bulk.workspace, w.Write)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Sync()
	}
	if err != nil {
		return err
	}
	if f != nil {
		fmt.Fprintf(c.out, "exported\t%d entries\nfile\t%s\n", n, a[0])
	}
	return nil
}

// openInput opens a file, or standard input for "-".
func openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(name)
}
