package secmaster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// ImportBatchEntries is how many entries one transaction of an import
// stores (100 policies of MaxTargets). Below the enforcement change log's
// 100,000 rows, so a running server follows an import batch by batch.
const ImportBatchEntries = 100 * MaxTargets

// ImportLabelPrefix starts the label of every policy an import creates; the
// import's ID follows it.
const ImportLabelPrefix = "import:"

// ImportInput is a bulk import of addresses and networks to block.
type ImportInput struct {
	WorkspaceID string   // "": the project's default workspace
	Layers      []string // LayerWAF, LayerCFW, LayerVPC; at least one
	Entries     []ImportEntry
	DryRun      bool // check and count, store nothing
	// Progress, when set, is called after each stored batch with the
	// number of entries stored so far.
	Progress func(stored int)
}

// ImportResult says what an import stored.
type ImportResult struct {
	ImportID    string // the policies carry the label ImportLabelPrefix+ImportID
	WorkspaceID string
	Entries     int // distinct addresses and networks
	Duplicates  int // lines repeating an earlier line's target, skipped
	Policies    int
	Stored      int // entries stored (on error: those of the batches committed before it)
}

// importGroup is the entries that share an expiry and a reason: they go
// into the same policies.
type importGroup struct {
	duration time.Duration
	reason   string
	targets  []string
}

// Import stores entries as SecMaster emergency BLOCK policies of the Source
// Ip type (MaxTargets objects each, one policy per duration and reason),
// already delivered to the layers given: their enforcement rows are written
// with them, ImportBatchEntries entries per transaction. Every entry is
// checked before the first batch is stored (a bad entry stores nothing); a
// failure while storing leaves the batches before it stored (see
// ImportResult.Stored; they carry the import's label). The policies are
// ordinary policies: the API lists, updates and deletes them. Errors:
// KindInvalid, KindForbidden (unknown workspace), KindQuota,
// *BlocklistError (an entry a layer cannot enforce).
func (s *Service) Import(ctx context.Context, projectID string, in ImportInput) (ImportResult, error) {
	res := ImportResult{ImportID: s.newID()}
	if len(in.Layers) == 0 {
		return res, invalid("layer", "At least one layer is required (WAF, CFW or VPC).")
	}
	seenLayer := map[string]bool{}
	for _, l := range in.Layers {
		if l == LayerIAM || !layers[l] {
			return res, invalid("layer", "The layer %q cannot enforce addresses: WAF, CFW or VPC.", l)
		}
		if seenLayer[l] {
			return res, invalid("layer", "The layer %s is given twice.", l)
		}
		seenLayer[l] = true
	}
	ws, err := s.importWorkspace(ctx, projectID, in.WorkspaceID)
	if err != nil {
		return res, err
	}
	res.WorkspaceID = ws
	groups, err := groupImport(in.Entries, seenLayer[LayerWAF], &res)
	if err != nil {
		return res, err
	}
	for _, g := range groups {
		res.Policies += (len(g.targets) + MaxTargets - 1) / MaxTargets
	}
	if in.DryRun {
		return res, nil
	}
	now := s.clock()
	uid, uname := actor(ctx)
	var batch []*Policy
	entries := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		t := &Task{ID: s.newID(), ProjectID: projectID, WorkspaceID: ws, Action: RecordCreate, State: TaskDone,
			CreatedAt: now, DoneAt: now}
		for _, p := range batch {
			p.TaskID = t.ID
			t.PolicyIDs = append(t.PolicyIDs, p.ID)
		}
		if err := s.store.ImportPolicies(ctx, batch, t, s.quota); err != nil {
			if rampart.ErrorKind(err) == rampart.KindNotFound {
				return &rampart.Error{Kind: rampart.KindForbidden, Code: CodeWorkspaceNotFound, Field: "workspace_id",
					Message: fmt.Sprintf("The workspace %s does not exist.", ws)}
			}
			return s.quotaError(err)
		}
		res.Stored += entries
		batch, entries = batch[:0], 0
		if in.Progress != nil {
			in.Progress(res.Stored)
		}
		return nil
	}
	for _, g := range groups {
		for i := 0; i < len(g.targets); i += MaxTargets {
			part := g.targets[i:min(i+MaxTargets, len(g.targets))]
			p := &Policy{ID: s.newID(), ProjectID: projectID, WorkspaceID: ws, BlockTarget: strings.Join(part, ","),
				Type: TypeSourceIP, Category: CategoryBlock, RegionID: s.region, Description: g.reason,
				Labels: ImportLabelPrefix + res.ImportID, State: StateActive,
				CreatorID: uid, CreatorName: uname, ModifierID: uid, ModifierName: uname, CreatedAt: now, UpdatedAt: now}
			if g.duration > 0 {
				p.Ageing, p.AgeingAt = true, now.Add(g.duration)
			}
			for _, l := range in.Layers {
				p.Defenses = append(p.Defenses, DefenseEntry{ID: s.newID(), ConnectionID: "rampart-" + strings.ToLower(l),
					ConnectionName: "Rampart " + l, ConnectionRegionID: s.region, ConnectionRegionName: s.region,
					DefenseType: l, TargetEnterpriseID: "0", TargetEnterpriseName: "default", TargetProjectID: projectID,
					TargetProjectName: projectID, BlockStatus: BlockInForce, SyncStatus: SyncDone, UpdatedAt: now, DeliveredAt: now})
			}
			batch = append(batch, p)
			entries += len(part)
			if entries >= ImportBatchEntries {
				if err := flush(); err != nil {
					return res, err
				}
			}
		}
	}
	return res, flush()
}

