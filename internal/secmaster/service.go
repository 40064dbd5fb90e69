package secmaster

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Default quotas per workspace: far above Huawei's 2,500 policies (300
// with aging), as deployments run 100,000+ blocks.
const (
	DefaultMaxPolicies = 1_000_000
	DefaultMaxAgeing   = 1_000_000
)

// Config tunes a Service. Zero fields take defaults.
type Config struct {
	Now       func() time.Time // time.Now
	NewID     func() string    // random UUIDv4
	Deliverer Deliverer        // LocalDeliverer
	Logger    *slog.Logger     // discard
	// MaxPolicies and MaxAgeing are the per-workspace quotas.
	MaxPolicies int
	MaxAgeing   int
	// DefaultRegion is the region_id of the default workspaces.
	DefaultRegion string
	// Targets decides which projects other than a policy's own its entries
	// may target (at create, update and retry, and again at delivery). Nil
	// allows only the policy's own project.
	Targets TargetGuard
}

// Service holds the family's business rules over a Store. Build it with
// New; it is safe for concurrent use if its Store is.
type Service struct {
	store     Store
	now       func() time.Time
	newID     func() string
	deliverer Deliverer
	log       *slog.Logger
	quota     Quota
	region    string
	guard     TargetGuard

	ensured sync.Map // project IDs whose default workspace exists

	known sync.Map // "project/workspace" keys of existing workspaces
	wake  chan struct{}
	turns turns // shares the delivery worker between projects

	counts deliveryCounters // delivery results, for metrics
}

