package workspace

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/netip"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// Service holds the business rules of access policies over a Store. The
// zero value is not usable; build it with New. It is safe for concurrent
// use if its Store is.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
}

// Config tunes a Service. Zero fields take defaults: time.Now and random
// UUIDv4 identifiers.
type Config struct {
	Now   func() time.Time
	NewID func() string
}

// New returns a Service over store.
func New(store Store, cfg Config) *Service {
	s := &Service{store: store, now: cfg.Now, newID: cfg.NewID}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = newUUID
	}
	return s
}

// IPInput is an {ip_address, subnet_mask} pair as received.
type IPInput struct {
	Address string
	Mask    string
}

// PolicyInput is the "policy" object of CreateAccessPolicy. Empty strings
// take the defaults (PRIVATE_ACCESS, INTERNET, ACCESS_TYPE); nil booleans
// are false. ip_total_count is not part of it: it is always computed.
type PolicyInput struct {
	Name              string
	BlacklistType     string
	AccessControlType string
	IPs               []IPInput
	Enabled           *bool
	BlockAll          *bool
}

// CreateInput is the body of CreateAccessPolicy. Policy is required.
type CreateInput struct {
	Policy  *PolicyInput
	Objects []Object
}

// UpdateInput is the body of UpdateAccessPolicy: either Enabled alone (it
// has priority; the other fields are then ignored, as Huawei documents),
// BlockAll alone, or Operation with IPs.
type UpdateInput struct {
	Operation string
	IPs       []IPInput
	Enabled   *bool
	BlockAll  *bool
}

// Page bounds of the list operations, as Huawei documents them. A limit of 0
// or an absent limit takes the default.
const (
	PolicyLimitMax     = 100
	PolicyLimitDefault = 100
	PolicyOffsetMax    = 99
	ObjectLimitMax     = 2000
	ObjectLimitDefault = 10
	ObjectOffsetMax    = 1999
)

// Create validates in and stores a new policy of the project; it returns
// the stored policy. Errors: KindInvalid (CodeInvalid, CodeBlockAllOff),
// KindConflict (CodeNameConflict) when the name is taken.
func (s *Service) Create(ctx context.Context, projectID string, in CreateInput) (*AccessPolicy, error) {
	p, err := s.validateCreate(projectID, in)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateAccessPolicy(ctx, p); err != nil {
		if rampart.ErrorKind(err) == rampart.KindConflict {
			return nil, &rampart.Error{Kind: rampart.KindConflict, Code: CodeNameConflict, Field: "policy.policy_name",
				Message: fmt.Sprintf("The access policy name is conflict: the project already has a policy named %s.", p.Name)}
		}
		return nil, err
	}
	return p, nil
}

func (s *Service) validateCreate(projectID string, in CreateInput) (*AccessPolicy, error) {
	if in.Policy == nil {
		return nil, invalid("policy", "The field policy is required.")
	}
	pi := in.Policy
	p := &AccessPolicy{
		ID:                s.newID(),
		ProjectID:         projectID,
		Name:              orDefault(pi.Name, NamePrivateAccess),
		BlacklistType:     orDefault(pi.BlacklistType, BlacklistInternet),
		AccessControlType: orDefault(pi.AccessControlType, ControlAccessType),
		Enabled:           pi.Enabled != nil && *pi.Enabled,
		BlockAll:          pi.BlockAll != nil && *pi.BlockAll,
		CreatedAt:         s.now().UTC().Truncate(time.Millisecond),
	}
	if p.Name != NamePrivateAccess {
		return nil, invalid("policy.policy_name", "The field policy.policy_name must be %s, not %q.", NamePrivateAccess, p.Name)
	}
	if p.BlacklistType != BlacklistInternet {
		return nil, invalid("policy.blacklist_type", "The field policy.blacklist_type must be %s, not %q.", BlacklistInternet, p.BlacklistType)
	}
	if p.AccessControlType != ControlAccessType && p.AccessControlType != ControlIPWhiteList {
		return nil, invalid("policy.access_control_type", "The field policy.access_control_type must be %s or %s, not %q.",
			ControlAccessType, ControlIPWhiteList, p.AccessControlType)
	}
	ips, err := parseIPs("policy.ip_list", pi.IPs)
	if err != nil {
		return nil, err
	}
	if len(ips) > MaxIPs {
		return nil, invalid("policy.ip_list", "The field policy.ip_list has %d entries; at most %d are allowed.", len(ips), MaxIPs)
	}
	p.IPs = ips
	if p.BlockAll && !p.Enabled {
		return nil, blockAllOff()
	}
	objs, err := ValidateObjects("policy_objects_list", in.Objects)
	if err != nil {
		return nil, err
	}
	p.Objects = objs
	return p, nil
}

