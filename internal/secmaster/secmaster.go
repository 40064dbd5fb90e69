// Package secmaster is the SecMaster emergency-policy family: workspaces,
// emergency policies (block or allow an IP, a user name or a domain on
// several defense layers at once), their asynchronous delivery to the
// defense layers, retry, block aging and history, as Huawei's SecMaster v1
// API manages them under /v1/{project_id}/workspaces/{workspace_id}/soc/….
//
// Model: a Policy holds one DefenseEntry per entry of its
// defense_policy_list. Create, update, retry and delete record a Task; a
// Worker hands every pending entry to a Deliverer and stores the outcome
// (entry status plus the layer's Enforcement rows) in one transaction, so
// nothing is reported delivered that is not durably in an enforcement set.
// Each transaction carries about TurnRows enforcement rows (an entry
// delivered for the first time may be split over several), taken
// round-robin from the projects with pending work, so a large task is
// delivered over several transactions and never holds up other projects.
// Policies with block aging leave every enforcement set at their expiry.
// Every write bumps the project's SecMaster revision (rampart.FamilySecMaster)
// in the same transaction.
package secmaster

import (
	"time"
)

// Huawei error codes used by the family. Invalid input is
// SecMaster.20010002; an unknown workspace SecMaster.20010001 (HTTP 403);
// an unknown policy SecMaster.20030005; an unknown workspace on the
// workspace routes themselves SecMaster.20011003.
const (
	CodeInvalid           = "SecMaster.20010002"
	CodeWorkspaceNotFound = "SecMaster.20010001"
	CodeWorkspaceMissing  = "SecMaster.20011003"
	CodeNotFound          = "SecMaster.20030005"
	CodeQuota             = "SecMaster.20010004"
	CodeInUse             = "SecMaster.20010003"
)

// Action types of POST …/soc/policys.
const (
	ActionCreate = "create"
	ActionRetry  = "retry"
)

// Policy categories.
const (
	CategoryWhite = "WHITE"
	CategoryBlock = "BLOCK"
)

// Policy (object) types, exactly as Huawei spells them.
const (
	TypeSourceIP   = "Source Ip"
	TypeUserName   = "User Name"
	TypeDomainName = "Domain Name"
)

// Defense layers (defense_type values).
const (
	LayerWAF = "WAF"
	LayerCFW = "CFW"
	LayerVPC = "VPC"
	LayerIAM = "IAM"
)

// Policy states.
const (
	StateActive  = "ACTIVE"  // in force on every layer that accepted it
	StateExpired = "EXPIRED" // block aging reached; lifted from every layer
	StateDeleted = "DELETED" // deleted; lifted from every layer
)

// Entry block statuses (defense_block_status).
const (
	BlockPending = "PENDING"  // waiting for delivery
	BlockInForce = "IN_FORCE" // delivered: present in the layer's enforcement set
	BlockFailed  = "FAILED"   // the layer refused it; see defense_failure_description
	BlockExpired = "EXPIRED"  // lifted at the policy's block aging time
	BlockLifted  = "LIFTED"   // lifted because the policy was deleted
)

// Entry synchronisation statuses (sync_status).
const (
	SyncPending = "SYNCING"     // a delivery task is pending
	SyncDone    = "SYNCED"      // the layer holds the entry's current state
	SyncFailed  = "SYNC_FAILED" // the last delivery failed
)

// Task states.
const (
	TaskPending = "PENDING"
	TaskDone    = "DONE"
)

// Record actions (the history of a policy).
const (
	RecordCreate  = "CREATE"
	RecordUpdate  = "UPDATE"
	RecordRetry   = "RETRY"
	RecordDeliver = "DELIVER"
	RecordExpire  = "EXPIRE"
	RecordDelete  = "DELETE"
)

// Workspace is a SecMaster workspace of a project.
type Workspace struct {
	ID                    string
	ProjectID             string
	Name                  string
	Description           string
	RegionID              string
	ProjectName           string
	EnterpriseProjectID   string
	EnterpriseProjectName string
	ViewBindID            string
	IsView                bool
	CreatorID             string
	CreatorName           string
	ModifierID            string
	ModifierName          string
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// DefenseEntry is one entry of a policy's defense_policy_list: the defense
// layer connection that enforces the policy, and the outcome of its last
// delivery.
type DefenseEntry struct {
	ID                   string // defense_id
	ConnectionID         string
	ConnectionName       string
	ConnectionRegionID   string
	ConnectionRegionName string
	DefenseType          string
	TargetEnterpriseID   string
	TargetEnterpriseName string
	TargetProjectID      string
	TargetProjectName    string
	BlockStatus          string
	SyncStatus           string
	FailureDescription   string
	PendingTaskID        string // the task that must deliver the current state
	UpdatedAt            time.Time
	DeliveredAt          time.Time
}

// Policy is an emergency policy.
type Policy struct {
	ID           string
	ProjectID    string
	WorkspaceID  string
	BlockTarget  string // as given, normalised (comma-separated)
	Type         string // TypeSourceIP, TypeUserName, TypeDomainName
	Category     string // CategoryBlock, CategoryWhite
	RegionID     string
	Description  string
	Labels       string
	Direction    string
	AccountScope string
	EPSScope     string
	RegionScope  string
	Ageing       bool
	AgeingAt     time.Time // zero unless Ageing
	State        string
	TaskID       string // last task
	CreatorID    string
	CreatorName  string
	ModifierID   string
	ModifierName string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Defenses     []DefenseEntry
}

// Targets returns the policy's objects (block_target split on commas).
func (p *Policy) Targets() []string { return splitList(p.BlockTarget) }

// Task is a delivery task: the policies a create, update, retry or delete
// touched.
type Task struct {
	ID          string
	ProjectID   string
	WorkspaceID string
	Action      string // RecordCreate, RecordUpdate, RecordRetry, RecordDelete
	State       string
	PolicyIDs   []string
	CreatedAt   time.Time
	DoneAt      time.Time
}

// Record is one entry of a policy's history.
type Record struct {
	ID          string
	ProjectID   string
	WorkspaceID string
	PolicyID    string
	Action      string
	TaskID      string
	Detail      string
	Policy      *Policy // the policy as it was after the action
	CreatedAt   time.Time
}

// Enforcement is one object a layer enforces because of a delivered
// policy entry. The decision engine compiles from these rows.
type Enforcement struct {
	DefenseID       string
	PolicyID        string
	ProjectID       string // owner of the policy
	TargetProjectID string // where the layer enforces it
	Layer           string // LayerWAF, LayerCFW, LayerVPC, LayerIAM
	Category        string
	ObjectType      string
	Object          string    // an IP prefix (CIDR), a user name or a domain name
	ExpiresAt       time.Time // zero: no expiry
}

// DeliveryResult is the outcome of delivering one pending entry.
type DeliveryResult struct {
	PolicyID string
	EntryID  string
	TaskID   string
	Failure  string        // empty on success
	Enforce  []Enforcement // what the layer now enforces (success only)
	Fresh    bool          // the entry has no enforcement rows to replace (never delivered, no part stored)
	// Partial: Enforce is one part of the entry's rows, stored while the
	// entry stays pending; a later result carries the rest and the status.
	Partial bool
}