// New returns a Service over store.
func New(store Store, cfg Config) *Service {
	s := &Service{store: store, now: cfg.Now, newID: cfg.NewID, deliverer: cfg.Deliverer, log: cfg.Logger,
		quota: Quota{MaxPolicies: cfg.MaxPolicies, MaxAgeing: cfg.MaxAgeing}, region: cfg.DefaultRegion,
		guard: cfg.Targets, wake: make(chan struct{}, 1)}
	if s.guard == nil {
		s.guard = denyForeignTargets{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = NewUUID
	}
	if s.deliverer == nil {
		s.deliverer = LocalDeliverer{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.quota.MaxPolicies <= 0 {
		s.quota.MaxPolicies = DefaultMaxPolicies
	}
	if s.quota.MaxAgeing <= 0 {
		s.quota.MaxAgeing = DefaultMaxAgeing
	}
	if s.region == "" {
		s.region = "local"
	}
	return s
}

// NewUUID returns an RFC 9562 version 7 UUID: 48 bits of Unix
// milliseconds, then random bits. Time-ordered IDs keep the storage's
// primary-key inserts on the same few index pages.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	ms := uint64(time.Now().UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// notify wakes the delivery worker.
func (s *Service) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func actor(ctx context.Context) (id, name string) {
	if p := rampart.PrincipalFromContext(ctx); p != nil {
		return p.UserID, p.UserName
	}
	return "", ""
}

// workspace checks that a workspace of the project exists, creating the
// project's default workspace on first use. Errors: KindInvalid
// (malformed id), KindForbidden (CodeWorkspaceNotFound).
func (s *Service) workspace(ctx context.Context, projectID, id string) (*Workspace, error) {
	if err := ValidateID("workspace_id", id); err != nil {
		return nil, err
	}
	if err := s.EnsureDefaultWorkspace(ctx, projectID); err != nil {
		return nil, err
	}
	key := projectID + "/" + id
	if w, ok := s.known.Load(key); ok {
		return w.(*Workspace), nil
	}
	w, err := s.store.FindWorkspace(ctx, projectID, id)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return nil, &rampart.Error{Kind: rampart.KindForbidden, Code: CodeWorkspaceNotFound, Field: "workspace_id",
			Message: fmt.Sprintf("The workspace %s does not exist.", id)}
	}
	if err == nil {
		s.known.Store(key, w)
	}
	return w, err
}

// CreatePolicy validates a create data_object and stores the policy with a
// delivery task; it returns the task ID. Errors: KindInvalid
// (CodeInvalid), KindForbidden (unknown workspace), KindQuota.
func (s *Service) CreatePolicy(ctx context.Context, projectID, workspaceID string, in *PolicyInput) (string, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return "", err
	}
	now := s.clock()
	p, err := validateCreate(in, now)
	if err != nil {
		return "", err
	}
	uid, uname := actor(ctx)
	if err := checkSelfBlock(p, projectID, uname); err != nil {
		return "", err
	}
	if err := s.authorizeTargets(ctx, projectID, "data_object.defense_policy_list", p.Defenses, map[string]bool{}); err != nil {
		return "", err
	}
	t := &Task{ID: s.newID(), ProjectID: projectID, WorkspaceID: workspaceID, Action: RecordCreate, State: TaskPending, CreatedAt: now}
	p.ID, p.ProjectID, p.WorkspaceID, p.State, p.TaskID = s.newID(), projectID, workspaceID, StateActive, t.ID
	p.CreatorID, p.CreatorName, p.ModifierID, p.ModifierName = uid, uname, uid, uname
	p.CreatedAt, p.UpdatedAt = now, now
	for i := range p.Defenses {
		d := &p.Defenses[i]
		d.ID, d.BlockStatus, d.SyncStatus, d.PendingTaskID, d.UpdatedAt = s.newID(), BlockPending, SyncPending, t.ID, now
	}
	t.PolicyIDs = []string{p.ID}
	if err := s.store.CreatePolicies(ctx, []*Policy{p}, t, s.quota); err != nil {
		if rampart.ErrorKind(err) == rampart.KindNotFound { // the workspace was deleted meanwhile
			return "", &rampart.Error{Kind: rampart.KindForbidden, Code: CodeWorkspaceNotFound, Field: "workspace_id",
				Message: fmt.Sprintf("The workspace %s does not exist.", workspaceID)}
		}
		return "", s.quotaError(err)
	}
	s.notify()
	return t.ID, nil
}

// checkSelfBlock refuses an IAM BLOCK of the caller's own user name in the
// project the caller manages it from: the caller would lose access to the
// project, and so the means to lift the block.
func checkSelfBlock(p *Policy, projectID, userName string) error {
	if userName == "" || p.Category != CategoryBlock || p.Type != TypeUserName {
		return nil
	}
	iamHere := false
	for _, d := range p.Defenses {
		if d.DefenseType == LayerIAM && d.TargetProjectID == projectID {
			iamHere = true
		}
	}
	if !iamHere {
		return nil
	}
	for _, t := range p.Targets() {
		if t == userName {
			return invalid("data_object.block_target", "The field data_object.block_target blocks %s, the caller, on the IAM layer of this project: the caller would lose the access needed to lift it.", userName)
		}
	}
	return nil
}

func (s *Service) quotaError(err error) error {
	if rampart.ErrorKind(err) == rampart.KindQuota {
		e := rampart.AsError(err)
		if e.Code == "" {
			return e.WithCode(CodeQuota)
		}
	}
	return err
}

// RetryPolicies re-delivers the failed entries of the policies of ids. It
// is idempotent: entries in force stay as they are. Errors: KindInvalid
// (also when the failed entries would expand to more than
// MaxDeliveryRows), KindForbidden, KindNotFound (CodeNotFound).
func (s *Service) RetryPolicies(ctx context.Context, projectID, workspaceID string, ids []string) (string, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return "", err
	}
	ids, err := ValidateIDs("data_object.retry_list", ids)
	if err != nil {
		return "", err
	}
	// One read of each policy, as it is now: what its failed entries expand
	// to is bounded (an entry that fails meanwhile is retried even if it
	// passes the bound: the bound is on the request, not exact to the row),
	// and their targets are checked.
	budget := deliveryBudget{field: "data_object.retry_list"}
	allowed := map[string]bool{}
	for i, id := range ids {
		p, err := s.store.FindPolicy(ctx, projectID, workspaceID, id)
		if err != nil {
			return "", policyNotFound(err)
		}
		if err := budget.add(p, "", true); err != nil {
			return "", err
		}
		if err := s.authorizeRetryTargets(ctx, i, p, allowed); err != nil {
			return "", err
		}
	}
	t := &Task{ID: s.newID(), ProjectID: projectID, WorkspaceID: workspaceID, Action: RecordRetry, State: TaskPending,
		PolicyIDs: ids, CreatedAt: s.clock()}
	if err := s.store.RetryPolicies(ctx, projectID, workspaceID, ids, t); err != nil {
		return "", policyNotFound(err)
	}
	s.counts.retries.Add(uint64(len(ids)))
	s.notify()
	return t.ID, nil
}