// importWorkspace returns the workspace an import goes to: the one named,
// or the project's default workspace.
func (s *Service) importWorkspace(ctx context.Context, projectID, id string) (string, error) {
	if id != "" {
		w, err := s.workspace(ctx, projectID, id)
		if err != nil {
			return "", err
		}
		return w.ID, nil
	}
	if err := s.EnsureDefaultWorkspace(ctx, projectID); err != nil {
		return "", err
	}
	ws, _, err := s.store.FindWorkspaces(ctx, WorkspaceFilter{ProjectID: projectID, Name: DefaultWorkspaceName, Limit: 1000})
	if err != nil {
		return "", err
	}
	for _, w := range ws {
		if w.Name == DefaultWorkspaceName {
			return w.ID, nil
		}
	}
	return "", &rampart.Error{Kind: rampart.KindForbidden, Code: CodeWorkspaceNotFound, Field: "workspace_id",
		Message: fmt.Sprintf("The project's default workspace (%s) was deleted: name a workspace.", DefaultWorkspaceName)}
}

// groupImport drops repeated targets (the first line wins), refuses the
// /0 networks the WAF layer does not take, and groups the entries by
// duration and reason, in the order they first appear.
func groupImport(entries []ImportEntry, waf bool, res *ImportResult) ([]*importGroup, error) {
	type key struct {
		d time.Duration
		r string
	}
	byKey := map[key]*importGroup{}
	var groups []*importGroup
	seen := make(map[string]struct{}, len(entries))
	var bad BlocklistError
	for i := range entries {
		e := &entries[i]
		if waf && strings.HasSuffix(e.Target, "/0") {
			if len(bad.Lines) == MaxBadLines {
				bad.Truncated = true
				break
			}
			bad.Lines = append(bad.Lines, &LineError{Line: e.Line, Msg: fmt.Sprintf("the WAF layer does not accept %s: it would cover every address", e.Target)})
			continue
		}
		if _, dup := seen[e.Target]; dup {
			res.Duplicates++
			continue
		}
		seen[e.Target] = struct{}{}
		k := key{e.Duration, e.Reason}
		g := byKey[k]
		if g == nil {
			g = &importGroup{duration: e.Duration, reason: e.Reason}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.targets = append(g.targets, e.Target)
		res.Entries++
	}
	if len(bad.Lines) > 0 {
		return nil, &bad
	}
	return groups, nil
}