// List returns one page of the project's policies (oldest first) and the
// total matching the filter. controlType "" does not filter; limit and
// offset nil take the defaults. Errors: KindInvalid (CodeInvalid).
func (s *Service) List(ctx context.Context, projectID, controlType string, limit, offset *int) ([]*AccessPolicy, int, error) {
	if controlType != "" && controlType != ControlAccessType && controlType != ControlIPWhiteList {
		return nil, 0, invalid("access_control_type", "The parameter access_control_type must be %s or %s, not %q.",
			ControlAccessType, ControlIPWhiteList, controlType)
	}
	l, o, err := page(limit, offset, PolicyLimitDefault, PolicyLimitMax, PolicyOffsetMax)
	if err != nil {
		return nil, 0, err
	}
	return s.store.FindAccessPolicies(ctx, Filter{ProjectID: projectID, AccessControlType: controlType, Limit: l, Offset: o})
}

// Update changes a policy's whitelist state or IP list. Errors: KindInvalid
// (CodeInvalid, CodeNotAlone, CodeBlockAllOff), KindNotFound (CodeNotFound).
func (s *Service) Update(ctx context.Context, projectID, id string, in UpdateInput) error {
	if err := ValidateID("access_policy_id", id); err != nil {
		return err
	}
	var apply func(p *AccessPolicy) error
	switch {
	case in.Enabled != nil:
		// Highest priority: only the activation status changes.
		enabled := *in.Enabled
		apply = func(p *AccessPolicy) error { p.Enabled = enabled; return nil }
	case in.BlockAll != nil:
		if in.Operation != "" || len(in.IPs) > 0 {
			return &rampart.Error{Kind: rampart.KindInvalid, Code: CodeNotAlone, Field: "is_block_all",
				Message: "The field is_block_all can only be updated on its own, without operation_type or ip_white_list."}
		}
		blockAll := *in.BlockAll
		apply = func(p *AccessPolicy) error {
			if !p.Enabled {
				return blockAllOff()
			}
			p.BlockAll = blockAll
			return nil
		}
	default:
		if in.Operation == "" {
			return invalid("operation_type", "The field operation_type is required (%s or %s) unless is_enable or is_block_all is given.", OpAddIP, OpDeleteIP)
		}
		if in.Operation != OpAddIP && in.Operation != OpDeleteIP {
			return invalid("operation_type", "The field operation_type must be %s or %s, not %q.", OpAddIP, OpDeleteIP, in.Operation)
		}
		if len(in.IPs) == 0 {
			return invalid("ip_white_list", "The field ip_white_list is required with operation_type %s.", in.Operation)
		}
		ips, err := parseIPs("ip_white_list", in.IPs)
		if err != nil {
			return err
		}
		if in.Operation == OpAddIP {
			apply = func(p *AccessPolicy) error {
				merged := mergeIPs(p.IPs, ips)
				if len(merged) > MaxIPs {
					return invalid("ip_white_list", "The policy would have %d IP entries; at most %d are allowed.", len(merged), MaxIPs)
				}
				p.IPs = merged
				return nil
			}
		} else {
			apply = func(p *AccessPolicy) error { p.IPs = removeIPs(p.IPs, ips); return nil }
		}
	}
	return notFound(s.store.UpdateAccessPolicy(ctx, projectID, id, apply), id)
}