func policyNotFound(err error) error {
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		e := rampart.AsError(err)
		if e.Code == "" {
			return e.WithCode(CodeNotFound)
		}
	}
	return err
}

// UpdatePolicies changes the policies named by pathID and batchIDs as pt
// says; only the attributes sent change. The object type and the objects
// cannot change. Changed delivery attributes (category, aging, defense
// list) re-deliver the policy; entries dropped from the list are lifted at
// once. Errors: KindInvalid (also when the re-delivery would expand to
// more than MaxDeliveryRows), KindForbidden, KindNotFound, KindQuota.
func (s *Service) UpdatePolicies(ctx context.Context, projectID, workspaceID, pathID string, batchIDs []string, pt *PolicyPatch) (string, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return "", err
	}
	if err := ValidateID("policy_id", pathID); err != nil {
		return "", err
	}
	ids, err := ValidateIDs("batch_ids", batchIDs)
	if err != nil {
		return "", err
	}
	if pathID != "" && !contains(ids, pathID) {
		ids = append([]string{pathID}, ids...)
	}
	if pt == nil {
		pt = &PolicyPatch{}
	}
	now := s.clock()
	if err := validatePatch(pt, now); err != nil {
		return "", err
	}
	uid, uname := actor(ctx)
	t := &Task{ID: s.newID(), ProjectID: projectID, WorkspaceID: workspaceID, Action: RecordUpdate, State: TaskPending,
		PolicyIDs: ids, CreatedAt: now}
	allowed := map[string]bool{}
	for {
		// Each attempt counts afresh: an attempt stopped by a target not
		// yet checked is rolled back and run again.
		budget := deliveryBudget{field: "batch_ids"}
		err = s.store.UpdatePolicies(ctx, projectID, workspaceID, ids, t, s.quota, func(p *Policy) error {
			redeliver, err := applyPatch(p, pt, now)
			if err != nil {
				return err
			}
			if err := checkSelfBlock(p, projectID, uname); err != nil {
				return err
			}
			p.ModifierID, p.ModifierName, p.UpdatedAt, p.TaskID = uid, uname, now, t.ID
			for i := range p.Defenses {
				d := &p.Defenses[i]
				if d.ID == "" {
					d.ID = s.newID()
				}
				if redeliver || d.BlockStatus == "" {
					d.BlockStatus, d.SyncStatus, d.PendingTaskID, d.FailureDescription, d.UpdatedAt = BlockPending, SyncPending, t.ID, "", now
				}
				if d.PendingTaskID == t.ID && d.TargetProjectID != projectID && !allowed[d.TargetProjectID] {
					return &needTarget{field: fmt.Sprintf("data_object.defense_policy_list[%d].target_project_id", i), project: d.TargetProjectID}
				}
			}
			return budget.add(p, t.ID, false)
		})
		var need *needTarget
		if !errors.As(err, &need) {
			break
		}
		// An entry is about to be delivered to a project not yet checked:
		// check it outside the transaction, then update again.
		if err := s.authorizeTarget(ctx, projectID, need.field, need.project, allowed); err != nil {
			return "", err
		}
	}
	if err != nil {
		return "", s.quotaError(policyNotFound(err))
	}
	s.notify()
	return t.ID, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// DeletePolicies deletes policies and lifts them from every layer at once
