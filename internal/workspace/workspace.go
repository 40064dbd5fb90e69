// Package workspace is the Workspace (cloud desktop) access-policy family:
// the entities Huawei's Workspace v2 API manages under
// /v2/{project_id}/access-policy, their validation rules, the Store
// interface a storage backend implements, the Service holding the business
// rules, and Decide, the pure function the decision engine uses to tell
// whether a user may connect from a client address.
//
// Representation: an AccessPolicy carries its IP list inline (at most
// MaxIPs entries) and its objects (users and user groups, at most
// MaxObjects) separately, since objects are paged on their own. Everything
// is scoped to one project; no call ever reads or writes another project's
// policies. Every successful write bumps the project's Workspace revision
// (rampart.FamilyWorkspace) in the same transaction.
package workspace

import (
	"context"
	"net/netip"
	"time"
)

// Policy names. Huawei documents only PRIVATE_ACCESS ("private line
// access"); a project holds at most one policy per name.
const (
	NamePrivateAccess = "PRIVATE_ACCESS"
)

// Blacklist types. Only the Internet is supported.
const (
	BlacklistInternet = "INTERNET"
)

// Access control types.
const (
	ControlAccessType  = "ACCESS_TYPE"   // private-line policy: listed objects may not use the Internet
	ControlIPWhiteList = "IP_WHITE_LIST" // IP allow-list for client addresses
)

// Object types.
const (
	ObjectUser      = "USER"
	ObjectUserGroup = "USERGROUP"
)

// IP list operations of UpdateAccessPolicy.
const (
	OpAddIP    = "ADD_IP"
	OpDeleteIP = "DELETE_IP"
)

// Limits. MaxIPs follows Huawei's published maximum of ip_list; MaxObjects
// is Rampart's choice (see docs/compatibility.md): it keeps every page a
// pager asks for inside the documented offset range 0–1999.
const (
	MaxIPs         = 1000
	MaxObjects     = 1000
	MaxObjectIDLen = 255
	MaxIDLen       = 64
	MaxDeleteIDs   = 100
)

// Huawei-style error codes of the family (see docs/compatibility.md).
const (
	CodeEmpty        = "WKS.0001"     // 400: the request message is empty or not understood
	CodeInvalid      = "WKS.00081106" // 400: a field is missing, malformed or out of range
	CodeNotAlone     = "WKS.00081107" // 400: a field that must be updated on its own was combined with others
	CodeBlockAllOff  = "WKS.00081108" // 400: is_block_all cannot change while the whitelist is disabled
	CodeNotFound     = "WKS.00081104" // 404: the access policy does not exist
	CodeNameConflict = "WKS.00081101" // 409: a policy with this name already exists
)

// IPEntry is one ip_list / ip_white_list item. Address is the canonical
// form of the given address; Mask is the mask exactly as given (dotted or
// prefix length) and is echoed back; Prefix is the masked network used for
// matching and for recognising duplicates.
type IPEntry struct {
	Address string
	Mask    string
	Prefix  netip.Prefix
}

// Object is a user or user group a policy applies to. Name is free text that
// is stored and echoed, never checked.
type Object struct {
	Type string // ObjectUser or ObjectUserGroup
	ID   string
	Name string
}

// AccessPolicy is a Workspace access policy of one project.
type AccessPolicy struct {
	ID                string
	ProjectID         string
	Name              string
	BlacklistType     string
	AccessControlType string
	IPs               []IPEntry
	Enabled           bool // is_enable: the IP whitelist is in force
	BlockAll          bool // is_block_all: the whitelist denies every address
	CreatedAt         time.Time
	// Objects is filled by Create and by LoadAccessPolicies; list calls leave
	// it nil (objects are paged separately).
	Objects []Object
}

// Filter selects a project's policies for ListAccessPolicies. An empty
// AccessControlType does not filter. Offset and Limit page the result;
// Limit 0 means no limit.
type Filter struct {
	ProjectID         string
	AccessControlType string
	Offset            int
	Limit             int
}

// Store persists access policies. Every backend implements it and passes
// the conformance suite in package storetest. Each method is one
// transaction, and every method that writes bumps the project's
// rampart.FamilyWorkspace revision in that transaction.
type Store interface {
	// CreateAccessPolicy stores p (ID, ProjectID and CreatedAt set by the
	// caller) with its Objects. KindConflict if the project already has a
	// policy named p.Name.
	CreateAccessPolicy(ctx context.Context, p *AccessPolicy) error

	// FindAccessPolicies returns one page of a project's policies, oldest
	// first, without objects, and the number of policies matching the filter
	// regardless of paging.
	FindAccessPolicies(ctx context.Context, f Filter) ([]*AccessPolicy, int, error)

	// UpdateAccessPolicy loads a policy, lets apply change its IPs, Enabled
	// and BlockAll, and stores the result, all in one transaction. An error
	// from apply is returned unchanged and nothing is written. KindNotFound
	// if the project has no such policy.
	UpdateAccessPolicy(ctx context.Context, projectID, id string, apply func(p *AccessPolicy) error) error

	// FindAccessPolicyObjects returns one page of a policy's objects in the
	// order they were given, and their total. Limit 0 means no limit.
	// KindNotFound if the project has no such policy.
	FindAccessPolicyObjects(ctx context.Context, projectID, id string, offset, limit int) ([]Object, int, error)

	// ReplaceAccessPolicyObjects replaces all objects of a policy.
	// KindNotFound if the project has no such policy.
	ReplaceAccessPolicyObjects(ctx context.Context, projectID, id string, objects []Object) error

	// DeleteAccessPolicies deletes the given policies and their objects, all
	// or none: KindNotFound (naming the first unknown ID) if any of them is
	// not a policy of the project.
	DeleteAccessPolicies(ctx context.Context, projectID string, ids []string) error

	// LoadAccessPolicies returns every policy of a project with its objects,
	// oldest first, and the project's Workspace revision, read from one
	// snapshot. The decision engine compiles this.
	LoadAccessPolicies(ctx context.Context, projectID string) ([]*AccessPolicy, int64, error)
}