// ListObjects returns one page of a policy's objects and their total.
// Errors: KindInvalid (CodeInvalid), KindNotFound (CodeNotFound).
func (s *Service) ListObjects(ctx context.Context, projectID, id string, limit, offset *int) ([]Object, int, error) {
	if err := ValidateID("access_policy_id", id); err != nil {
		return nil, 0, err
	}
	l, o, err := page(limit, offset, ObjectLimitDefault, ObjectLimitMax, ObjectOffsetMax)
	if err != nil {
		return nil, 0, err
	}
	objs, total, err := s.store.FindAccessPolicyObjects(ctx, projectID, id, o, l)
	return objs, total, notFound(err, id)
}

// ReplaceObjects replaces every object of a policy (an empty list removes
// them all). Errors: KindInvalid (CodeInvalid), KindNotFound (CodeNotFound).
func (s *Service) ReplaceObjects(ctx context.Context, projectID, id string, objects []Object) error {
	if err := ValidateID("access_policy_id", id); err != nil {
		return err
	}
	objs, err := ValidateObjects("policy_objects_list", objects)
	if err != nil {
		return err
	}
	return notFound(s.store.ReplaceAccessPolicyObjects(ctx, projectID, id, objs), id)
}

// Delete deletes the listed policies, all or none. Duplicate IDs count
// once. Errors: KindInvalid (CodeInvalid) for an empty or malformed list,
// KindNotFound (CodeNotFound) if any ID is not a policy of the project.
func (s *Service) Delete(ctx context.Context, projectID string, ids []string) error {
	if len(ids) == 0 {
		return invalid("policy_id_list", "The field policy_id_list is required and must not be empty.")
	}
	seen := make(map[string]bool, len(ids))
	uniq := make([]string, 0, len(ids))
	for i, id := range ids {
		if err := ValidateID(fmt.Sprintf("policy_id_list[%d]", i), id); err != nil {
			return err
		}
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) > MaxDeleteIDs {
		return invalid("policy_id_list", "The field policy_id_list has %d IDs; at most %d are allowed.", len(uniq), MaxDeleteIDs)
	}
	err := s.store.DeleteAccessPolicies(ctx, projectID, uniq)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		var e *rampart.Error = rampart.AsError(err)
		return &rampart.Error{Kind: rampart.KindNotFound, Code: CodeNotFound, Field: "policy_id_list", Message: e.Message}
	}
	return err
}

// Policies returns every policy of a project with its objects and the
// project's Workspace revision, for the decision engine.
func (s *Service) Policies(ctx context.Context, projectID string) ([]*AccessPolicy, int64, error) {
	return s.store.LoadAccessPolicies(ctx, projectID)
}

// ValidateID checks the shape of a policy ID: 1–64 characters of letters,
// digits, '-' and '_'. Rampart's own IDs are UUIDs.
func ValidateID(field, id string) error {
	if id == "" {
		return invalid(field, "The field %s is required.", field)
	}
	if len(id) > MaxIDLen {
		return invalid(field, "The field %s is longer than %d characters.", field, MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return invalid(field, "The field %s may contain only letters, digits, '-' and '_'.", field)
		}
	}
	return nil
}

