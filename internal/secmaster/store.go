package secmaster

import (
	"context"
	"time"
)

// WorkspaceFilter selects a project's workspaces. Empty fields do not
// filter; Name and Description match substrings.
type WorkspaceFilter struct {
	ProjectID   string
	Name        string
	Description string
	RegionID    string
	IDs         []string
	// IsView, ViewBindID and EnterpriseProjectID filter exactly when set.
	IsView              *bool
	ViewBindID          string
	EnterpriseProjectID string
	Limit               int
	Offset              int
}

// Quota bounds the policies of one workspace that are not deleted.
type Quota struct {
	MaxPolicies int // all policies
	MaxAgeing   int // policies with block aging
}

// Condition is one search condition: Field Op Values. Values are
// alternatives (any may match). Op is one of OpEq, OpNe, OpLike.
type Condition struct {
	Field  string
	Op     string
	Values []string
}

// Search operators.
const (
	OpEq   = "="
	OpNe   = "!="
	OpLike = "like" // substring
)

// Sort orders search results by Field.
type Sort struct {
	Field string
	Desc  bool
}

// Query is a validated search over policies or records of a workspace.
// Logics joins Conditions left to right ("AND" or "OR"; len(Conditions)-1
// entries). PolicyID, when set, restricts records to one policy.
type Query struct {
	ProjectID   string
	WorkspaceID string
	PolicyID    string
	Conditions  []Condition
	Logics      []string
	Sort        []Sort
	Limit       int
	Offset      int
}

// Store persists the family. Every backend implements it and passes
// storetest.RunSecMaster. Every method that writes policies runs in one
// transaction that also bumps the project's SecMaster revision and writes
// the history records it mentions.
type Store interface {
	// CreateWorkspace stores w. Errors: KindConflict when the project has a
	// workspace of that name.
	CreateWorkspace(ctx context.Context, w *Workspace) error
	// EnsureDefaultWorkspace creates w unless the project's default
	// workspace was created before (even if since deleted) and reports
	// whether it did.
	EnsureDefaultWorkspace(ctx context.Context, w *Workspace) (bool, error)
	// FindWorkspace returns a workspace of the project. Errors: KindNotFound.
	FindWorkspace(ctx context.Context, projectID, id string) (*Workspace, error)
	// FindWorkspaces returns one page (oldest first) and the total.
	FindWorkspaces(ctx context.Context, f WorkspaceFilter) ([]*Workspace, int, error)
	// UpdateWorkspace rewrites name, description, view_bind_id, modifier
	// and update time. Errors: KindNotFound, KindConflict (name taken).
	UpdateWorkspace(ctx context.Context, w *Workspace) error
	// DeleteWorkspace removes an empty workspace. Errors: KindNotFound,
	// KindInUse when it holds policies that are not deleted.
	DeleteWorkspace(ctx context.Context, projectID, id string) error

	// CreatePolicies stores new policies (entries pending for t), the task
	// t and a RecordCreate per policy. Errors: KindQuota.
	CreatePolicies(ctx context.Context, ps []*Policy, t *Task, q Quota) error
	// ImportPolicies stores new policies whose entries are already
	// delivered (in force), their enforcement rows (Enforcements of each
	// entry), the task t (done) and a RecordCreate per policy, in one
	// transaction. Errors: KindNotFound (the workspace), KindQuota.
	ImportPolicies(ctx context.Context, ps []*Policy, t *Task, q Quota) error
	// FindPolicy returns a policy that is not deleted. Errors: KindNotFound.
	FindPolicy(ctx context.Context, projectID, workspaceID, id string) (*Policy, error)
	// SearchPolicies returns one page of the workspace's policies that are
	// not deleted, and the total.
	SearchPolicies(ctx context.Context, q Query) ([]*Policy, int, error)
	// UpdatePolicies applies fn to each policy of ids (all must exist and
	// be active), stores the result, marks the entries fn left pending for
	// t, lifts the entries fn removed, stores t and a RecordUpdate per
	// policy. Errors: KindNotFound (an id), any error fn returns, KindQuota.
	UpdatePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *Task, q Quota, fn func(*Policy) error) error
	// RetryPolicies marks the failed entries of the policies pending for t
	// and stores t and a RecordRetry per policy. Errors: KindNotFound.
	RetryPolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *Task) error
	// DeletePolicies marks the policies deleted, removes their enforcement
	// rows, stores t (done) and a RecordDelete per policy. Errors:
	// KindNotFound (an id unknown or already deleted).
	DeletePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *Task) error
	// SearchRecords returns one page of history records and the total.
	SearchRecords(ctx context.Context, q Query) ([]*Record, int, error)
	// FindTask returns a task of the project. Errors: KindNotFound.
	FindTask(ctx context.Context, projectID, id string) (*Task, error)

	// PendingTasks returns the pending tasks, up to limit of each project
	// (its oldest), oldest first, and the policies (with all their
	// entries) that have an entry pending for one of them: such an entry
	// carries the task in PendingTaskID.
	PendingTasks(ctx context.Context, limit int) ([]*Task, []*Policy, error)
	// CompleteDeliveries stores the results of deliveries, which may cover
	// only some of the pending entries: entry statuses, enforcement rows
	// (replacing the entry's previous rows), a RecordDeliver for each
	// policy left with no entry pending for the result's task (counting
	// every entry that task delivered), and marks done those of taskIDs
	// that have no entry pending any more. A Partial result only adds its
	// rows (upserted: a part stored twice is stored once), leaving the
	// entry pending. A result whose entry is no longer pending for its
	// task is ignored. policies are the delivered
	// policies as PendingTasks returned them (the records' snapshots start
	// from them).
	CompleteDeliveries(ctx context.Context, taskIDs []string, results []DeliveryResult, policies []*Policy) error
	// ExpirePolicies ends up to limit active policies whose aging time is
	// at or before now: state and entries expired, enforcement rows
	// removed, a RecordExpire each. It returns how many it expired.
	ExpirePolicies(ctx context.Context, now time.Time, limit int) (int, error)
	// Enforcements returns what a layer enforces in a target project at
	// time at (rows whose expiry is past are left out).
	Enforcements(ctx context.Context, targetProjectID, layer string, at time.Time) ([]Enforcement, error)
}