// (in the same transaction). Errors: KindInvalid (also for an unknown id,
// as Huawei answers "invalid parameter"), KindForbidden.
func (s *Service) DeletePolicies(ctx context.Context, projectID, workspaceID string, ids []string) (string, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return "", err
	}
	ids, err := ValidateIDs("batch_ids", ids)
	if err != nil {
		return "", err
	}
	now := s.clock()
	t := &Task{ID: s.newID(), ProjectID: projectID, WorkspaceID: workspaceID, Action: RecordDelete, State: TaskDone,
		PolicyIDs: ids, CreatedAt: now, DoneAt: now}
	err = s.store.DeletePolicies(ctx, projectID, workspaceID, ids, t)
	if err != nil {
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			return "", invalid("batch_ids", "Invalid parameter: %s", rampart.AsError(err).Message)
		}
		return "", err
	}
	return t.ID, nil
}

// GetPolicy returns a policy that is not deleted. Errors: KindInvalid,
// KindForbidden, KindNotFound (CodeNotFound).
func (s *Service) GetPolicy(ctx context.Context, projectID, workspaceID, id string) (*Policy, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return nil, err
	}
	if err := ValidateID("policy_id", id); err != nil {
		return nil, err
	}
	p, err := s.store.FindPolicy(ctx, projectID, workspaceID, id)
	return p, policyNotFound(err)
}

// SearchPolicies returns one page of the workspace's policies and the
// total. Errors: KindInvalid, KindForbidden.
func (s *Service) SearchPolicies(ctx context.Context, projectID, workspaceID string, in SearchInput) ([]*Policy, int, Query, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return nil, 0, Query{}, err
	}
	q, err := buildQuery(in, PolicyFields)
	if err != nil {
		return nil, 0, q, err
	}
	q.ProjectID, q.WorkspaceID = projectID, workspaceID
	ps, total, err := s.store.SearchPolicies(ctx, q)
	return ps, total, q, err
}

// SearchRecords returns one page of history records of the workspace, or
// of one policy when policyID is set (a policy with no history is
// unknown). Errors: KindInvalid, KindForbidden, KindNotFound.
func (s *Service) SearchRecords(ctx context.Context, projectID, workspaceID, policyID string, byPolicy bool, in SearchInput) ([]*Record, int, Query, error) {
	if _, err := s.workspace(ctx, projectID, workspaceID); err != nil {
		return nil, 0, Query{}, err
	}
	if byPolicy {
		if err := ValidateID("policy_id", policyID); err != nil {
			return nil, 0, Query{}, err
		}
	}
	q, err := buildQuery(in, RecordFields)
	if err != nil {
		return nil, 0, q, err
	}
	q.ProjectID, q.WorkspaceID, q.PolicyID = projectID, workspaceID, policyID
	rs, total, err := s.store.SearchRecords(ctx, q)
	if err == nil && byPolicy && total == 0 {
		// Distinguish "no record matches" from "no such policy".
		all, n, err2 := s.store.SearchRecords(ctx, Query{ProjectID: projectID, WorkspaceID: workspaceID, PolicyID: policyID, Limit: 1})
		if err2 != nil {
			return nil, 0, q, err2
		}
		if n == 0 && len(all) == 0 {
			return nil, 0, q, &rampart.Error{Kind: rampart.KindNotFound, Code: CodeNotFound, Field: "policy_id",
				Message: fmt.Sprintf("The policy %s does not exist.", policyID)}
		}
	}
	return rs, total, q, err
}

// Enforcements returns what a layer enforces in a target project now.
func (s *Service) Enforcements(ctx context.Context, targetProjectID, layer string) ([]Enforcement, error) {
	return s.store.Enforcements(ctx, targetProjectID, layer, s.clock())
}