// ValidateObjects checks a policy_objects_list: object_type USER or
// USERGROUP, object_id 1–255 bytes without spaces, control characters or
// invalid UTF-8 (the decision API refuses such user and group IDs, so an
// object carrying one could never match), object_name free. Repeated
// (object_type, object_id) pairs are kept once, at their first position.
// At most MaxObjects distinct objects are allowed.
func ValidateObjects(field string, objects []Object) ([]Object, error) {
	out := make([]Object, 0, len(objects))
	seen := make(map[Object]bool, len(objects))
	for i, o := range objects {
		f := fmt.Sprintf("%s[%d]", field, i)
		if o.Type != ObjectUser && o.Type != ObjectUserGroup {
			if o.Type == "" {
				return nil, invalid(f+".object_type", "The field %s.object_type is required (%s or %s).", f, ObjectUser, ObjectUserGroup)
			}
			return nil, invalid(f+".object_type", "The field %s.object_type must be %s or %s, not %q.", f, ObjectUser, ObjectUserGroup, o.Type)
		}
		if o.ID == "" {
			return nil, invalid(f+".object_id", "The field %s.object_id is required.", f)
		}
		if len(o.ID) > MaxObjectIDLen {
			return nil, invalid(f+".object_id", "The field %s.object_id is longer than %d characters.", f, MaxObjectIDLen)
		}
		if !decision.PrintableName(o.ID) {
			return nil, invalid(f+".object_id", "The field %s.object_id contains a space, a control character or invalid UTF-8.", f)
		}
		key := Object{Type: o.Type, ID: o.ID}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, o)
	}
	if len(out) > MaxObjects {
		return nil, invalid(field, "The field %s has %d objects; at most %d are allowed.", field, len(out), MaxObjects)
	}
	return out, nil
}

// parseIPs parses a list of IP inputs, dropping entries that repeat a
// network already listed.
func parseIPs(field string, in []IPInput) ([]IPEntry, error) {
	out := make([]IPEntry, 0, len(in))
	for i, ip := range in {
		e, err := ParseIPEntry(fmt.Sprintf("%s[%d]", field, i), ip.Address, ip.Mask)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return mergeIPs(nil, out), nil
}

// mergeIPs appends to have the entries of add whose network is not listed
// yet. It is linear: a request body can carry some 20,000 entries.
func mergeIPs(have, add []IPEntry) []IPEntry {
	out := append(make([]IPEntry, 0, len(have)+len(add)), have...)
	seen := make(map[netip.Prefix]bool, len(have)+len(add))
	for _, h := range have {
		seen[h.Prefix] = true
	}
	for _, a := range add {
		if !seen[a.Prefix] {
			seen[a.Prefix] = true
			out = append(out, a)
		}
	}
	return out
}

// removeIPs returns have without the entries whose network is in del.
// Networks that are not listed are ignored.
func removeIPs(have, del []IPEntry) []IPEntry {
	drop := make(map[netip.Prefix]bool, len(del))
	for _, d := range del {
		drop[d.Prefix] = true
	}
	out := make([]IPEntry, 0, len(have))
	for _, h := range have {
		if !drop[h.Prefix] {
			out = append(out, h)
		}
	}
	return out
}

// page applies defaults and the documented ranges to limit and offset.
func page(limit, offset *int, def, maxLimit, maxOffset int) (int, int, error) {
	l, o := def, 0
	if limit != nil {
		if *limit < 0 || *limit > maxLimit {
			return 0, 0, invalid("limit", "The parameter limit must be between 0 and %d.", maxLimit)
		}
		if *limit > 0 {
			l = *limit
		}
	}
	if offset != nil {
		if *offset < 0 || *offset > maxOffset {
			return 0, 0, invalid("offset", "The parameter offset must be between 0 and %d.", maxOffset)
		}
		o = *offset
	}
	return l, o, nil
}

func blockAllOff() error {
	return &rampart.Error{Kind: rampart.KindInvalid, Code: CodeBlockAllOff, Field: "is_block_all",
		Message: "The field is_block_all cannot be changed while the IP whitelist is disabled (is_enable is false)."}
}

// notFound gives a store's KindNotFound the family code and a message
// naming the policy ID; other errors pass through.
func notFound(err error, id string) error {
	if rampart.ErrorKind(err) != rampart.KindNotFound {
		return err
	}
	return &rampart.Error{Kind: rampart.KindNotFound, Code: CodeNotFound, Field: "access_policy_id",
		Message: fmt.Sprintf("The access policy is not found, the policy id is '%s'.", id)}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
